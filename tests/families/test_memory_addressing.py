"""NTM addressing: every stage against a hand computation, and every weighting sums to 1."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from attention_viz.families.memory.addressing import (
    address,
    circular_shift,
    content_weights,
    head_parameters,
    interpolate,
    sharpen,
    shift_offsets,
)
from attention_viz.families.memory.sandbox import (
    one_hot,
    run_stages,
    sandbox_key,
    sandbox_memory,
    shift_distribution,
)

T = torch.tensor


def test_content_weights_by_hand():
    # Slots: along the key, opposite it, at right angles. cos = 1, -1, 0.
    memory = T([[[2.0, 0.0], [-1.0, 0.0], [0.0, 3.0]]])
    key = T([[1.0, 0.0]])
    w, cos = content_weights(key, T([[2.0]]), memory)
    assert torch.allclose(cos, T([[1.0, -1.0, 0.0]]), atol=1e-6)
    e = [math.exp(2.0), math.exp(-2.0), 1.0]
    assert torch.allclose(w, T([[x / sum(e) for x in e]]), atol=1e-6)


def test_content_beta_zero_is_uniform_and_large_beta_picks_the_match():
    memory = torch.randn(1, 7, 4, generator=torch.Generator().manual_seed(0))
    key = memory[:, 4].clone()
    uniform, _ = content_weights(key, T([[0.0]]), memory)
    assert torch.allclose(uniform, torch.full((1, 7), 1 / 7))
    peaked, _ = content_weights(key, T([[500.0]]), memory)
    assert int(peaked.argmax()) == 4 and float(peaked[0, 4]) > 0.999


def test_interpolation_by_hand():
    content, previous = T([[0.5, 0.5, 0.0]]), T([[0.0, 0.0, 1.0]])
    assert torch.allclose(interpolate(content, previous, T([[0.25]])), T([[0.125, 0.125, 0.75]]))
    assert torch.equal(interpolate(content, previous, T([[1.0]])), content)
    assert torch.equal(interpolate(content, previous, T([[0.0]])), previous)


def test_shift_by_hand_moves_forward_and_wraps():
    w = T([[0.7, 0.2, 0.0, 0.1]])
    forward = circular_shift(w, T([[0.0, 0.0, 1.0]]))  # all weight moves +1 slot
    assert torch.allclose(forward, T([[0.1, 0.7, 0.2, 0.0]]))
    back = circular_shift(w, T([[1.0, 0.0, 0.0]]))  # -1 slot, slot 0 wraps to slot 3
    assert torch.allclose(back, T([[0.2, 0.0, 0.1, 0.7]]))
    # s = (0.1, 0.6, 0.3): w~_i = 0.1 w_{i+1} + 0.6 w_i + 0.3 w_{i-1}
    mixed = circular_shift(w, T([[0.1, 0.6, 0.3]]))
    hand = [
        0.1 * 0.2 + 0.6 * 0.7 + 0.3 * 0.1,
        0.1 * 0.0 + 0.6 * 0.2 + 0.3 * 0.7,
        0.1 * 0.1 + 0.6 * 0.0 + 0.3 * 0.2,
        0.1 * 0.7 + 0.6 * 0.1 + 0.3 * 0.0,
    ]
    assert torch.allclose(mixed, T([hand]), atol=1e-6)


def test_shift_offsets():
    assert shift_offsets(3) == [-1, 0, 1]
    assert shift_offsets(5) == [-2, -1, 0, 1, 2]
    with pytest.raises(ValueError):
        shift_offsets(2)


def test_sharpen_by_hand():
    w = T([[0.5, 0.3, 0.2]])
    hand = T([[0.25, 0.09, 0.04]]) / 0.38
    assert torch.allclose(sharpen(w, T([[2.0]])), hand, atol=1e-6)
    assert torch.allclose(sharpen(w, T([[1.0]])), w, atol=1e-6)


def test_address_chains_the_stages_and_every_weighting_sums_to_one():
    g = torch.Generator().manual_seed(1)
    memory = torch.randn(5, 12, 6, generator=g)  # (B, N, M)
    previous = torch.softmax(torch.randn(5, 12, generator=g), -1)
    params = head_parameters(torch.randn(5, 6 + 3 + 3, generator=g), key_size=6, num_shifts=3)
    a = address(memory, previous, **params)
    content, _ = content_weights(params["key"], params["beta"], memory)
    gated = interpolate(content, previous, params["gate"])
    shifted = circular_shift(gated, params["shift"])
    assert torch.allclose(a.content, content)
    assert torch.allclose(a.gated, gated)
    assert torch.allclose(a.shifted, shifted)
    assert torch.allclose(a.weights, sharpen(shifted, params["gamma"]))
    for w in (a.content, a.gated, a.shifted, a.weights):
        assert (w >= 0).all()
        assert torch.allclose(w.sum(-1), torch.ones(5), atol=1e-5)


def test_head_parameters_are_in_range():
    p = head_parameters(torch.randn(100, 4 + 3 + 5) * 10, key_size=4, num_shifts=5)
    assert (p["beta"] >= 0).all() and (p["gamma"] >= 1).all()
    assert ((p["gate"] >= 0) & (p["gate"] <= 1)).all()
    assert torch.allclose(p["shift"].sum(-1), torch.ones(100))


def test_sandbox_one_slot_example_by_hand():
    memory = sandbox_memory(8, 6, seed=3)
    stages = run_stages(
        memory,
        one_hot(8, 2),
        sandbox_key(memory, 5, 0.0, 3),
        beta=0.0,
        gate=0.0,
        shift=shift_distribution(1.0),
        gamma=1.0,
    )
    # gate 0 keeps slot 2; shift +1 moves it to slot 3; γ = 1 changes nothing.
    assert np.allclose(stages["content"], 1 / 8)
    assert np.allclose(stages["gated"], one_hot(8, 2))
    assert np.allclose(stages["shifted"], one_hot(8, 3))
    assert np.allclose(stages["sharpened"], one_hot(8, 3), atol=1e-6)
    assert np.allclose(shift_distribution(-0.25), [0.25, 0.75, 0.0])
    with pytest.raises(ValueError):
        shift_distribution(1.5)
