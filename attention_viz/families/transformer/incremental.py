"""Greedy decoding with a key/value cache that computes only the tokens: the fast path.

`Decoder.step` (stacks.py) returns every layer's and head's weights at every step, which
beam search and the step-by-step views read. A greedy Prediction needs only the chosen
tokens from the loop: its maps come afterwards from one teacher-forced pass over the output
(which computes the same numbers, since a causal decoder fed its own output repeats the
free-running steps). So this loop does the least per position:

- the self-attention's query, key and value in one matrix product (W_q, W_k, W_v stacked
  once per call), the new key and value appended to the cache;
- the memory's keys and values projected once per input, before the loop;
- torch's fused F.scaled_dot_product_attention, no weights kept;
- the layers' parameters used directly (no module calls inside the loop).

The numbers are those of `Decoder.step` up to float rounding (tests compare them).

Shape symbols: B batch, T_k source length, t positions decoded so far, D d_model, H heads,
d = D / H, V vocabulary size.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from attention_viz.families.transformer.layers import Block
from attention_viz.families.transformer.stacks import Decoder, head_masks


class _Layer(NamedTuple):
    """One block's parameters, arranged for a step, and its memory's keys and values."""

    block: Block
    qkv_weight: torch.Tensor  # (3 D, D): W_q, W_k, W_v stacked
    qkv_bias: torch.Tensor | None  # (3 D,)
    self_heads: torch.Tensor | None  # (1, H, 1, 1) ablation multipliers, None: none
    cross_heads: torch.Tensor | None
    memory_key: torch.Tensor  # (B, H, T_k, d)
    memory_value: torch.Tensor  # (B, H, T_k, d)


def greedy_ids(
    stack: Decoder,
    memory: torch.Tensor,
    memory_mask: torch.Tensor | None,
    bos: int,
    eos: int | None,
    max_len: int,
    ablate=frozenset(),
) -> torch.Tensor:
    """The likeliest token at each step, for a batch; stops once every row has <eos>.

    Args:
        memory: (B, T_k, D) encoder output; memory_mask: (B, T_k) True at real positions.
        ablate: (stack, layer, head) triples switched off, as in stacks.head_masks.
    Returns:
        ids (B, T_q): every step's token, <eos> included (rows run on after their <eos>).
    Call under torch.inference_mode().
    """
    B, D = memory.shape[0], memory.shape[2]
    H = stack.num_heads
    layers = _layers(stack, memory, ablate)
    attend = None if memory_mask is None else memory_mask[:, None, None, :]  # (B, 1, 1, T_k)
    positions = stack.positions(memory.new_zeros(1, max_len, D))[0]  # (max_len, D)
    final = stack.norm if isinstance(stack.norm, nn.LayerNorm) else None
    cache: list[tuple[torch.Tensor, torch.Tensor]] = [
        (memory.new_zeros(B, H, 0, D // H),) * 2 for _ in layers
    ]
    y = torch.full((B,), bos, dtype=torch.long, device=memory.device)
    finished = torch.zeros(B, dtype=torch.bool, device=memory.device)
    out = []
    for t in range(max_len):
        x = stack.embed.weight[y] + positions[t]  # (B, D)
        for i, layer in enumerate(layers):
            x, cache[i] = _block_step(layer, x, cache[i], attend, H)
        if final is not None:
            x = _norm(final, x)
        y = F.linear(x, stack.out.weight, stack.out.bias).argmax(-1)  # (B, V) -> (B,)
        out.append(y)
        if eos is not None:
            finished |= y == eos
            if bool(finished.all()):
                break
    return torch.stack(out, 1)


def _layers(stack: Decoder, memory: torch.Tensor, ablate) -> list[_Layer]:
    L, H = stack.num_layers, stack.num_heads
    self_m = head_masks(ablate, "decoder-self", L, H, memory.device)
    cross_m = head_masks(ablate, "cross", L, H, memory.device)
    out = []
    for block, sm, cm in zip(stack.blocks, self_m, cross_m, strict=True):
        a = block.self_attn
        weight = torch.cat([a.W_q.weight, a.W_k.weight, a.W_v.weight])  # (3 D, D)
        bias = None if a.W_q.bias is None else torch.cat([a.W_q.bias, a.W_k.bias, a.W_v.bias])
        key, value = block.cross_attn.project_kv(memory, memory)  # (B, H, T_k, d)
        out.append(_Layer(block, weight, bias, _heads(sm), _heads(cm), key, value))
    return out


def _heads(mask: torch.Tensor | None) -> torch.Tensor | None:
    return None if mask is None else mask.view(1, -1, 1, 1)  # (1, H, 1, 1)


def _norm(norm: nn.LayerNorm, x: torch.Tensor) -> torch.Tensor:
    return F.layer_norm(x, norm.normalized_shape, norm.weight, norm.bias, norm.eps)


def _residual(block: Block, norm: nn.LayerNorm, x: torch.Tensor, f) -> torch.Tensor:
    """A residual sub-layer, pre- or post-LN as the block was built (eval: no dropout)."""
    return x + f(_norm(norm, x)) if block.pre_ln else _norm(norm, x + f(x))


def _merge(heads: torch.Tensor, ablation: torch.Tensor | None, W_o: nn.Linear) -> torch.Tensor:
    """(B, H, 1, d) -> (B, D) through W_o, ablated heads zeroed first."""
    if ablation is not None:
        heads = heads * ablation
    return F.linear(heads.reshape(heads.shape[0], -1), W_o.weight, W_o.bias)


def _block_step(layer: _Layer, x: torch.Tensor, past, attend, H: int):
    """x: (B, D) the new position -> (B, D), and the self-attention cache with it appended."""
    block = layer.block
    B, D = x.shape
    grown = []

    def self_attention(h: torch.Tensor) -> torch.Tensor:
        qkv = F.linear(h, layer.qkv_weight, layer.qkv_bias).view(B, 3, H, 1, D // H)
        key = torch.cat([past[0], qkv[:, 1]], 2)  # (B, H, t + 1, d)
        value = torch.cat([past[1], qkv[:, 2]], 2)
        grown.append((key, value))
        heads = F.scaled_dot_product_attention(qkv[:, 0], key, value)  # (B, H, 1, d)
        return _merge(heads, layer.self_heads, block.self_attn.W_o)

    def cross_attention(h: torch.Tensor) -> torch.Tensor:
        a = block.cross_attn
        query = F.linear(h, a.W_q.weight, a.W_q.bias).view(B, H, 1, D // H)
        heads = F.scaled_dot_product_attention(
            query, layer.memory_key, layer.memory_value, attend
        )  # (B, H, 1, d)
        return _merge(heads, layer.cross_heads, a.W_o)

    x = _residual(block, block.norm1, x, self_attention)
    x = _residual(block, block.norm2, x, cross_attention)
    if block.mlp is not None:
        mlp = block.mlp
        x = _residual(
            block,
            block.norm3,
            x,
            lambda h: F.linear(
                torch.relu(F.linear(h, mlp.linear1.weight, mlp.linear1.bias)),
                mlp.linear2.weight,
                mlp.linear2.bias,
            ),
        )
    return x, grown[0]
