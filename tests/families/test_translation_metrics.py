"""Alignment error rate and per-phenomenon accuracy against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from attention_viz.families.translation.metrics import (
    accuracy_by_tag,
    alignment_error_rate,
    argmax_alignment,
    sure_and_possible,
)


def test_argmax_alignment():
    attention = np.array([[0.1, 0.9], [0.8, 0.2]])
    assert argmax_alignment(attention) == {(1, 0), (0, 1)}


def test_aer_perfect_and_wrong():
    gold = [[(0, 0), (2, 1), (1, 2)]]
    assert alignment_error_rate([{(0, 0), (2, 1), (1, 2)}], gold) == 0.0
    assert alignment_error_rate([{(1, 0), (0, 1), (0, 2)}], gold) == 1.0
    # one of three wrong: 1 - (2 + 2) / (3 + 3)
    assert alignment_error_rate([{(0, 0), (2, 1), (2, 2)}], gold) == pytest.approx(1 / 3)


def test_aer_contraction_links_are_possible_only():
    gold = [(0, 0), (1, 1), (2, 1)]  # "of the" -> "du" (target 1 from two words)
    sure, possible = sure_and_possible(gold)
    assert sure == {(0, 0)} and possible == set(gold)
    # either source word for "du" is fine
    assert alignment_error_rate([{(0, 0), (2, 1)}], [gold]) == pytest.approx(0.0)


def test_accuracy_by_tag():
    out = accuracy_by_tag([True, False, True], [{"a"}, {"a", "b"}, set()], ["a", "b", "c"])
    assert out["a"] == {"accuracy": 0.5, "count": 2}
    assert out["b"]["accuracy"] == 0.0 and math.isnan(out["c"]["accuracy"])
