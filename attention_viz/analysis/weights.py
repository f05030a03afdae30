"""Figures of an attention map any page or notebook computes from the weights alone."""

from __future__ import annotations

import numpy as np


def attention_entropy(weights: np.ndarray) -> np.ndarray:
    """Entropy in bits of each row of (..., T_q, T_k) weights: 0 = one key, log2 T_k = uniform.

    Returns:
        (..., T_q) float64.
    """
    w = np.clip(np.asarray(weights, dtype=np.float64), 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(w > 0, -w * np.log2(w), 0.0)
    return terms.sum(axis=-1)
