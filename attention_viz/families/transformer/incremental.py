"""Greedy decoding with a key/value cache that computes only the tokens: the fast path.

`Decoder.step` (stacks.py) returns every layer's and head's weights at every step, which
beam search and the step-by-step views read. A greedy Prediction needs only the chosen
tokens from the loop: its maps come afterwards from one teacher-forced pass over the output
(which computes the same numbers, since a causal decoder fed its own output repeats the
free-running steps). So this loop does the least per position:

- the self-attention's query, key and value in one matrix product (W_q, W_k, W_v stacked
  once per call), the new key and value appended to the cache, torch's fused
  F.scaled_dot_product_attention over them;
- the cross-attention folded, once per input, into two matrices: the memory's keys through
  W_q (scores = h M + c, for all heads at once) and its values through W_o (output =
  softmax(scores) N + b_o), the same sums in another order, so a step costs two products;
- the layers' parameters gathered once (no module calls inside the loop).

The numbers are those of `Decoder.step` up to float rounding (tests compare them).

Shape symbols: B batch, T_k source length, t positions decoded so far, D d_model, H heads,
d = D / H, V vocabulary size.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from attention_viz.families.transformer.stacks import Decoder, head_masks


class _Layer(NamedTuple):
    """One block's parameters arranged for a step, with its memory folded in."""

    pre_ln: bool
    norms: tuple[tuple, ...]  # per sub-layer (weight, bias, eps) of its LayerNorm
    qkv: tuple[torch.Tensor, torch.Tensor | None]  # (3 D, D), (3 D,): W_q, W_k, W_v stacked
    self_out: tuple[torch.Tensor, torch.Tensor | None]  # W_o of the self-attention
    self_heads: torch.Tensor | None  # (1, H, 1, 1) ablation multipliers; None: none
    cross_scores: torch.Tensor  # M (B, D, H T_k): scores = h M + c, scaled by 1/sqrt(d)
    cross_bias: torch.Tensor  # c (B, 1, H T_k): b_q's share, -inf at padded keys
    cross_values: torch.Tensor  # N (B, H T_k, D): each key's value through W_o
    cross_out_bias: torch.Tensor | None  # (D,) b_o
    cross_heads: torch.Tensor | None  # (1, H, 1) ablation multipliers; None: none
    mlp: tuple | None  # (W_1, b_1, W_2, b_2)


