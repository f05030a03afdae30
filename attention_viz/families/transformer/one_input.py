"""Greedy decoding of one input on the CPU in numpy, with the LayerNorms folded away.

One input is a few hundred products of a 64-vector by a small matrix: its time is the number
of calls. A torch call costs 2-4 µs of dispatch whatever its size; a numpy `dot` on these
sizes 0.4-1.6 µs. So for one input on the CPU (the page, the bench) incremental.greedy_ids
hands over to this loop, which makes the same steps as incremental.py (packed.py's
arrangement) in numpy and in fewer calls, for pre-LN stacks (every shipped model). It gives the
same numbers up to float rounding; the tests compare the two. Batches stay in torch.

Fewer calls, because a pre-LN block reads its residual stream x only through LayerNorms:

1. Keep x centred. Every write to the residual (each sub-layer's output matrix and bias,
   the first position's embedding) is projected once onto the zero-mean vectors
   (P = I - 11ᵀ/D), so x stays centred and a LayerNorm needs no mean:
   u = x / sqrt(x.x / D + eps), then LN(x) = g * u + b.
2. Fold g and b into what reads LN(x). A product (g * u + b) W is u (diag(g) W) + b W.
   In self-attention the cached inputs are the u's: a head's score (A h + a) . (g * u_j + b)
   is ((A h + a) * g) . u_j plus a term without j, which the softmax cancels; and since the
   weights sum to 1, the averaged input is g * (sum_j w_j u_j) + b. Cross-attention's keys
   take g, and b . key is a per-key score; the MLP's first layer and the output layer take
   both.

So a LayerNorm is three calls instead of eight. The arrangement is built once per model and
kept by packed.cached; the memory is folded into it once per input.

Shape symbols: T_k source length, t positions decoded so far, T_q output length, D d_model,
H heads, L layers, F MLP hidden size, V vocabulary size, P positions decoded at most.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from attention_viz.families.transformer import packed
from attention_viz.families.transformer.stacks import head_masks


class _BlockWeights(NamedTuple):
    """A block's folded weights (float64 until rounded to the model's dtype)."""

    eps: tuple[float, ...]  # the LayerNorms' eps: self-attention, cross-attention, MLP
    query: np.ndarray  # (D, H D): u -> the H queries in input space, g folded in
    query_bias: np.ndarray  # (H D,)
    value_out: np.ndarray  # (H D, D): the heads' averaged u's -> the residual (P folded)
    value_bias: np.ndarray  # (H, D): each head's share of the output bias (P folded)
    out_bias: np.ndarray  # (D,) the rest of the output bias, b_o (P folded)
    keys: np.ndarray  # (D, H D) memory row -> each head's key in u space
    keys_bias: np.ndarray  # (H D,)
    key_scores: np.ndarray  # (D, H) memory row -> each head's score term without u
    values: np.ndarray  # (D, H D) memory row -> each head's value in the residual
    values_bias: np.ndarray  # (H D,)
    cross_out_bias: np.ndarray  # (D,) P b_o (what ablated heads take away: 1/H each)
    mlp: tuple | None  # (W_1' (D, F + 1), b_1' (F + 1,), W_2' (F + 1, D))


class _Weights(NamedTuple):
    first: np.ndarray  # (P, V, 2 D + H D): per position and previous token, x | u | queries
    blocks: list[_BlockWeights]
    final_eps: float
    out: np.ndarray  # (D, V)
    out_bias: np.ndarray  # (V,)


class _Step(NamedTuple):
    """A block with this input's memory folded in and its ablation, as one step reads it."""

    eps: tuple[float, ...]
    query: np.ndarray
    query_bias: np.ndarray
    value_out: np.ndarray
    self_heads: np.ndarray | None  # (H, 1) multipliers; None: none ablated
    self_bias: np.ndarray  # (D,)
    keys: np.ndarray  # (D, H T_k): columns (head, key)
    key_scores: np.ndarray  # (H T_k,), -inf at padded keys
    values: np.ndarray  # (H T_k, D)
    cross_heads: np.ndarray | None  # (H, 1)
    cross_bias: np.ndarray | None  # (D,) the shares of b_o that ablated heads took away
    mlp: tuple | None


