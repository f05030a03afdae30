"""Greedy decoding of one input on the CPU, in numpy over the folded weights (folded.py).

One input is a few hundred products of a 64-vector by a small matrix: its time is the number
of calls. A torch call costs 2-4 µs of dispatch whatever its size, a numpy `dot` on these
sizes 0.4-1.6 µs. So for one input on the CPU from a pre-LN stack (every shipped model: the
page, the bench) incremental.greedy_ids hands over to this loop. It makes incremental.py's
steps with the LayerNorms and biases folded into the weights: a LayerNorm is two calls, a
product with its bias one, and a head's ablation is folded into the per-input matrices. It
gives the same ids, logits and weights up to float rounding; the tests compare them.

Shape symbols: T_k source length, t positions decoded so far, T_q output length, D d_model,
E = D + 1, H heads, L layers, V vocabulary size.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from attention_viz.families.transformer import folded
from attention_viz.families.transformer.stacks import head_masks


class _Step(NamedTuple):
    """A folded block with this input's memory and ablation in, as a step reads it."""

    eps: tuple[float, ...]
    query: np.ndarray  # (E, H E)
    value_out: np.ndarray  # (H E, D), the ablated heads' rows: only their share of b_o
    keys: np.ndarray  # (E, H T_k): [u, 1] -> scores, columns (head, key)
    values: np.ndarray  # (H T_k, D), the ablated heads' rows: only their share of b_o
    mlp: tuple | None


def supports(stack: nn.Module, memory: torch.Tensor) -> bool:
    """Whether this loop decodes: a pre-LN stack, a float32/64 memory on the CPU."""
    return (
        memory.device.type == "cpu"
        and memory.dtype in (torch.float32, torch.float64)
        and folded.supports(stack)
    )


def greedy(
    stack: nn.Module,
    memory: torch.Tensor,
    memory_mask: torch.Tensor | None,
    bos: int,
    eos: int | None,
    max_len: int,
    ablate=frozenset(),
    keep: bool = False,
    keep_self: bool = False,
) -> tuple:
    """incremental.greedy_ids for one input (B = 1) where `supports` holds.

    Args:
        memory: (1, T_k, D); memory_mask: (1, T_k) True at real positions, or None.
    Returns:
        incremental.Greedy's fields as torch tensors with a batch of 1: ids (1, T_q); with
        keep, logits (1, T_q, V) and cross weights (1, T_q, L, H, T_k), else None; with
        keep_self, self weights (1, L, H, T_q, T_q), else None.
    """
    w = folded.decoder(stack, max_len)
    H, (E, V), dtype = stack.num_heads, w.out.shape, w.out.dtype
    D = E - 1
    real = None if memory_mask is None else memory_mask[0].numpy()  # (T_k,)
    rows = memory[0].detach().numpy()  # (T_k, D)
    steps = _steps(w, rows if real is None else rows[real], ablate, H)
    L, T_k = len(steps), steps[0].values.shape[0] // H
    seen = [np.ones((max_len, E), dtype) for _ in steps]  # per block, its [u, 1]'s so far
    u = np.ones(E, dtype)  # [u, 1] for the products that read a LayerNorm
    # With keep, each step's logits and weights are written where they are kept.
    logits = np.empty((max_len, V), dtype) if keep else None
    cross = np.empty((max_len, L, H, T_k), dtype) if keep else None
    self_w = np.zeros((L, H, max_len, max_len), dtype) if keep and keep_self else None
    out: list[int] = []
    y = bos
    for t in range(max_len):
        row = w.first[t, y]  # (D + E + H E,)
        x, queries = row[:D], row[D + E :]
        seen[0][t] = row[D : D + E]
        for i, b in enumerate(steps):
            kept_self = None if self_w is None else self_w[i, :, t, : t + 1]  # (H, t + 1)
            kept_cross = None if cross is None else cross[t, i]  # (H, T_k)
            x = _block_step(b, x, queries, seen[i], u, t, H, D, kept_self, kept_cross)
            queries = None  # the later blocks compute theirs
        u[:D] = x * _scale(x, w.final_eps, D)
        step_logits = u.dot(w.out) if logits is None else np.dot(u, w.out, out=logits[t])
        y = int(step_logits.argmax())  # (V,) -> the likeliest token
        out.append(y)
        if y == eos:
            break
    ids = torch.tensor([out])
    if not keep:
        return ids, None, None, None
    T_q = len(out)
    cross = cross[:T_q]  # (T_q, L, H, real T_k)
    if real is not None:  # the padded keys: weight 0
        cross = _scatter(cross, real)
    if self_w is not None:
        self_w = torch.from_numpy(np.ascontiguousarray(self_w[None, :, :, :T_q, :T_q]))
    return ids, torch.from_numpy(logits[None, :T_q]), torch.from_numpy(cross[None]), self_w


