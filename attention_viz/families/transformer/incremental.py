"""Greedy decoding with a cache, in few torch calls per step: the fast path.

`Decoder.step` (stacks.py) runs the modules and returns every layer's and head's weights;
beam search and the step-by-step views read it. This loop computes the same numbers (up to
float rounding; the tests compare them) from the weights arranged in packed.py:

- the first block's residual, attention input and queries come from one table row per
  (position, previous token);
- self-attention caches each position's input (one row for all heads) and attends with two
  batched products: queries in input space against the cached inputs, the weights against
  them again; one product then takes the heads' averaged inputs through W_v and W_o;
- cross-attention is folded once per input into keys M, biases c and values N (one per
  memory position and head, in that order), so a step costs two batched products and a
  softmax.

One input on the CPU from a pre-LN stack goes on to one_input.py, which makes these steps in
numpy over weights with the LayerNorms and biases folded in (folded.py): about 60% of this
loop's time there.

Shape symbols: B batch, T_k source length, t positions decoded so far, T_q output length,
D d_model, H heads, L layers, V vocabulary size.
"""

from __future__ import annotations

from typing import NamedTuple

import torch

from attention_viz.families.transformer import one_input, packed
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
    torch_only: bool = False,
) -> Greedy:
    """The likeliest token at each step, for a batch; stops once every row has <eos>.

    Args:
        memory: (B, T_k, D) encoder output; memory_mask: (B, T_k) True at real positions.
        ablate: (stack, layer, head) triples switched off, as in stacks.head_masks.
        keep: also return every step's logits and cross-attention weights (they are
            computed anyway; keeping them costs a list append per step).
        keep_self: also return the self-attention weights of every step (with keep).
        torch_only: decode one input in torch too (by default one input on the CPU goes to
            one_input.py's numpy loop where it applies; the tests compare the two).
    Returns:
        Greedy(ids (B, T_q): every step's token, <eos> included (rows run on after their
        <eos>); with keep, logits (B, T_q, V) and cross weights (B, T_q, L, H, T_k); with
        keep_self, self weights (B, L, H, T_q, T_q)).
    Call under torch.inference_mode().
    """
    B, D, H = memory.shape[0], memory.shape[2], stack.num_heads
    if B == 1 and not torch_only and one_input.supports(stack, memory):
        args = (stack, memory, memory_mask, bos, eos, max_len, ablate, keep, keep_self)
        return Greedy(*one_input.greedy(*args))
    weights = packed.decoder(stack, max_len)
    blocks = _blocks(weights, stack, memory, memory_mask, ablate)
    seen = [memory.new_zeros(B, 0, D) for _ in blocks]  # per block, its inputs so far
    y = torch.full((B,), bos, dtype=torch.long, device=memory.device)
    finished = torch.zeros(B, dtype=torch.bool, device=memory.device)
    out, logits_kept, cross_kept, self_kept = [], [], [], []
    first, sizes, final = weights.first, [D, D, H * D], weights.final_norm
    for t in range(max_len):
        row = first[t].index_select(0, y)  # (B, 2 D + H D)
        x, h, queries = row.split_with_sizes(sizes, 1)  # residual, attention input, queries
        step_self = []
        for i, block in enumerate(blocks):
            x, seen[i], w_self, w_cross = _block_step(block, x, h, queries, seen[i])
            h = queries = None  # the later blocks compute theirs
            if keep:
                cross_kept.append(w_cross)
                step_self.append(w_self)
        if final is not None:
            x = torch.layer_norm(x, (D,), *final)
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
    cross = torch.stack(cross_kept, 1)  # (B, T_q L, T_k, H)
    cross = cross.view(B, T_q, L, -1, H).transpose(-1, -2)
    self_weights = _triangle(self_kept, memory) if keep_self else None
    return Greedy(ids, torch.stack(logits_kept, 1), cross, self_weights)


class _Block(NamedTuple):
    """A decoder block's packed weights with this call's memory folded in and its ablation.

    LayerNorms are (weight, bias, eps); the self-attention's are packed.SelfAttention's."""

    pre_ln: bool
    norm1: tuple
    norm2: tuple
    norm3: tuple | None
    query: torch.Tensor  # (D, H D)
    query_bias: torch.Tensor  # (H D,)
    value_out: torch.Tensor  # (H D, D)
    self_heads: torch.Tensor | None  # (1, H, 1) multipliers of the heads; None: none ablated
    self_bias: torch.Tensor | None  # (D,) the output bias of the heads left on (the first
    # block's is in the table: there only what ablation takes away, or None)
    keys: torch.Tensor  # (B, D, T_k H) M: scores = h M + c, columns (key, head)
    key_scores: torch.Tensor  # (B, 1, T_k H) c, -inf at padded keys
    values: torch.Tensor  # (B, T_k H, D) N: each key's value through W_o, per head
    cross_heads: torch.Tensor | None  # (1, 1, H)
    cross_bias: torch.Tensor | None  # (D,) the shares of b_o that ablated heads took away
    mlp: tuple | None  # (W_1ᵀ, b_1, W_2ᵀ), b_2 on a constant hidden unit


