"""A pre-LN decoder's weights with its LayerNorms and biases folded in, for one_input.py.

packed.py arranges the decoder for few torch calls per step; this takes that arrangement
further for a numpy loop over one input, where every call saved is 0.5-1 µs:

1. Keep the residual x centred. A pre-LN block reads x only through LayerNorms, so every
   write to it (each sub-layer's output matrix and bias, the embeddings) is projected once
   onto the zero-mean vectors (P = I - 11ᵀ/D). A LayerNorm then needs no mean:
   u = x / sqrt(x.x / D + eps), and LN(x) = g * u + b.
2. Fold g and b into what reads LN(x): (g * u + b) W = u (diag(g) W) + b W.
   - Self-attention caches the u's. A head's score (A h + a) . (g * u_j + b) is
     ((A h + a) * g) . u_j plus a term without j, which the softmax cancels; since the
     weights sum to 1, its averaged input is g * (sum_j w_j u_j) + b.
   - Cross-attention's keys take g; b . key is one more score term per key and head.
   - The MLP's first layer and the output layer take both.
3. Biases ride on a constant. Every u is read as [u, 1] (E = D + 1 entries), so a product
   adds its bias itself (its last row). In self-attention the 1 is cached with each u: a
   head's weights sum to 1, so its averaged [u, 1] ends in 1, and its share of the output
   bias rides there (b_o split evenly, b_o / H per head, as in packed.py's cross-attention).

Built in float64 and rounded once to the model's dtype; kept by packed.cached.

Shape symbols: D d_model, E = D + 1, H heads, F MLP hidden size (with packed.py's constant
unit), V vocabulary size, P positions decoded at most.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from attention_viz.families.transformer import packed


class Block(NamedTuple):
    eps: tuple[float, ...]  # the LayerNorms' eps: self-attention, cross-attention, MLP
    query: np.ndarray  # (E, H E): [u, 1] -> per head, its query on the cached [u_j, 1]
    value_out: np.ndarray  # (H E, D): per head, its averaged [u, 1] -> the residual
    self_share: np.ndarray  # (D,) P b_o / H: all an ablated self-attention head adds
    keys: np.ndarray  # (D, H D): memory row -> per head, its key on u
    keys_bias: np.ndarray  # (H D,)
    key_scores: np.ndarray  # (D, H): memory row -> per head, the score term without u
    values: np.ndarray  # (D, H D): memory row -> per head, its value in the residual
    values_bias: np.ndarray  # (H D,), P b_o / H included
    cross_share: np.ndarray  # (D,) P b_o / H: all an ablated cross-attention head adds
    mlp: tuple | None  # (W_1' (E, F + 1), W_2' (F + 1, D)); None: no MLP


class Weights(NamedTuple):
    first: np.ndarray  # (P, V, D + E + H E): per position and previous token, the first
    # block's residual x | its [u, 1] | its queries
    blocks: list[Block]
    final_eps: float
    out: np.ndarray  # (E, V): [u, 1] -> logits


def supports(stack: nn.Module) -> bool:
    """Pre-LN blocks and a final LayerNorm: what the folding needs."""
    return isinstance(stack.norm, nn.LayerNorm) and all(b.pre_ln for b in stack.blocks)


def decoder(stack: nn.Module, max_len: int) -> Weights:
    """A pre-LN Decoder's folded weights for up to max_len positions (cached)."""
    return packed.cached(stack, ("folded", max_len), lambda: _fold(stack, max_len))


def _fold(stack: nn.Module, max_len: int) -> Weights:
    packed_w = packed.decoder(stack, max_len)
    H = stack.num_heads
    embed = _f64(stack.embed.weight)  # (V, D)
    D = embed.shape[1]
    centre = np.eye(D) - 1 / D  # P: x -> x minus its mean
    blocks = [_block(pw, H, D, centre) for pw in packed_w.blocks]
    positions = stack.positions(stack.embed.weight.new_zeros(1, max_len, D))[0]
    x = (_f64(positions)[:, None] + embed).dot(centre)  # (P, V, D), centred
    u = _with_one(x / np.sqrt((x * x).mean(-1, keepdims=True) + blocks[0].eps[0]))
    queries = u.dot(blocks[0].query)  # (P, V, H E)
    g, b = _f64(stack.norm.weight), _f64(stack.norm.bias)
    out = _f64(stack.out.weight).T  # (D, V)
    out = np.concatenate([g[:, None] * out, (b.dot(out) + _f64(stack.out.bias))[None]])
    as_dtype = _rounder(stack.out.weight.dtype)
    first = np.concatenate([x, u, queries], -1)
    return Weights(as_dtype(first), [as_dtype(b) for b in blocks], stack.norm.eps, as_dtype(out))


