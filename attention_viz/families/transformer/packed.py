"""The transformer stacks' weights arranged once for fast inference, cached on the model.

Decoding one input makes a few hundred tiny matrix products: its time is the number of torch
calls, not arithmetic. These arrangements give the same numbers (up to float rounding) in
fewer calls; incremental.py decodes with them, and the tests compare them with the modules.

1. A head's score as a product over the attention's *inputs*. For head h with query input x
   and key input x_j (the LayerNorm'd ones, pre-LN), s = 1/sqrt(d):

       s (W_q,h x + b_q,h) . (W_k,h x_j + b_k,h) = x_j . (A_h x + a_h) + (same for every j)

   with A_h = s W_k,hᵀ W_q,h and a_h = s W_k,hᵀ b_q,h; the last term is the same for every
   key, and the softmax cancels it. The output, since each head's weights sum to 1:

       W_o (concat_h sum_j w_j,h (W_v,h x_j + b_v,h)) + b_o
           = sum_h W_o,h W_v,h (sum_j w_j,h x_j) + (b_o + sum_h W_o,h b_v,h)

   So a decoder's self-attention caches its inputs x_j (one row per position, shared by
   the heads) and a step makes one product for the H queries "in input space" and one for
   the output (`SelfAttention`).
2. Cross-attention's keys and values are the memory's, fixed for a whole decoding, so
   incremental.py folds them once per input with the matrices of `CrossAttention`. Its
   b_o rides on the values: each head's weights sum to 1, so b_o / H on every value row
   of every head adds up to b_o.
3. The first block's self-attention reads only the previous token and the position: its
   residual input (with the self-attention's output bias), attention input and queries are
   a table, one row per (position, token).
4. The MLP's b_2 rides on a constant hidden unit: weight 0, bias 1, so ReLU gives 1, and
   its outgoing weights are b_2.

Products of weights are formed in float64 and rounded once. A model's arrangements (these,
and one_input.py's) are built on first use and kept in the module's __dict__ by `cached`,
rebuilt when its parameters change in place (an optimizer step, load_state_dict) or move
(.to); they are never mutated, so concurrent sessions can share them.

Shape symbols: B batch, T sequence length, D d_model, H heads, d = D / H, F MLP hidden
size, V vocabulary size, P positions decoded at most.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import torch
from torch import nn

from attention_viz.families.transformer.layers import Block, MultiHeadAttention


class SelfAttention(NamedTuple):
    """A decoder block's self-attention over its cached inputs (1. above)."""

    query: torch.Tensor  # (D, H D): x -> the H queries in input space, A_hᵀ side by side
    query_bias: torch.Tensor  # (H D,): a_h side by side
    value_out: torch.Tensor  # (H D, D): the heads' averaged inputs -> output, W_o,h W_v,h
    value_bias: torch.Tensor  # (H, D): W_o,h b_v,h, each head's share of the output bias
    out_bias: torch.Tensor  # (D,): b_o + sum_h W_o,h b_v,h


class CrossAttention(NamedTuple):
    """Cross-attention's memory-side matrices (incremental.py folds the memory with them).

    Over memory rows m_j: keys M_j,h = s W_q,hᵀ (W_k,h m_j + b_k,h) (scores = x . M_j,h +
    c_j,h), c_j,h = s b_q,h . W_k,h m_j (the constant s b_q,h . b_k,h cancels in the softmax),
    values N_j,h = W_o,h (W_v,h m_j + b_v,h) + b_o / H (output = sum_j,h w_j,h N_j,h)."""

    keys: torch.Tensor  # (D, H D)
    keys_bias: torch.Tensor  # (H D,)
    key_scores: torch.Tensor  # (D, H)
    values: torch.Tensor  # (D, H D)
    values_bias: torch.Tensor  # (H D,)
    out_bias: torch.Tensor  # (D,) b_o (what ablated heads take away: b_o / H each)


class DecoderBlock(NamedTuple):
    pre_ln: bool
    norms: tuple[tuple, ...]  # per sub-layer, its LayerNorm's (weight, bias, eps)
    self_attn: SelfAttention
    cross: CrossAttention
    mlp: tuple | None  # (W_1ᵀ (D, F + 1), b_1, W_2ᵀ (F + 1, D)), b_2 inside (4.); None: none


class DecoderWeights(NamedTuple):
    blocks: list[DecoderBlock]
    first: tuple[torch.Tensor, ...]  # per position (V, 2 D + H D): residual | attention
    # input | queries (3. above)
    final_norm: tuple | None  # (weight, bias, eps) when pre-LN
    out: torch.Tensor  # (D, V) W_outᵀ
    out_bias: torch.Tensor  # (V,)


