"""One encoder pass over the packed weights: Encoder.forward's numbers in fewer torch calls.

The query, key and value projections are one product (packed.py stacks them), the blocks
run over one row per position without module calls, and each residual is added inside its
product. With weights, each head's are those of MultiHeadAttention.steps (the same
operations in the same order); without, torch's fused attention.

Shape symbols: B batch, T source length, D d_model, H heads, d = D / H, L layers.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from attention_viz.families.transformer import packed
from attention_viz.families.transformer.stacks import Encoder, head_masks


def encode(
    stack: Encoder,
    ids: torch.Tensor,
    mask: torch.Tensor | None = None,
    ablate=frozenset(),
    need_weights: bool = True,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """As Encoder.forward: ids (B, T), mask (B, T) True at real positions (None: no padding)
    -> (memory (B, T, D), weights (B, L, H, T, T) or None). Call under inference_mode."""
    w = packed.encoder(stack)
    B, T = ids.shape
    H = stack.num_heads
    D = w.embed.shape[1]
    shape = (D,)  # LayerNorms over the features; torch.layer_norm is F.layer_norm's kernel
    x = F.embedding(ids, w.embed)  # (B, T, D)
    fits = w.positions.shape[0] >= T  # else the module extends the table
    x = (x + w.positions[:T] if fits else stack.positions(x)).view(B * T, D)  # one row each
    attend = None if mask is None else mask[:, None, None, :]  # (B, 1, 1, T)
    ablated = head_masks(ablate, "encoder-self", len(w.blocks), H)
    rows = []
    for block, heads_on in zip(w.blocks, ablated, strict=True):
        h = torch.layer_norm(x, shape, *block.norms[0]) if block.pre_ln else x
        qkv = torch.addmm(block.qkv_bias, h, block.qkv)  # (B T, 3 D)
        q, k, v = qkv.view(B, T, 3, H, D // H).permute(2, 0, 3, 1, 4)  # each (B, H, T, d)
        if need_weights:
            scores = q @ k.transpose(-2, -1) / math.sqrt(D // H)  # (B, H, T, T)
            if attend is not None:
                scores = scores.masked_fill(~attend, float("-inf"))
            weights = torch.softmax(scores, -1)  # every row has a key: no empty rows
            rows.append(weights)
            heads = weights @ v  # (B, H, T, d)
        else:
            heads = F.scaled_dot_product_attention(q, k, v, attend)
        if heads_on is not None:
            heads = heads * heads_on.view(1, H, 1, 1).to(heads)
        x = torch.addmm(x, heads.transpose(1, 2).reshape(B * T, D), block.out)  # + W_o heads
        if block.out_bias is not None:
            x = x.add_(block.out_bias)
        if not block.pre_ln:
            x = torch.layer_norm(x, shape, *block.norms[0])
        if block.mlp is not None:
            w1, b1, w2 = block.mlp  # b_2 rides on a constant hidden unit
            h = torch.layer_norm(x, shape, *block.norms[1]) if block.pre_ln else x
            x = torch.addmm(x, torch.addmm(b1, h, w1).relu_(), w2)
            if not block.pre_ln:
                x = torch.layer_norm(x, shape, *block.norms[1])
    if w.final_norm is not None:
        x = torch.layer_norm(x, shape, *w.final_norm)
    return x.view(B, T, D), torch.stack(rows, 1) if rows else None
