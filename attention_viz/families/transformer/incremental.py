"""Greedy decoding with a cache, in few torch calls per step: the fast path.

`Decoder.step` (stacks.py) runs the modules and returns every layer's and head's weights;
beam search and the step-by-step views read it. This loop computes the same numbers (up to
float rounding; the tests compare them) from the weights arranged in packed.py:

- the first block's residual, attention input and queries come from one table row per
  (position, previous token);
- self-attention caches each position's input (one row for all heads) and attends with two
  batched products: queries in input space against the cached inputs, the weights against
  them again; one product then takes the heads' averaged inputs through W_v and W_o;
- cross-attention is folded once per input into keys M, biases c and values N (one row per
  memory position and head), so a step costs two batched products and a softmax.

Shape symbols: B batch, T_k source length, t positions decoded so far, T_q output length,
D d_model, H heads, L layers, V vocabulary size.
"""

from __future__ import annotations

from typing import NamedTuple

import torch

from attention_viz.families.transformer import packed
from attention_viz.families.transformer.stacks import Decoder, head_masks


class Greedy(NamedTuple):
    ids: torch.Tensor  # (B, T_q)
    logits: torch.Tensor | None  # (B, T_q, V)
    cross_weights: torch.Tensor | None  # (B, T_q, L, H, T_k), before any head ablation
    self_weights: torch.Tensor | None = None  # (B, L, H, T_q, T_q), zero above the diagonal


def greedy_ids(
    stack: Decoder,
    memory: torch.Tensor,
    memory_mask: torch.Tensor | None,
    bos: int,
    eos: int | None,
    max_len: int,
    ablate=frozenset(),
    keep: bool = False,
    keep_self: bool = False,
) -> Greedy:
    """The likeliest token at each step, for a batch; stops once every row has <eos>.

    Args:
        memory: (B, T_k, D) encoder output; memory_mask: (B, T_k) True at real positions.
        ablate: (stack, layer, head) triples switched off, as in stacks.head_masks.
        keep: also return every step's logits and cross-attention weights (they are
            computed anyway; keeping them costs a list append per step).
        keep_self: also return the self-attention weights of every step (with keep).
    Returns:
        Greedy(ids (B, T_q): every step's token, <eos> included (rows run on after their
        <eos>); with keep, logits (B, T_q, V) and cross weights (B, T_q, L, H, T_k); with
        keep_self, self weights (B, L, H, T_q, T_q)).
    Call under torch.inference_mode().
    """
    weights = packed.decoder(stack, max_len)
    B, D, H = memory.shape[0], memory.shape[2], stack.num_heads
    blocks = _blocks(weights, stack, memory, memory_mask, ablate)
    seen = [memory.new_zeros(B, 0, D) for _ in blocks]  # per block, its inputs so far
    y = torch.full((B,), bos, dtype=torch.long, device=memory.device)
    finished = torch.zeros(B, dtype=torch.bool, device=memory.device)
    out, logits_kept, cross_kept, self_kept = [], [], [], []
    for t in range(max_len):
        row = weights.first[t].index_select(0, y)  # (B, 2 D + H D)
        x, h, queries = row.split_with_sizes([D, D, H * D], 1)  # residual, input, queries
        step_self = []
        for i, block in enumerate(blocks):
            if i:
                h = _norm(x, block.w.norms[0]) if block.w.pre_ln else x
                sa = block.w.self_attn
                queries = torch.addmm(sa.query_bias, h, sa.query)  # (B, H D)
            seen[i] = torch.cat([seen[i], h[:, None]], 1)  # (B, t + 1, D)
            x, w_self, w_cross = _block_step(block, x, queries, seen[i])
            cross_kept.append(w_cross)
            step_self.append(w_self)
        if weights.final_norm is not None:
            x = _norm(x, weights.final_norm)
        logits = torch.addmm(weights.out_bias, x, weights.out)  # (B, V)
        y = logits.argmax(-1)  # (B,)
        out.append(y)
        if keep:
            logits_kept.append(logits)
            self_kept.append(step_self)
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
    T_q, L = ids.shape[1], len(blocks)
    cross = torch.stack(cross_kept, 1)  # (B, T_q L, H, T_k)
    cross = cross.view(B, T_q, L, H, cross.shape[-1])
    self_weights = _triangle(self_kept, memory) if keep_self else None
    return Greedy(ids, torch.stack(logits_kept, 1), cross, self_weights)


class _Block(NamedTuple):
    """A decoder block's packed weights with this call's memory folded in and its ablation."""

    w: packed.DecoderBlock
    self_heads: torch.Tensor | None  # (1, H, 1) multipliers of the heads; None: none ablated
    self_bias: torch.Tensor | None  # (D,) the output bias of the heads left on (the first
    # block's is in the table: there only what ablation takes away, or None)
    keys: torch.Tensor  # (B, D, H T_k) M: scores = h M + c, columns (head, key)
    key_scores: torch.Tensor  # (B, 1, H T_k) c, -inf at padded keys
    values: torch.Tensor  # (B, H T_k, D) N: each key's value through W_o, per head
    cross_heads: torch.Tensor | None  # (1, H, 1)
    cross_bias: torch.Tensor | None  # (D,) the shares of b_o that ablated heads took away