class EncoderBlock(NamedTuple):
    """Transposed for addmm: rows (B T, D) @ W_qkvᵀ."""

    pre_ln: bool
    norms: tuple[tuple, ...]  # self-attention's LayerNorm, then the MLP's if any
    qkv: torch.Tensor  # (D, 3 D): W_q, W_k, W_v side by side
    qkv_bias: torch.Tensor | None  # (3 D,)
    out: torch.Tensor  # (D, D) W_oᵀ
    out_bias: torch.Tensor | None  # (D,)
    mlp: tuple | None  # (W_1ᵀ (D, F + 1), b_1, W_2ᵀ (F + 1, D)), b_2 inside (4.)


class EncoderWeights(NamedTuple):
    embed: torch.Tensor  # (V, D)
    positions: torch.Tensor  # (T_max, D): added to the embeddings (zeros for "none")
    blocks: list[EncoderBlock]
    final_norm: tuple | None


def decoder(stack: nn.Module, max_len: int) -> DecoderWeights:
    """A Decoder's weights for greedy steps over up to max_len positions (cached)."""
    return cached(stack, ("decoder", max_len), lambda: _decoder(stack, max_len))


def encoder(stack: nn.Module) -> EncoderWeights:
    """An Encoder's weights for one pass (cached)."""
    return cached(stack, ("encoder",), lambda: _encoder(stack))


class _Entry(NamedTuple):
    key: tuple
    params: tuple[torch.Tensor, ...]
    version: int  # the sum of the parameters' version counters (each only grows)
    address: int  # where the first parameter's data lives (.to() moves it)
    value: Any


def cached(stack: nn.Module, key: tuple, build) -> Any:
    """build()'s value, kept on the module under `key` until its parameters change or move."""
    entries = vars(stack).get("_packed", {})
    entry = entries.get(key)
    if entry is not None:
        params = entry.params
        if params[0].data_ptr() == entry.address and _version(params) == entry.version:
            return entry.value
    params = tuple(stack.parameters())
    version, address = _version(params), params[0].data_ptr()  # those the build reads
    with torch.inference_mode():  # what the fast paths run under
        value = build()
    # One assignment of a new dict: a concurrent reader sees the old entries or the new ones,
    # all valid. Read again: the build may have cached another arrangement it reads.
    entries = vars(stack).get("_packed", {})
    vars(stack)["_packed"] = {**entries, key: _Entry(key, params, version, address, value)}
    return value


def _version(params) -> int:
    try:
        return sum(p._version for p in params)
    except RuntimeError:  # made under inference_mode: no version counter, and no training
        return -1


def _norm(norm: nn.LayerNorm) -> tuple:
    return norm.weight, norm.bias, norm.eps


