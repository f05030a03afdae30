"""The shipped ntm-copy weights: load, meet the copy target on fresh sequences, and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from attention_viz import load_model
from attention_viz.cli import main
from attention_viz.families.memory.data import copy_batch, format_bits, random_bits
from attention_viz.families.memory.evaluate import EVAL_SEED, errors_by_length
from attention_viz.families.memory.train import VALIDATION_SEED
from attention_viz.registry import list_models, weights_stem

FRESH_SEED = 31_337  # neither training (0..), validation (10_000) nor the JSON (20_000) used it
PER_LENGTH = 200
MAX_WEIGHTS_BYTES = 400_000

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def model():
    return load_model("ntm-copy", device="cpu")


def test_the_memory_family_is_registered():
    assert list_models("memory") == ["ntm-copy"]
    assert len({FRESH_SEED, VALIDATION_SEED, EVAL_SEED}) == 3


def test_shipped_model_copies_fresh_sequences_of_length_1_to_10(model):
    found = errors_by_length(model, range(1, 11), PER_LENGTH, seed=FRESH_SEED)
    wrong, total = sum(e[0] for e in found.values()), sum(e[1] for e in found.values())
    assert 1000 * wrong / total <= 1.0, {n: e[0] for n, e in found.items()}
    path = weights_stem("ntm-copy").with_suffix(".safetensors")
    assert path.stat().st_size <= MAX_WEIGHTS_BYTES


def test_shipped_record_is_complete_and_honest(model):
    record = json.loads(weights_stem("ntm-copy").with_suffix(".json").read_text())
    training, metrics = record["training"], record["metrics"]
    assert training["threads"] == 1 and training["quick"] is False
    assert training["target_met"] is True
    assert record["history"][-1]["val_error"] == 0.0
    assert metrics["bit_errors_per_1000_trained_lengths"] <= 1.0
    assert {"15", "20", "30"} <= set(metrics["bit_errors_per_1000_by_length"])  # reported
    assert metrics["parameters"] == sum(p.numel() for p in model.parameters())


def test_heads_weights_sum_to_one_and_the_write_head_moves_one_slot_per_row(model):
    t = model.trace(random_bits(8, 8, 5))
    for head in (t.read, t.write):
        for w in (head.content, head.gated, head.shifted, head.weights):
            assert np.allclose(w.sum(-1), 1.0, atol=1e-4)
    # copying uses location: during the output steps the read focus advances one slot per
    # step, over slots the write focus visited while the rows came in
    n, slots = 8, model.config.slots
    read = t.read.weights[n + 1 :].argmax(-1)
    written = set(t.write.weights[: n + 1].argmax(-1))
    assert set(np.diff(read) % slots) == {1}, read
    assert set(read) <= written, (read, written)
    assert not t.errors.any()


def test_batch_copy_agrees_with_one_by_one(model):
    _, targets = copy_batch(4, 6, 8, torch.Generator().manual_seed(FRESH_SEED))
    bits = targets.transpose(0, 1)
    batch = model.copy(bits).numpy().astype(np.uint8)
    for b, row in zip(bits, batch, strict=True):
        assert model.predict(format_bits(b.numpy().astype(np.uint8))).text == format_bits(row)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_predict_prints_output_target_and_weights(capsys):
    code, out, _ = run(capsys, "predict", "ntm-copy", "01100110 10110001 00011110")
    assert code == 0
    assert "output: 01100110 10110001 00011110" in out
    assert "target: 01100110 10110001 00011110" in out
    assert "wrong bits: 0 of 24" in out
    assert "write weights" in out and "read weights" in out
    code, out, _ = run(capsys, "predict", "ntm-copy", "random:12:3")
    assert code == 0 and "longer than the 10" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0110", "exactly 8"),
        (" ".join(["01010101"] * 33), "at most 32 rows"),
        ("random:", "random"),
    ],
)
def test_cli_predict_refuses_bad_input_in_one_line(capsys, text, message):
    code, out, err = run(capsys, "predict", "ntm-copy", text)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_cli_evaluate_file(capsys, tmp_path):
    file = tmp_path / "seqs.tsv"
    file.write_text("01100110 10110001\t01100110 10110001\n11110000\t\n", encoding="utf-8")
    code, out, _ = run(capsys, "evaluate", "ntm-copy", "--file", str(file))
    assert code == 0 and "0 wrong bits out of 24" in out


@pytest.mark.slow
def test_cli_train_quick_writes_a_checkpoint_that_loads(capsys, tmp_path):
    from attention_viz.checkpoint import load_checkpoint
    from attention_viz.families.memory.model import build

    code, out, _ = run(capsys, "train", "ntm-copy", "--quick", "--out", str(tmp_path))
    assert code == 0 and "wrote" in out
    checkpoint = load_checkpoint(tmp_path / "ntm-copy", "rebuild")
    assert checkpoint.meta["training"]["quick"] is True
    assert checkpoint.meta["training"]["threads"] == 1
    assert all("val_error" in row for row in checkpoint.meta["history"])
    model = build(checkpoint).eval()
    assert len(model.predict("01010101 00110011").text.split()) == 2