def _blocks(weights, stack, memory, memory_mask, ablate) -> list[_Block]:
    L, H = stack.num_layers, stack.num_heads
    B, T_k, D = memory.shape
    self_m = head_masks(ablate, "decoder-self", L, H, memory.device)
    cross_m = head_masks(ablate, "cross", L, H, memory.device)
    rows = memory.reshape(B * T_k, D)
    out = []
    for i, (w, sm, cm) in enumerate(zip(weights.blocks, self_m, cross_m, strict=True)):
        sa, c = w.self_attn, w.cross
        self_bias = None if i == 0 else sa.out_bias
        if sm is not None:  # the ablated heads' shares of the bias go with them
            self_bias = (0 if i == 0 else sa.out_bias) - (1 - sm) @ sa.value_bias
        keys = torch.addmm(c.keys_bias, rows, c.keys).view(B, T_k, H, D)
        scores = (rows @ c.key_scores).view(B, T_k, H)
        if memory_mask is not None:
            scores = scores.masked_fill(~memory_mask[:, :, None], float("-inf"))
        values = torch.addmm(c.values_bias, rows, c.values).view(B, T_k, H, D)
        out.append(
            _Block(
                w,
                None if sm is None else sm.view(1, H, 1),
                self_bias,
                keys.permute(0, 3, 2, 1).reshape(B, D, H * T_k),
                scores.transpose(1, 2).reshape(B, 1, H * T_k),
                values.transpose(1, 2).reshape(B, H * T_k, D),
                None if cm is None else cm.view(1, H, 1),
                None if cm is None else (1 - cm).sum() / H * c.out_bias,
            )
        )
    return out


def _norm(x: torch.Tensor, norm: tuple) -> torch.Tensor:
    return torch.layer_norm(x, (x.shape[-1],), *norm)  # F.layer_norm without its wrapper


def _block_step(block: _Block, x: torch.Tensor, queries: torch.Tensor, seen: torch.Tensor):
    """One position through a block: x (B, D) its residual input, queries (B, H D) its
    self-attention's queries in input space, seen (B, t + 1, D) the inputs so far, this one
    last. Returns (x (B, D), self weights (B, H, t + 1), cross weights (B, H, T_k)); the
    weights are those the heads computed, before any ablation."""
    B, D = x.shape
    w = block.w
    # Self-attention: each head's scores over the inputs, then its weighted average input.
    w_self = torch.softmax(torch.bmm(queries.view(B, -1, D), seen.transpose(1, 2)), -1)
    averaged = torch.bmm(w_self, seen)  # (B, H, t + 1) @ (B, t + 1, D) -> (B, H, D)
    if block.self_heads is not None:
        averaged = averaged * block.self_heads
    x = torch.addmm(x, averaged.view(B, -1), w.self_attn.value_out)
    if block.self_bias is not None:
        x = x + block.self_bias
    if not w.pre_ln:
        x = _norm(x, w.norms[0])
    # Cross-attention over the folded memory (b_o rides on the values).
    h = _norm(x, w.norms[1]) if w.pre_ln else x
    scores = torch.baddbmm(block.key_scores, h[:, None], block.keys)  # (B, 1, H T_k)
    w_cross = torch.softmax(scores.view(B, w_self.shape[1], -1), -1)  # (B, H, T_k)
    attend = w_cross if block.cross_heads is None else w_cross * block.cross_heads
    x = torch.baddbmm(x[:, None], attend.view(B, 1, -1), block.values).view(B, D)
    if block.cross_bias is not None:
        x = x + block.cross_bias
    if not w.pre_ln:
        x = _norm(x, w.norms[1])
    if w.mlp is None:
        return x, w_self, w_cross
    w1, b1, w2 = w.mlp  # b_2 rides on a constant hidden unit
    h = _norm(x, w.norms[2]) if w.pre_ln else x
    x = torch.addmm(x, torch.addmm(b1, h, w1).relu_(), w2)
    if not w.pre_ln:
        x = _norm(x, w.norms[2])
    return x, w_self, w_cross


def _triangle(kept: list[list[torch.Tensor]], like: torch.Tensor) -> torch.Tensor:
    """Per step, per layer (B, H, t + 1) -> (B, L, H, T_q, T_q), zero above the diagonal."""
    B, H = kept[0][0].shape[:2]
    T_q, L = len(kept), len(kept[0])
    out = like.new_zeros(B, L, H, T_q, T_q)
    for t, layers in enumerate(kept):
        for i, w in enumerate(layers):
            out[:, i, :, t, : t + 1] = w
    return out