def supports(stack: nn.Module, memory: torch.Tensor) -> bool:
    """Whether this loop can decode: a pre-LN stack (final LayerNorm) in float32/64 on the CPU."""
    return (
        memory.device.type == "cpu"
        and memory.dtype in (torch.float32, torch.float64)
        and isinstance(stack.norm, nn.LayerNorm)
        and all(b.pre_ln for b in stack.blocks)
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
    w = _weights(stack, max_len)
    H, D = stack.num_heads, w.out.shape[0]
    blocks = _fold_memory(w, stack, memory, memory_mask, ablate)
    seen = [np.empty((max_len, D), w.out.dtype) for _ in blocks]  # per block, its u's so far
    out: list[int] = []
    logits_kept, cross_kept, self_kept = [], [], []
    y = bos
    for t in range(max_len):
        row = w.first[t, y]  # (2 D + H D,)
        x, u, queries = row[:D], row[D : 2 * D], row[2 * D :]  # residual, LN'd, queries
        for i, b in enumerate(blocks):
            x, w_self, w_cross = _block_step(b, x, u, queries, seen[i], t, H, D)
            u = queries = None  # the later blocks compute theirs
            if keep:
                cross_kept.append(w_cross)
                self_kept.append(w_self)
        logits = _normalised(x, w.final_eps, D).dot(w.out) + w.out_bias  # (V,)
        y = int(logits.argmax())
        out.append(y)
        if keep:
            logits_kept.append(logits)
        if y == eos:
            break
    ids = torch.tensor([out])
    if not keep:
        return ids, None, None, None
    T_q, L = len(out), len(blocks)
    cross = np.stack(cross_kept).reshape(1, T_q, L, H, -1)  # (1, T_q, L, H, T_k)
    self_weights = None
    if keep_self:
        triangle = np.zeros((L, H, T_q, T_q), w.out.dtype)
        for k, step in enumerate(self_kept):  # step k // L, layer k % L: (H, t + 1)
            triangle[k % L, :, k // L, : step.shape[1]] = step
        self_weights = torch.from_numpy(triangle[None])
    logits = torch.from_numpy(np.stack(logits_kept)[None])  # (1, T_q, V)
    return ids, logits, torch.from_numpy(cross), self_weights


def _block_step(b: _Step, x, u, queries, seen: np.ndarray, t: int, H: int, D: int):
    """One position through a block: (x (D,), self weights (H, t + 1), cross weights
    (H, T_k)), the weights those the heads computed, before any ablation. u, queries: the
    self-attention's normalised input and queries, or None to compute them from x; `seen`
    gets u in row t."""
    if u is None:
        u = _normalised(x, b.eps[0], D)
        queries = u.dot(b.query) + b.query_bias  # (H D,)
    # Self-attention: each head's scores over the u's, then its weighted average u.
    seen[t] = u
    inputs = seen[: t + 1]  # (t + 1, D)
    w_self = _softmax(queries.reshape(H, D).dot(inputs.T))  # (H, t + 1)
    averaged = w_self.dot(inputs)  # (H, D)
    if b.self_heads is not None:
        averaged = averaged * b.self_heads
    x = x + averaged.reshape(-1).dot(b.value_out) + b.self_bias
    # Cross-attention over the folded memory.
    u = _normalised(x, b.eps[1], D)
    w_cross = _softmax((u.dot(b.keys) + b.key_scores).reshape(H, -1))  # (H, T_k)
    attend = w_cross if b.cross_heads is None else w_cross * b.cross_heads
    x = x + attend.reshape(-1).dot(b.values)
    if b.cross_bias is not None:
        x = x + b.cross_bias
    if b.mlp is not None:
        w1, b1, w2 = b.mlp  # b_2 rides on a constant hidden unit
        hidden = _normalised(x, b.eps[2], D).dot(w1) + b1  # (F + 1,)
        x = x + np.maximum(hidden, 0, out=hidden).dot(w2)
    return x, w_self, w_cross


def _normalised(x: np.ndarray, eps: float, D: int) -> np.ndarray:
    """A centred x divided by its standard deviation (a LayerNorm before its g and b)."""
    return x * (1 / math.sqrt(x.dot(x) / D + eps))


def _softmax(scores: np.ndarray) -> np.ndarray:
    """Along the last axis, shifted by each row's maximum as torch's kernel is. The ufuncs'
    reduce, not ndarray.max/sum: those add a Python wrapper per call."""
    e = scores - np.maximum.reduce(scores, -1, keepdims=True)
    np.exp(e, out=e)
    e /= np.add.reduce(e, -1, keepdims=True)
    return e


def _fold_memory(w: _Weights, stack, memory, memory_mask, ablate) -> list[_Step]:
    """Each block's keys, key scores and values for this memory (incremental._blocks' fold,
    columns (head, key)), and the biases under this ablation."""
    L, H = len(w.blocks), stack.num_heads
    rows = memory[0].detach().numpy()  # (T_k, D)
    T_k, D = rows.shape
    self_m = _multipliers(ablate, "decoder-self", L, H)
    cross_m = _multipliers(ablate, "cross", L, H)
    pad = None if memory_mask is None else ~memory_mask[0].numpy()  # (T_k,)
    steps = []
    for b, sm, cm in zip(w.blocks, self_m, cross_m, strict=True):
        keys = (rows.dot(b.keys) + b.keys_bias).reshape(T_k, H, D)  # (T_k, H, D)
        scores = rows.dot(b.key_scores).T  # (H, T_k)
        if pad is not None:
            scores = np.where(pad, -np.inf, scores).astype(scores.dtype)
        values = (rows.dot(b.values) + b.values_bias).reshape(T_k, H, D)
        on = 1 if sm is None else sm[:, None]  # (H, 1): the heads left on
        self_bias = b.out_bias + (on * b.value_bias).sum(0)  # ablated heads take their share
        cross_bias = None if cm is None else (1 - cm).sum() / H * b.cross_out_bias
        steps.append(
            _Step(
                b.eps,
                b.query,
                b.query_bias,
                b.value_out,
                None if sm is None else sm[:, None],
                self_bias,
                np.ascontiguousarray(keys.transpose(2, 1, 0).reshape(D, H * T_k)),
                np.ascontiguousarray(scores.reshape(-1)),
                np.ascontiguousarray(values.transpose(1, 0, 2).reshape(H * T_k, D)),
                None if cm is None else cm[:, None],
                cross_bias,
                b.mlp,
            )
        )
    return steps


def _multipliers(ablate, stack: str, L: int, H: int) -> list[np.ndarray | None]:
    return [None if m is None else m.numpy() for m in head_masks(ablate, stack, L, H)]


def _weights(stack: nn.Module, max_len: int) -> _Weights:
    return packed.cached(stack, ("one input", max_len), lambda: _fold(stack, max_len))


def _fold(stack: nn.Module, max_len: int) -> _Weights:
    """packed.decoder's arrangement with the LayerNorms folded in (1. and 2. above), in
    float64, rounded once to the model's dtype."""
    dtype = stack.out.weight.dtype
    packed_w = packed.decoder(stack, max_len)
    H = stack.num_heads
    embed = _f64(stack.embed.weight)  # (V, D)
    D = embed.shape[1]
    centre = np.eye(D) - 1 / D  # P: x -> x minus its mean
    blocks = []
    for module, pw in zip(stack.blocks, packed_w.blocks, strict=True):
        blocks.append(_BlockWeights(*_fold_block(module, pw, H, D, centre)))
    positions = stack.positions(stack.embed.weight.new_zeros(1, max_len, D))[0]
    x = (_f64(positions)[:, None] + embed).dot(centre)  # (P, V, D), centred
    first_block = blocks[0]
    u = x / np.sqrt((x * x).mean(-1, keepdims=True) + first_block.eps[0])
    queries = u.dot(first_block.query) + first_block.query_bias  # (P, V, H D)
    g, b = _f64(stack.norm.weight), _f64(stack.norm.bias)
    out, out_bias = _f64(stack.out.weight).T, _f64(stack.out.bias)  # (D, V), (V,)
    as_dtype = _rounder(dtype)
    return _Weights(
        as_dtype(np.concatenate([x, u, queries], -1)),
        [_BlockWeights(*(as_dtype(f) for f in block)) for block in blocks],
        stack.norm.eps,
        as_dtype(g[:, None] * out),
        as_dtype(b.dot(out) + out_bias),
    )


def _fold_block(module, pw: packed.DecoderBlock, H: int, D: int, centre) -> tuple:
    """One block's _BlockWeights fields in float64 (see _BlockWeights)."""
    norms = [(_f64(n.weight), _f64(n.bias), n.eps) for n in _norm_modules(module)]
    (g1, b1, _), (g2, b2, _) = norms[:2]
    sa, c = pw.self_attn, pw.cross
    g1_heads = np.tile(g1, H)  # (H D,)
    query, query_bias = _f64(sa.query), _f64(sa.query_bias)  # (D, H D), (H D,)
    value_out = _f64(sa.value_out)  # (H D, D): the heads' averaged inputs -> output
    # the queries, in u space: ((g1 u + b1) A + a) * g1
    folded_query = g1[:, None] * query * g1_heads
    folded_query_bias = (b1.dot(query) + query_bias) * g1_heads
    # a head's averaged input is g1 * (its averaged u) + b1
    head_bias = b1.dot(value_out.reshape(H, D, D))  # (H, D): b1 W_o,h W_v,h
    value_bias = (head_bias + _f64(sa.value_bias)).dot(centre)  # (H, D)
    out_bias = (_f64(sa.out_bias) - _f64(sa.value_bias).sum(0)).dot(centre)  # b_o
    keys = _f64(c.keys).reshape(D, H, D)  # memory row -> per head, a key on (g2 u + b2)
    key_scores = _f64(c.key_scores) + keys.dot(b2)  # (D, H): + b2 . key
    keys_bias = _f64(c.keys_bias).reshape(H, D)  # b2 . keys_bias is the same for every key
    values = _f64(c.values).reshape(D, H, D).dot(centre).reshape(D, H * D)
    values_bias = _f64(c.values_bias).reshape(H, D).dot(centre).reshape(H * D)
    mlp = None
    if pw.mlp is not None:
        w1, b1_mlp, w2 = (_f64(m) for m in pw.mlp)  # (D, F + 1), (F + 1,), (F + 1, D)
        g3, b3, _ = norms[2]
        mlp = (g3[:, None] * w1, b3.dot(w1) + b1_mlp, w2.dot(centre))
    return (
        tuple(n[2] for n in norms),
        folded_query,
        folded_query_bias,
        (value_out * g1_heads[:, None]).dot(centre),
        value_bias,
        out_bias,
        (keys * g2[None, None, :]).reshape(D, H * D),
        (keys_bias * g2).reshape(H * D),
        key_scores,
        values,
        values_bias,
        _f64(c.out_bias).dot(centre),
        mlp,
    )


def _norm_modules(block) -> list[nn.LayerNorm]:
    return [n for n in (block.norm1, block.norm2, block.norm3) if n is not None]


def _rounder(dtype: torch.dtype):
    np_dtype = np.float64 if dtype == torch.float64 else np.float32

    def as_dtype(value):
        if isinstance(value, tuple):
            return tuple(as_dtype(v) for v in value)
        if isinstance(value, np.ndarray):
            return np.ascontiguousarray(value, np_dtype)
        return value  # eps

    return as_dtype


def _f64(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().double().numpy()
