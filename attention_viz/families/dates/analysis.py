"""What the date page shows, computed without Streamlit (a notebook gets the same numbers).

Gold-span cells, teacher forcing vs free running, and batch conversion
of many lines with a per-line verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attention_viz.analysis.tables import csv_text
from attention_viz.families.dates import data, vocab
from attention_viz.prediction import Prediction

MAX_BATCH_ROWS = 1_000  # lines converted at once on the page
MAX_UPLOAD_BYTES = 200_000  # an uploaded text/CSV file


def gold_cells(example: data.Example) -> list[tuple[int, int]]:
    """(output row, input column) cells inside each output character's gold field span."""
    return [
        (row, col)
        for row, span in enumerate(example.output_spans())
        if span is not None
        for col in range(*span)
    ]


def in_span(example: data.Example, weights: np.ndarray) -> list[bool | None]:
    """Per output character: is its attention argmax inside its gold span (None for dashes)?"""
    peaks = np.asarray(weights).argmax(axis=1)
    return [
        None if span is None else bool(span[0] <= peak < span[1])
        for span, peak in zip(example.output_spans(), peaks, strict=True)
    ]


@dataclass(frozen=True)
class DecodingComparison:
    free: Prediction  # each step fed the model's own previous character
    forced: Prediction  # each step fed the true previous character (its text is the target)
    target: str
    forced_text: str  # what the model writes at each step when fed the true prefix
    differs: list[bool]  # per output position: free-running char != teacher-forced char


def compare_decodings(model, text: str, target: str) -> DecodingComparison:
    """Decode `text` both ways; `target` is the known ISO date."""
    free = model.predict(text)
    forced = model.teacher_forced(text, target)
    forced_text = "".join(forced.predicted)
    differs = [a != b for a, b in zip(free.text, forced_text, strict=True)]
    return DecodingComparison(free, forced, target, forced_text, differs)


@dataclass(frozen=True)
class BatchRow:
    line: int
    input: str
    output: str
    valid_date: bool
    expected: str  # from the parser when the input is in a known format, else ""
    note: str  # why a line was refused, or which characters were unknown


def lines_from_upload(raw: bytes, name: str) -> list[str]:
    """The input lines of an uploaded text or CSV file (first column of a CSV).

    Raises:
        ValueError: too large, or not UTF-8 text.
    """
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValueError(
            f"{name} is {len(raw):,} bytes; uploads are limited to {MAX_UPLOAD_BYTES:,} bytes"
        )
    if b"\x00" in raw:
        raise ValueError(f"{name} is not a text file (it contains binary data)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{name} is not UTF-8 text") from None
    lines = text.splitlines()
    if name.lower().endswith(".csv"):
        import csv

        lines = [row[0] if row else "" for row in csv.reader(lines)]
    return lines


def convert_lines(model, lines: list[str], max_rows: int = MAX_BATCH_ROWS) -> list[BatchRow]:
    """Convert every non-blank line; refused lines get a note instead of an output.

    Raises:
        ValueError: more than `max_rows` non-blank lines (the message names the limit).
    """
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip()]
    if len(numbered) > max_rows:
        raise ValueError(f"{len(numbered):,} lines; batch conversion takes at most {max_rows:,}")
    rows: list[BatchRow | None] = [None] * len(numbered)
    accepted = []
    for k, (number, line) in enumerate(numbered):
        try:
            accepted.append((k, vocab.check_input(line, model.config.max_input_chars)))
        except ValueError as e:
            rows[k] = BatchRow(number, line, "", False, "", str(e))
    preds = model.predict_batch([t for _, t in accepted]) if accepted else []
    for (k, text), p in zip(accepted, preds, strict=True):
        gold = data.parse(text)
        rows[k] = BatchRow(
            numbered[k][0],
            numbered[k][1],
            p.text,
            bool(p.checks["valid_date"]),
            gold.target if gold else "",
            "; ".join(p.warnings),
        )
    return [r for r in rows if r is not None]


def rows_to_csv(rows: list[BatchRow]) -> str:
    """CSV of the batch table; cells a spreadsheet would run as formulas are quoted."""
    header = ["line", "input", "output", "valid_date", "expected", "note"]
    return csv_text(
        header, ([r.line, r.input, r.output, str(r.valid_date), r.expected, r.note] for r in rows)
    )