def _blocks(weights, stack, memory, memory_mask, ablate) -> list[_Block]:
    L, H = stack.num_layers, stack.num_heads
    B, T_k, D = memory.shape
    self_m = [None if m is None else m.to(memory) for m in head_masks(ablate, "decoder-self", L, H)]
    cross_m = [None if m is None else m.to(memory) for m in head_masks(ablate, "cross", L, H)]
    rows = memory.reshape(B * T_k, D)
    out = []
    for i, (w, sm, cm) in enumerate(zip(weights.blocks, self_m, cross_m, strict=True)):
        sa, c = w.self_attn, w.cross
        self_bias = None if i == 0 else sa.out_bias
        if sm is not None:  # the ablated heads' shares of the bias go with them
            self_bias = (0 if i == 0 else sa.out_bias) - (1 - sm) @ sa.value_bias
        keys = torch.addmm(c.keys_bias, rows, c.keys).view(B, T_k * H, D)
        scores = (rows @ c.key_scores).view(B, T_k, H)
        if memory_mask is not None:
            scores = scores.masked_fill(~memory_mask[:, :, None], float("-inf"))
        values = torch.addmm(c.values_bias, rows, c.values).view(B, T_k * H, D)
        norms = w.norms + (None,) * (3 - len(w.norms))
        out.append(
            _Block(
                w.pre_ln,
                *norms,
                sa.query,
                sa.query_bias,
                sa.value_out,
                None if sm is None else sm.view(1, H, 1),
                self_bias,
                keys.mT.contiguous(),
                scores.view(B, 1, T_k * H),
                values,
                None if cm is None else cm.view(1, 1, H),
                None if cm is None else (1 - cm).sum() / H * c.out_bias,
                w.mlp,
            )
        )
    return out


def _block_step(b: _Block, x, h, queries, seen: torch.Tensor):
    """One position through a block.

    Args:
        x: (B, D) its residual input; h, queries: its self-attention's input (B, D) and
            queries in input space (B, H D), or None to compute them from x.
        seen: (B, t, D) the self-attention's inputs at the earlier positions.
    Returns:
        (x (B, D), seen with this input appended (B, t + 1, D), self weights (B, H, t + 1),
        cross weights (B, T_k, H)); the weights are those the heads computed, before any
        ablation.
    """
    B, D = x.shape
    shape = (D,)  # LayerNorms over the features; torch.layer_norm is F.layer_norm's kernel
    if h is None:
        h = torch.layer_norm(x, shape, *b.norm1) if b.pre_ln else x
        queries = torch.addmm(b.query_bias, h, b.query)  # (B, H D)
    # Self-attention: each head's scores over the inputs, then its weighted average input.
    seen = torch.cat([seen, h.unsqueeze(1)], 1)  # (B, t + 1, D)
    w_self = torch.bmm(queries.view(B, -1, D), seen.mT).softmax(-1)  # (B, H, t + 1)
    averaged = torch.bmm(w_self, seen)  # (B, H, D)
    if b.self_heads is not None:
        averaged = averaged * b.self_heads
    x = torch.addmm(x, averaged.view(B, -1), b.value_out)  # the heads through W_v and W_o
    if b.self_bias is not None:
        x = x + b.self_bias
    if not b.pre_ln:
        x = torch.layer_norm(x, shape, *b.norm1)
    # Cross-attention over the folded memory (b_o rides on the values).
    h = torch.layer_norm(x, shape, *b.norm2) if b.pre_ln else x
    scores = torch.baddbmm(b.key_scores, h.unsqueeze(1), b.keys)  # (B, 1, T_k H)
    w_cross = scores.view(B, -1, w_self.shape[1]).softmax(1)  # (B, T_k, H)
    attend = w_cross if b.cross_heads is None else w_cross * b.cross_heads
    x = torch.baddbmm(x.unsqueeze(1), attend.view(B, 1, -1), b.values).view(B, D)
    if b.cross_bias is not None:
        x = x + b.cross_bias
    if not b.pre_ln:
        x = torch.layer_norm(x, shape, *b.norm2)
    if b.mlp is not None:
        w1, b1, w2 = b.mlp  # b_2 rides on a constant hidden unit
        h = torch.layer_norm(x, shape, *b.norm3) if b.pre_ln else x
        x = torch.addmm(x, torch.addmm(b1, h, w1).relu_(), w2)
        if not b.pre_ln:
            x = torch.layer_norm(x, shape, *b.norm3)
    return x, seen, w_self, w_cross


def _triangle(kept: list[list[torch.Tensor]], like: torch.Tensor) -> torch.Tensor:
    """Per step, per layer (B, H, t + 1) -> (B, L, H, T_q, T_q), zero above the diagonal."""
    B, H = kept[0][0].shape[:2]
    T_q, L = len(kept), len(kept[0])
    rows = torch.stack([torch.cat([step[i] for step in kept], -1) for i in range(L)], 1)
    below = torch.tril_indices(T_q, T_q, device=like.device)  # row-major: the steps' order
    out = like.new_zeros(B, L, H, T_q * T_q)
    out.index_copy_(-1, below[0] * T_q + below[1], rows)  # rows: (B, L, H, T_q (T_q + 1) / 2)
    return out.view(B, L, H, T_q, T_q)