def _heads(linear: nn.Linear, H: int) -> tuple[torch.Tensor, torch.Tensor | None]:
    """A projection's weight split by head, (H, d, D) in float64, and its bias (H, d)."""
    D = linear.weight.shape[1]
    weight = linear.weight.double().view(H, D // H, D)
    bias = None if linear.bias is None else linear.bias.double().view(H, D // H)
    return weight, bias


def _self_attention(a: MultiHeadAttention, H: int) -> SelfAttention:
    dtype = a.W_q.weight.dtype
    (wq, bq), (wk, _), (wv, bv) = _heads(a.W_q, H), _heads(a.W_k, H), _heads(a.W_v, H)
    D, d = wq.shape[2], wq.shape[1]
    wo = a.W_o.weight.double().view(D, H, d).permute(1, 0, 2)  # (H, D, d): W_o,h
    query = torch.einsum("hci,hcj->jhi", wk, wq) * d**-0.5  # (D, H, D): x -> A_h x
    query_bias, value_bias = wq.new_zeros(H, D), wq.new_zeros(H, D)
    if bq is not None:
        query_bias = torch.einsum("hci,hc->hi", wk, bq) * d**-0.5
        value_bias = torch.einsum("hoc,hc->ho", wo, bv)
    value_out = torch.einsum("hoc,hci->hio", wo, wv)  # (H, D, D): u_h -> W_o,h W_v,h u_h
    b_o = 0 if a.W_o.bias is None else a.W_o.bias.double()
    return SelfAttention(
        query.reshape(D, H * D).to(dtype),
        query_bias.reshape(H * D).to(dtype),
        value_out.reshape(H * D, D).to(dtype),
        value_bias.to(dtype),
        (value_bias.sum(0) + b_o).to(dtype),
    )


def _cross_attention(a: MultiHeadAttention, H: int) -> CrossAttention:
    dtype = a.W_q.weight.dtype
    (wq, bq), (wk, bk), (wv, bv) = _heads(a.W_q, H), _heads(a.W_k, H), _heads(a.W_v, H)
    D, d = wq.shape[2], wq.shape[1]
    s = d**-0.5
    wo = a.W_o.weight.double().view(D, H, d).permute(1, 0, 2)  # (H, D, d)
    keys = torch.einsum("hcx,hcm->mhx", wq, wk) * s  # (D, H, D): m -> s W_q,hᵀ W_k,h m
    keys_bias, key_scores, values_bias = wq.new_zeros(H, D), wq.new_zeros(D, H), wq.new_zeros(H, D)
    if bq is not None:
        keys_bias = torch.einsum("hcx,hc->hx", wq, bk) * s
        key_scores = torch.einsum("hc,hcm->mh", bq, wk) * s
        values_bias = torch.einsum("hoc,hc->ho", wo, bv)
    values = torch.einsum("hoc,hcm->mho", wo, wv)  # (D, H, D): m -> W_o,h W_v,h m
    out_bias = a.W_o.weight.new_zeros(D) if a.W_o.bias is None else a.W_o.bias
    values_bias = values_bias + out_bias.double() / H
    return CrossAttention(
        keys.reshape(D, H * D).to(dtype),
        keys_bias.reshape(H * D).to(dtype),
        key_scores.to(dtype),
        values.reshape(D, H * D).to(dtype),
        values_bias.reshape(H * D).to(dtype),
        out_bias,
    )


def _mlp_constant_unit(block: Block) -> tuple | None:
    """(W_1ᵀ, b_1, W_2ᵀ) with one more hidden unit, always 1, whose weights out are b_2."""
    m = block.mlp
    if m is None:
        return None
    w1, b1, w2, b2 = m.linear1.weight, m.linear1.bias, m.linear2.weight, m.linear2.bias
    w1 = torch.cat([w1, w1.new_zeros(1, w1.shape[1])])  # (F + 1, D)
    b1 = torch.cat([b1, b1.new_ones(1)])
    w2 = torch.cat([w2, b2[:, None]], 1)  # (D, F + 1)
    return w1.t(), b1, w2.t()


def _norms(block: Block) -> tuple[tuple, ...]:
    norms = [block.norm1] + ([block.norm2] if block.norm2 is not None else [])
    return tuple(_norm(n) for n in norms + ([block.norm3] if block.mlp is not None else []))


def _decoder(stack: nn.Module, max_len: int) -> DecoderWeights:
    H = stack.num_heads
    blocks = [
        DecoderBlock(
            b.pre_ln,
            _norms(b),
            _self_attention(b.self_attn, H),
            _cross_attention(b.cross_attn, H),
            _mlp_constant_unit(b),
        )
        for b in stack.blocks
    ]
    embed = stack.embed.weight  # (V, D)
    V, D = embed.shape
    x = stack.positions(embed.new_zeros(1, max_len, D))[0][:, None] + embed  # (P, V, D)
    first_block = blocks[0]
    h = x
    if first_block.pre_ln:
        h = torch.layer_norm(x, (D,), *first_block.norms[0])
    sa = first_block.self_attn
    queries = torch.addmm(sa.query_bias, h.reshape(-1, D), sa.query).view(max_len, V, H * D)
    first = torch.cat([x + sa.out_bias, h, queries], -1).unbind(0)
    final = _norm(stack.norm) if isinstance(stack.norm, nn.LayerNorm) else None
    return DecoderWeights(blocks, first, final, stack.out.weight.t(), stack.out.bias)


def _encoder(stack: nn.Module) -> EncoderWeights:
    D = stack.embed.embedding_dim
    T_max = stack.positions.max_len
    positions = stack.positions(stack.embed.weight.new_zeros(1, T_max, D))[0]
    blocks = []
    for b in stack.blocks:
        a = b.self_attn
        qkv_bias = None if a.W_q.bias is None else torch.cat([a.W_q.bias, a.W_k.bias, a.W_v.bias])
        qkv = torch.cat([a.W_q.weight, a.W_k.weight, a.W_v.weight]).t()
        mlp = _mlp_constant_unit(b)
        out, out_bias = a.W_o.weight.t(), a.W_o.bias
        blocks.append(EncoderBlock(b.pre_ln, _norms(b), qkv, qkv_bias, out, out_bias, mlp))
    final = _norm(stack.norm) if isinstance(stack.norm, nn.LayerNorm) else None
    return EncoderWeights(stack.embed.weight, positions, blocks, final)
