"""The NTM's shapes, its weightings, its input parsing, and a tiny model that learns to copy."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
import torch

from attention_viz.families.memory.cli import read_input
from attention_viz.families.memory.data import copy_batch, episode, format_bits, parse_bits
from attention_viz.families.memory.model import NTM, READ, NTMConfig
from attention_viz.families.memory.train import TrainConfig, fit

pytestmark = pytest.mark.usefixtures("one_torch_thread")
SMALL = NTMConfig(width=4, slots=12, slot_size=8, controller_size=32, max_length=5)


def test_episode_layout():
    bits = torch.tensor([[[1, 0, 1], [0, 1, 1]]])  # (B=1, L=2, W=3)
    x = episode(bits)  # (T=5, 1, 4)
    assert x.shape == (5, 1, 4)
    assert x[:2, 0, :3].tolist() == [[1, 0, 1], [0, 1, 1]]
    assert x[:2, 0, 3].tolist() == [0, 0] and x[2, 0].tolist() == [0, 0, 0, 1]
    assert not x[3:].any()
    inputs, targets = copy_batch(6, 3, 4, torch.Generator().manual_seed(0))
    assert inputs.shape == (7, 6, 5) and targets.shape == (3, 6, 4)
    assert torch.equal(inputs[:3, :, :4], targets)


def test_forward_shapes_and_every_weighting_sums_to_one():
    torch.manual_seed(0)
    model = NTM(SMALL).eval()
    inputs, _ = copy_batch(3, 4, SMALL.width, torch.Generator().manual_seed(1))
    with torch.no_grad():
        logits, records = model(inputs, record=True)
    assert logits.shape == (9, 3, SMALL.width)
    assert len(records) == 9
    for r in records:
        assert r.memory.shape == (3, SMALL.slots, SMALL.slot_size)
        assert r.read_vector.shape == (3, SMALL.slot_size)
        a = r.addressing
        for w in (a.content, a.gated, a.shifted, a.weights):
            assert w.shape == (3, 2, SMALL.slots)  # (B, heads, N)
            assert torch.allclose(w.sum(-1), torch.ones(3, 2), atol=1e-5)
    # the read vector is the read-weighted sum of the memory rows before this step's write
    for before, r in itertools.pairwise(records):
        expected = (r.addressing.weights[:, READ].unsqueeze(-1) * before.memory).sum(1)
        assert torch.allclose(r.read_vector, expected, atol=1e-6)


def test_trace_and_prediction_of_an_untrained_model():
    model = NTM(SMALL).eval()
    p = model.predict("0110 1011 0001")
    assert p.checks["target"] == "0110 1011 0001"
    assert len(p.text.split()) == 3
    assert p.attention.shape == (7, SMALL.slots)
    assert p.target_tokens == ["in 1", "in 2", "in 3", "delim", "out 1", "out 2", "out 3"]
    for name in ("read", "write"):
        m = p.maps[name]
        assert m.queries.kind == "steps" and m.keys.kind == "slots"
        assert np.allclose(m.weights.sum(-1), 1, atol=1e-5)
    t = model.trace(np.array([[1, 0, 0, 1]]))
    assert t.memory.shape == (3, SMALL.slots, SMALL.slot_size)
    assert t.read.shift.shape == (3, 3) and t.write.gate.shape == (3,)
    assert p.checks["bit_errors"] == int(
        (
            np.array([[int(c) for c in r] for r in p.text.split()])
            != parse_bits("0110 1011 0001", 4, 9)
        ).sum()
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no bits"),
        ("0110 102", "other than 0 and 1"),
        ("0110 101", "exactly 4"),
        (" ".join(["0101"] * 13), "at most 12"),
    ],
)
def test_bad_input_is_refused_with_the_limit_named(text, message):
    with pytest.raises(ValueError, match=message):
        NTM(SMALL).predict(text)


def test_parsing_and_cli_input():
    assert parse_bits("01,10\n11", 2, 5).tolist() == [[0, 1], [1, 0], [1, 1]]
    assert format_bits(np.array([[0, 1], [1, 1]])) == "01 11"
    rows = read_input("random:5:2").split()
    assert len(rows) == 5 and all(len(r) == 8 for r in rows)
    assert read_input("random:5:2") == read_input("random:5:2")
    assert read_input(" 0101 ") == "0101"
    with pytest.raises(ValueError, match="random:LENGTH"):
        read_input("random:x")


@pytest.mark.slow
def test_a_tiny_model_learns_to_copy_length_two():
    config = replace(SMALL, width=3, max_length=2, slots=6, controller_size=32)
    schedule = TrainConfig(
        batch_size=32,
        learning_rate=3e-3,
        start_length=2,
        eval_every=100,
        val_per_length=64,
        max_steps=1500,
        max_seconds=120.0,
    )
    model, history, _summary = fit(config, schedule, seed=0, log=lambda _: None)
    g = torch.Generator().manual_seed(99)
    _, targets = copy_batch(200, 2, 3, g)
    bits = targets.transpose(0, 1)
    errors = int((model.copy(bits) != bits.bool()).sum())
    assert errors <= 2, (errors, history[-1])
