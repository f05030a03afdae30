"""The transformer family through the command line: train --quick, evaluate, bench targets."""

from __future__ import annotations

import pytest

from attention_viz.checkpoint import load_checkpoint
from attention_viz.cli import bench_targets, main

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_bench_accepts_the_family_key():
    assert bench_targets()["transformer"] == "attention_viz.families.transformer.bench:run"


def test_bench_reports_a_recipe_that_runs_its_whole_schedule(monkeypatch):
    """Sort's recipe stops only at a perfect validation: short of it, the bench still reports
    its training time (it printed a traceback)."""
    from attention_viz.families.transformer import bench, train

    history = [{"train_seconds": 65.5, "cpu_seconds": 66.9, "step": 1000, "val_accuracy": 0.999}]
    config = train.RECIPES["transformer-sort"][1]
    monkeypatch.setattr(train, "train_model", lambda *a, **k: (None, history, config))
    figures = bench._time_to_target("transformer-sort")
    assert figures["train_seconds"] == 65.5 and figures["target_reached"] is False
    assert "65.5 s to validation 0.999" in bench._describe(figures)
    assert "the whole schedule" in bench._describe(figures)


def test_quick_training_writes_a_checkpoint_with_the_shared_meta_schema(tmp_path, capsys):
    assert main(["train", "transformer-induction", "--quick", "--out", str(tmp_path)]) == 0
    checkpoint = load_checkpoint(tmp_path / "transformer-induction", "rebuild")
    meta = checkpoint.meta
    assert meta["name"] == "transformer-induction"
    assert meta["training"]["quick"] is True and meta["training"]["threads"] == 1
    assert {"step", "loss", "val_accuracy", "train_seconds"} <= set(meta["history"][0])
    assert 0.0 <= meta["metrics"]["second_half_accuracy"] <= 1.0
    assert checkpoint.config["decoder_layers"] == 2
    assert "wrote" in capsys.readouterr().out


def test_evaluate_scores_a_file_of_pairs(tmp_path, capsys):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("abc\tcba\nhello2024\t4202olleh\n# a comment\nABC\tCBA\n", encoding="utf-8")
    assert main(["evaluate", "transformer-reverse", "--file", str(pairs)]) == 0
    out = capsys.readouterr().out
    assert "exact match 2/3" in out and "refused" in out
