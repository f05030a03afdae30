"""The command line for the date models: list, predict, evaluate, train --quick, bench."""

from __future__ import annotations

import json

import pytest

from attention_viz.cli import main

# Small models run faster on one thread than on two here (see conftest).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_the_date_models(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    for name in ("date-baseline", "date-peeky", "date-attention", "date-additive"):
        assert name in out


def test_predict_prints_the_date_and_a_text_heatmap(capsys):
    code, out, _ = run(capsys, "predict", "date-attention", "25 sept 1984")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "1984-09-25"
    assert "valid_date: True" in out
    assert any(line.startswith("1 ") for line in lines)  # heatmap rows start with the char


@pytest.mark.parametrize(
    ("text", "message"), [("", "empty input"), ("9" * 60, "at most 40 characters")]
)
def test_predict_refuses_bad_input_in_one_line(capsys, text, message):
    code, out, err = run(capsys, "predict", "date-attention", text)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_predict_flags_unknown_characters(capsys):
    code, out, _ = run(capsys, "predict", "date-attention", "May 3, 1999 ☃")
    assert code == 0 and "warning: 1 character(s) outside" in out


def test_evaluate_a_file_prints_accuracy_and_failures(capsys, tmp_path):
    f = tmp_path / "dates.tsv"
    f.write_text(
        "# input<TAB>expected\nMay 3, 1999\t1999-05-03\n2/10/93\t1993-02-10\n"
        "May 3, 1999\t2000-01-01\n\t2000-01-01\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "evaluate", "date-attention", "--file", str(f))
    assert code == 0
    assert "exact match 2/4 = 50.000%" in out
    assert "line 4" in out and "line 5" in out and "refused" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"no tab here\n", "expected input<TAB>expected"), (b"\xff\xfe\x00bad", "not UTF-8")],
)
def test_evaluate_bad_file_is_a_clean_error(capsys, tmp_path, content, message):
    f = tmp_path / "bad.tsv"
    f.write_bytes(content)
    code, _, err = run(capsys, "evaluate", "date-attention", "--file", str(f))
    assert code == 2 and message in err


def test_evaluate_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, "evaluate", "date-attention", "--file", str(tmp_path / "no.tsv"))
    assert code == 2 and "no such file" in err


def test_quick_training_run_writes_a_loadable_checkpoint(capsys, tmp_path):
    code, out, _ = run(capsys, "train", "date-attention", "--quick", "--out", str(tmp_path))
    assert code == 0 and "wrote" in out
    record = json.loads((tmp_path / "date-attention.json").read_text())
    assert record["training"]["quick"] is True and len(record["history"]) == 2
    from attention_viz.checkpoint import load_checkpoint
    from attention_viz.families.dates.model import build

    model = build(load_checkpoint(tmp_path / "date-attention", "rebuild")).eval()
    assert len(model.predict("May 3, 1999").text) == 10


def test_bench_quick(capsys):
    code, out, _ = run(capsys, "bench", "dates", "--quick")
    assert code == 0 and "dates/s" in out and "date-attention" in out


def test_predict_warns_about_text_that_is_no_date(capsys):
    code, out, _ = run(capsys, "predict", "date-attention", "christmas day 2024")
    assert code == 0
    assert "warning: low confidence" in out
    _, out, _ = run(capsys, "predict", "date-attention", "Tuesday, September 25, 1984")
    assert "warning" not in out


def test_predict_names_the_trained_years_for_a_year_outside_them(capsys):
    code, out, _ = run(capsys, "predict", "date-attention", "July 4, 1776")
    assert code == 0
    assert "the year 1776 is outside" in out and "1900–2099" in out