def _block_step(b: _Step, x, queries, seen, u, t: int, H: int, D: int, kept_self, kept_cross):
    """One position through a block -> x (D,).

    queries: the self-attention's (H E,), or None to compute them from x, whose [u, 1] then
    goes into row t of `seen` (the first block's is there already); u: scratch [u, 1].
    kept_self (H, t + 1), kept_cross (H, T_k): where to write the weights the heads compute
    (before any ablation), or None."""
    if queries is None:
        seen[t, :D] = x * _scale(x, b.eps[0], D)
        queries = seen[t].dot(b.query)  # (H E,)
    # Self-attention: each head's scores over the [u, 1]'s, then the weighted average.
    inputs = seen[: t + 1]  # (t + 1, E)
    w_self = _softmax(queries.reshape(H, -1).dot(inputs.T), kept_self)  # (H, t + 1)
    x = x + w_self.dot(inputs).reshape(-1).dot(b.value_out)  # (H, E) -> (D,), biases in
    # Cross-attention over the folded memory.
    u[:D] = x * _scale(x, b.eps[1], D)
    w_cross = _softmax(u.dot(b.keys).reshape(H, -1), kept_cross)  # (H, T_k)
    x = x + w_cross.reshape(-1).dot(b.values)
    if b.mlp is not None:
        w1, w2 = b.mlp  # b_2 rides on packed.py's constant hidden unit
        u[:D] = x * _scale(x, b.eps[2], D)
        hidden = u.dot(w1)  # (F + 1,)
        x = x + np.maximum(hidden, 0, out=hidden).dot(w2)
    return x


def _scale(x: np.ndarray, eps: float, D: int) -> float:
    """1 / the standard deviation of a centred x: x times it is LN(x) before g and b."""
    return 1.0 / math.sqrt(float(x.dot(x)) / D + eps)


def _softmax(scores: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Along the last axis, shifted by each row's maximum as torch's kernel is, into `out`
    (None: a new array). The ufuncs' reduce, not ndarray.max/sum: those add a Python
    wrapper per call."""
    e = scores - np.maximum.reduce(scores, -1, keepdims=True)
    np.exp(e, out=e)
    return np.divide(e, np.add.reduce(e, -1, keepdims=True), out=out)


def _steps(w: folded.Weights, rows: np.ndarray, ablate, H: int) -> list[_Step]:
    """Each block's keys and values for this memory (rows (T_k, D), padding left out),
    columns (head, key), with the ablated heads folded out."""
    T_k, D = rows.shape
    E, L = D + 1, len(w.blocks)
    self_off, cross_off = (_ablated(ablate, s, L, H) for s in ("decoder-self", "cross"))
    steps = []
    for i, b in enumerate(w.blocks):
        keys = np.empty((E, H * T_k), rows.dtype)  # [u, 1] -> each head's score of each key
        per_key = (rows.dot(b.keys) + b.keys_bias).reshape(T_k, H, D)
        keys[:D] = per_key.transpose(2, 1, 0).reshape(D, H * T_k)
        keys[D] = rows.dot(b.key_scores).T.reshape(-1)  # (H, T_k), flattened
        values = (rows.dot(b.values) + b.values_bias).reshape(T_k, H, D)
        values = np.ascontiguousarray(values.transpose(1, 0, 2))  # (H, T_k, D)
        values[cross_off[i]] = b.cross_share  # weights sum to 1: b_o / H, nothing else
        value_out = b.value_out
        if self_off[i]:
            value_out = value_out.reshape(H, E, D).copy()
            value_out[self_off[i], :D] = 0
            value_out[self_off[i], D] = b.self_share
            value_out = value_out.reshape(H * E, D)
        steps.append(_Step(b.eps, b.query, value_out, keys, values.reshape(H * T_k, D), b.mlp))
    return steps


def _ablated(ablate, stack: str, L: int, H: int) -> list[list[int]]:
    """Per layer, the heads of `stack` switched off."""
    masks = head_masks(ablate, stack, L, H) if ablate else [None] * L
    return [[] if m is None else (m == 0).nonzero().flatten().tolist() for m in masks]


def _scatter(cross: np.ndarray, real: np.ndarray) -> np.ndarray:
    """(..., real keys) -> (..., T_k), zeros at the padded keys."""
    full = np.zeros((*cross.shape[:-1], real.shape[0]), cross.dtype)
    full[..., real] = cross
    return full