def _block(pw: packed.DecoderBlock, H: int, D: int, centre: np.ndarray) -> Block:
    """One block folded (float64)."""
    norms = [(_f64(weight), _f64(bias), eps) for weight, bias, eps in pw.norms]
    (g1, b1, _), (g2, b2, _) = norms[:2]
    sa, c = pw.self_attn, pw.cross
    E = D + 1
    g1_heads = np.tile(g1, H)  # (H D,)
    # Self-attention. Queries, in u space: ((g1 u + b1) A + a) * g1, then 0 on the cached 1.
    query = np.zeros((E, H, E))
    query[:D, :, :D] = (g1[:, None] * _f64(sa.query) * g1_heads).reshape(D, H, D)
    query[D, :, :D] = ((b1.dot(_f64(sa.query)) + _f64(sa.query_bias)) * g1_heads).reshape(H, D)
    value_out = _f64(sa.value_out)  # (H D, D): the heads' averaged inputs -> output
    value_bias = _f64(sa.value_bias)  # (H, D): W_o,h b_v,h
    b_o = _f64(sa.out_bias) - value_bias.sum(0)
    self_share = (b_o / H).dot(centre)
    folded_out = np.empty((H, E, D))  # a head's averaged input is g1 * (averaged u) + b1
    folded_out[:, :D] = (value_out * g1_heads[:, None]).reshape(H, D, D).dot(centre)
    head_bias = b1.dot(value_out.reshape(H, D, D))  # (H, D): b1 W_o,h W_v,h
    folded_out[:, D] = (head_bias + value_bias).dot(centre) + self_share
    # Cross-attention: keys on g2 u + b2, values into the centred residual.
    keys = _f64(c.keys).reshape(D, H, D)  # memory row -> per head, a key (x space)
    key_scores = _f64(c.key_scores) + keys.dot(b2)  # (D, H): + b2 . key
    # b2 . keys_bias is the same for every key of a head: the softmax cancels it
    keys_bias = _f64(c.keys_bias).reshape(H, D) * g2
    values = _f64(c.values).reshape(D, H, D).dot(centre).reshape(D, H * D)
    values_bias = _f64(c.values_bias).reshape(H, D).dot(centre).reshape(H * D)
    mlp = None
    if pw.mlp is not None:
        w1, b1_mlp, w2 = (_f64(m) for m in pw.mlp)  # (D, F + 1), (F + 1,), (F + 1, D)
        g3, b3, _ = norms[2]
        mlp = (np.concatenate([g3[:, None] * w1, (b3.dot(w1) + b1_mlp)[None]]), w2.dot(centre))
    return Block(
        tuple(n[2] for n in norms),
        query.reshape(E, H * E),
        folded_out.reshape(H * E, D),
        self_share,
        (keys * g2).reshape(D, H * D),
        keys_bias.reshape(H * D),
        key_scores,
        values,
        values_bias,
        (_f64(c.out_bias) / H).dot(centre),
        mlp,
    )


def _with_one(u: np.ndarray) -> np.ndarray:
    """(..., D) -> (..., E): a trailing 1 for the biases to ride on."""
    return np.concatenate([u, np.ones((*u.shape[:-1], 1))], -1)


def _rounder(dtype: torch.dtype):
    np_dtype = np.float64 if dtype == torch.float64 else np.float32

    def as_dtype(value):
        if isinstance(value, tuple):  # a NamedTuple keeps its type
            rounded = [as_dtype(v) for v in value]
            return type(value)(*rounded) if hasattr(value, "_fields") else tuple(rounded)
        if isinstance(value, np.ndarray):
            return np.ascontiguousarray(value, np_dtype)
        return value  # eps, None

    return as_dtype


def _f64(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().double().numpy()
