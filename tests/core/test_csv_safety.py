"""Every CSV the app offers opens safely in a spreadsheet: a text cell that starts with
= + - @, a tab or a carriage return gets a leading quote (OWASP's CSV-injection advice);
numbers, negative ones included, stay numbers."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from attention_viz.analysis.tables import FORMULA_STARTS, csv_text, matrix_csv, safe_cell

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x.invalid","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "-",
    "<img src=x onerror=alert(1)>",
]


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_safe(text: str) -> None:
    """No cell a spreadsheet would run: each starts with a harmless character or is a number."""
    for row in cells(text):
        for cell in row:
            if cell[:1] in FORMULA_STARTS:
                float(cell)  # only a plain number may start so (raises ValueError otherwise)


@pytest.mark.parametrize("token", HOSTILE)
def test_a_hostile_text_cell_is_quoted_and_kept(token):
    out = safe_cell(token)
    assert out == "'" + token if token[:1] in FORMULA_STARTS else out == token
    assert_safe(csv_text(["h"], [[token]]))


def test_numbers_stay_numbers():
    text = matrix_csv(["x", "a", "b"], np.array([[-0.5, 1e-7], [2.0, -3.25]]), ["-1.5", "2"])
    rows = cells(text)
    assert rows[1] == ["-1.5", "-0.5", "1e-07"] and rows[2] == ["2", "2.0", "-3.25"]
    assert [float(c) for c in rows[1]] == [-1.5, -0.5, 1e-7]


def test_hostile_tokens_as_heatmap_labels():
    """Header and row labels made of tokens (the self-attention page puts raw user words
    there; the sequence pages put "i:token")."""
    tokens = HOSTILE
    text = matrix_csv(["query \\ key", *tokens], np.eye(len(tokens)), tokens)
    assert_safe(text)
    header = cells(text)[0]
    assert header[1] == "'=cmd|' /C calc'!A0" and header[-1] == tokens[-1]  # kept, readable


def test_date_batch_download_with_hostile_lines(one_torch_thread):
    from attention_viz.families.dates.analysis import convert_lines, rows_to_csv
    from attention_viz.registry import load_model

    rows = convert_lines(load_model("date-attention"), [*HOSTILE, "-1/2/2003", "25 sept 1984"])
    text = rows_to_csv(rows)
    assert_safe(text)
    inputs = [r[1] for r in cells(text)[1:]]
    assert "'=cmd|' /C calc'!A0" in inputs and "'-1/2/2003" in inputs and "25 sept 1984" in inputs


def test_a_line_break_inside_a_cell_cannot_start_a_row():
    text = csv_text(["h"], [["abc\r=1+1"], ["x\n@SUM(A1)"]])
    assert text.count("\r\n") == 3 and len(cells(text)) == 3  # the breaks are quoted
    assert_safe(text)