def greedy_ids(
    stack: Decoder,
    memory: torch.Tensor,
    memory_mask: torch.Tensor | None,
    bos: int,
    eos: int | None,
    max_len: int,
    ablate=frozenset(),
    keep: bool = False,
) -> Greedy:
    """The likeliest token at each step, for a batch; stops once every row has <eos>.

    Args:
        memory: (B, T_k, D) encoder output; memory_mask: (B, T_k) True at real positions.
        ablate: (stack, layer, head) triples switched off, as in stacks.head_masks.
        keep: also return every step's logits and cross-attention weights (they are
            computed anyway; keeping them costs a list append per step).
    Returns:
        Greedy(ids (B, T_q): every step's token, <eos> included (rows run on after their
        <eos>); with keep, logits (B, T_q, V) and cross weights (B, T_q, L, H, T_k)).
    Call under torch.inference_mode().
    """
    B, D = memory.shape[0], memory.shape[2]
    H = stack.num_heads
    layers = _layers(stack, memory, memory_mask, ablate)
    positions = stack.positions(memory.new_zeros(1, max_len, D))[0]  # (max_len, D)
    final = _params(stack.norm) if isinstance(stack.norm, nn.LayerNorm) else None
    embed, out_w, out_b = stack.embed.weight, stack.out.weight, stack.out.bias
    cache = [(memory.new_zeros(B, H, 0, D // H),) * 2 for _ in layers]  # (B, H, t, d)
    y = torch.full((B,), bos, dtype=torch.long, device=memory.device)
    finished = torch.zeros(B, dtype=torch.bool, device=memory.device)
    out, logits_kept, weights_kept = [], [], []
    for t in range(max_len):
        x = (embed[y] + positions[t])[:, None]  # (B, 1, D)
        step_weights = []
        for i, layer in enumerate(layers):
            x, cache[i], w = _block_step(layer, x, cache[i], H)
            step_weights.append(w)
        if final is not None:
            x = F.layer_norm(x, (D,), *final)
        logits = F.linear(x[:, 0], out_w, out_b)  # (B, V)
        y = logits.argmax(-1)  # (B,)
        out.append(y)
        if keep:
            logits_kept.append(logits)
            weights_kept.append(torch.stack(step_weights, 1))  # (B, L, H, T_k)
        if eos is None:
            continue
        if B == 1:  # one input: one comparison, no batch bookkeeping
            if int(y) == eos:
                break
        else:
            finished |= y == eos
            if bool(finished.all()):
                break
    ids = torch.stack(out, 1)
    if not keep:
        return Greedy(ids, None, None)
    return Greedy(ids, torch.stack(logits_kept, 1), torch.stack(weights_kept, 1))


class Greedy(NamedTuple):
    ids: torch.Tensor  # (B, T_q)
    logits: torch.Tensor | None  # (B, T_q, V)
    cross_weights: torch.Tensor | None  # (B, T_q, L, H, T_k), before any head ablation


def _params(norm: nn.LayerNorm) -> tuple:
    return norm.weight, norm.bias, norm.eps


def _layers(stack: Decoder, memory: torch.Tensor, memory_mask, ablate) -> list[_Layer]:
    L, H = stack.num_layers, stack.num_heads
    B, T_k, D = memory.shape
    d = D // H
    self_m = head_masks(ablate, "decoder-self", L, H, memory.device)
    cross_m = head_masks(ablate, "cross", L, H, memory.device)
    padded = None
    if memory_mask is not None:  # -inf at padded keys, for every head: (B, 1, H T_k)
        padded = torch.zeros(B, 1, H, T_k, dtype=memory.dtype, device=memory.device)
        padded = padded.masked_fill(~memory_mask[:, None, None, :], float("-inf"))
        padded = padded.view(B, 1, H * T_k)
    out = []
    for block, sm, cm in zip(stack.blocks, self_m, cross_m, strict=True):
        a, c = block.self_attn, block.cross_attn
        qkv_bias = None if a.W_q.bias is None else torch.cat([a.W_q.bias, a.W_k.bias, a.W_v.bias])
        key, value = c.project_kv(memory, memory)  # (B, H, T_k, d)
        scale = d**-0.5
        w_q = c.W_q.weight.view(H, d, D)  # rows of head h: its query features
        scores = torch.einsum("hci,bhjc->bihj", w_q, key).reshape(B, D, H * T_k) * scale
        bias = memory.new_zeros(B, 1, H * T_k)
        if c.W_q.bias is not None:
            b_q = c.W_q.bias.view(H, d)
            bias = torch.einsum("hc,bhjc->bhj", b_q, key).reshape(B, 1, H * T_k) * scale
        if padded is not None:
            bias = bias + padded
        w_o = c.W_o.weight.view(D, H, d)  # columns of head h: its share of the output
        values = torch.einsum("bhjc,ohc->bhjo", value, w_o).reshape(B, H * T_k, D)
        mlp = None
        if block.mlp is not None:
            m = block.mlp
            mlp = (m.linear1.weight, m.linear1.bias, m.linear2.weight, m.linear2.bias)
        norms = [block.norm1, block.norm2] + ([block.norm3] if block.mlp is not None else [])
        out.append(
            _Layer(
                block.pre_ln,
                tuple(_params(n) for n in norms),
                (torch.cat([a.W_q.weight, a.W_k.weight, a.W_v.weight]), qkv_bias),
                (a.W_o.weight, a.W_o.bias),
                None if sm is None else sm.view(1, H, 1, 1),
                scores,
                bias,
                values,
                c.W_o.bias,
                None if cm is None else cm.view(1, H, 1),
                mlp,
            )
        )
    return out


def _residual(pre_ln: bool, norm: tuple, x: torch.Tensor, f) -> torch.Tensor:
    """A residual sub-layer, pre- or post-LN as the block was built (eval: no dropout)."""
    D = x.shape[-1]
    if pre_ln:
        return x + f(F.layer_norm(x, (D,), *norm))
    return F.layer_norm(x + f(x), (D,), *norm)


def _block_step(layer: _Layer, x: torch.Tensor, past, H: int):
    """x: (B, 1, D) the new position -> (B, 1, D), the self-attention cache grown by it, and
    the cross-attention weights (B, H, T_k) (before any ablation, as the heads computed them)."""
    B, _, D = x.shape
    grown, computed = [], []

    def self_attention(h: torch.Tensor) -> torch.Tensor:
        qkv = F.linear(h, *layer.qkv).view(B, 3, H, 1, D // H)
        key = torch.cat([past[0], qkv[:, 1]], 2)  # (B, H, t + 1, d)
        value = torch.cat([past[1], qkv[:, 2]], 2)
        grown.append((key, value))
        heads = F.scaled_dot_product_attention(qkv[:, 0], key, value)  # (B, H, 1, d)
        if layer.self_heads is not None:
            heads = heads * layer.self_heads
        return F.linear(heads.reshape(B, 1, D), *layer.self_out)  # heads concatenated

    def cross_attention(h: torch.Tensor) -> torch.Tensor:
        scores = torch.baddbmm(layer.cross_bias, h, layer.cross_scores)  # (B, 1, H T_k)
        weights = torch.softmax(scores.view(B, H, -1), -1)  # (B, H, T_k)
        computed.append(weights)
        if layer.cross_heads is not None:
            weights = weights * layer.cross_heads
        out = torch.bmm(weights.view(B, 1, -1), layer.cross_values)  # (B, 1, D)
        return out if layer.cross_out_bias is None else out + layer.cross_out_bias

    def mlp(h: torch.Tensor) -> torch.Tensor:
        w1, b1, w2, b2 = layer.mlp
        return F.linear(torch.relu(F.linear(h, w1, b1)), w2, b2)

    x = _residual(layer.pre_ln, layer.norms[0], x, self_attention)
    x = _residual(layer.pre_ln, layer.norms[1], x, cross_attention)
    if layer.mlp is not None:
        x = _residual(layer.pre_ln, layer.norms[2], x, mlp)
    return x, grown[0], computed[0]
