"""What the transformer page shows about heads, computed without Streamlit.

Head scores over one map (*leading, T_q, T_k) of a Prediction:
    entropy          mean bits per query row (0 = one key, log2 T_k = uniform)
    offset           self-attention: the most common (argmax key - query position), and its share
    previous-token   mean weight on key q - 1 (self-attention)
    induction        mean weight on the key after an earlier occurrence of the query's token
    copy             share of rows whose argmax key holds the token the row emits (cross)
and attention rollout across layers (Abnar & Zuidema, 2020).

Shape symbols: L layers, H heads, T_q queries, T_k keys, T one sequence's length.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np


def entropy_bits(weights: np.ndarray) -> np.ndarray:
    """Entropy of each row: (..., T_q, T_k) -> (..., T_q)."""
    w = np.clip(np.asarray(weights, dtype=np.float64), 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(w > 0, -w * np.log2(w), 0.0).sum(-1)


def offset_mode(weights: np.ndarray) -> tuple[int, float]:
    """(most common argmax key - query index, the share of rows at that offset) of (T_q, T_k)."""
    peaks = np.asarray(weights).argmax(-1)  # (T_q,)
    offsets = Counter(int(k) - q for q, k in enumerate(peaks))
    best, count = offsets.most_common(1)[0]
    return best, count / len(peaks)


def previous_token_score(weights: np.ndarray) -> float | None:
    """Mean weight each query q >= 1 puts on key q - 1 of a (T, T) self-attention map."""
    T = min(weights.shape)
    if T < 2:
        return None
    return float(np.mean([weights[q, q - 1] for q in range(1, T)]))


def induction_targets(tokens: list[str]) -> list[tuple[int, list[int]]]:
    """(query q, keys k) where tokens[k - 1] == tokens[q] for an earlier k - 1 < q."""
    out = []
    for q, tok in enumerate(tokens):
        keys = [p + 1 for p in range(q) if tokens[p] == tok and p + 1 <= q]
        if keys:
            out.append((q, keys))
    return out


def induction_score(weights: np.ndarray, tokens: list[str]) -> float | None:
    """Mean weight on the token after an earlier occurrence of the current token.

    Averaged over the queries whose token occurred before (None if none did); the total over
    such keys counts when the token occurred more than once.
    """
    targets = induction_targets(tokens)
    if not targets:
        return None
    return float(np.mean([weights[q, keys].sum() for q, keys in targets]))


def copy_score(weights: np.ndarray, queries: list[str], keys: list[str]) -> float:
    """Share of rows whose argmax key is the token the row emits (reverse, sort, dates)."""
    peaks = np.asarray(weights).argmax(-1)
    return float(np.mean([keys[k] == q for q, k in zip(queries, peaks, strict=True)]))


@dataclass(frozen=True)
class HeadSummary:
    layer: int
    head: int
    entropy: float  # bits, mean over query rows
    offset: int | None  # self-attention: most common argmax key - query position
    offset_share: float | None
    previous_token: float | None  # self-attention only
    induction: float | None  # self-attention over a sequence with repeats
    copy: float | None  # cross-attention: argmax on the emitted token


def head_summaries(
    weights: np.ndarray, queries: list[str], keys: list[str], self_map: bool
) -> list[HeadSummary]:
    """One summary per head of a (L, H, T_q, T_k) map, layer by layer."""
    out = []
    L, H = weights.shape[:2]
    for layer in range(L):
        for head in range(H):
            w = weights[layer, head]
            offset, share = offset_mode(w) if self_map else (None, None)
            out.append(
                HeadSummary(
                    layer,
                    head,
                    float(entropy_bits(w).mean()),
                    offset,
                    share,
                    previous_token_score(w) if self_map else None,
                    induction_score(w, list(keys)) if self_map else None,
                    None if self_map else copy_score(w, list(queries), list(keys)),
                )
            )
    return out


def rollout(weights: np.ndarray, residual: float = 0.5) -> np.ndarray:
    """Attention rollout of a self-attention stack (L, H, T, T) -> (L, T, T).

    Each layer's head-mean attention is mixed with the identity (the residual stream),
    rows renormalised, and multiplied through the layers: entry [l, i, j] says how much of
    position j reaches position i after layer l.
    """
    L, _, T, _ = weights.shape
    eye = np.eye(T)
    flow = eye
    out = []
    for layer in range(L):
        a = residual * eye + (1 - residual) * weights[layer].mean(0)  # (T, T)
        a = a / a.sum(-1, keepdims=True)
        flow = a @ flow  # (T, T) @ (T, T)
        out.append(flow)
    return np.stack(out)
