"""Transformer layers against torch's own modules, and the invariants of attention."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from attention_viz.families.transformer.layers import (
    Block,
    MultiHeadAttention,
    PositionalEncoding,
    causal_mask,
)
from attention_viz.families.transformer.stacks import Decoder, DecoderOnly, Encoder

D, H = 16, 4


def _copy_mha(mine: MultiHeadAttention, ref: nn.MultiheadAttention) -> None:
    with torch.no_grad():
        w = ref.in_proj_weight.chunk(3)
        b = ref.in_proj_bias.chunk(3)
        for lin, wi, bi in zip((mine.W_q, mine.W_k, mine.W_v), w, b, strict=True):
            lin.weight.copy_(wi)
            lin.bias.copy_(bi)
        mine.W_o.weight.copy_(ref.out_proj.weight)
        mine.W_o.bias.copy_(ref.out_proj.bias)


def _copy_norm(mine: nn.LayerNorm, ref: nn.LayerNorm) -> None:
    with torch.no_grad():
        mine.weight.copy_(ref.weight)
        mine.bias.copy_(ref.bias)


def _copy_mlp(block: Block, ref) -> None:
    with torch.no_grad():
        block.mlp.linear1.weight.copy_(ref.linear1.weight)
        block.mlp.linear1.bias.copy_(ref.linear1.bias)
        block.mlp.linear2.weight.copy_(ref.linear2.weight)
        block.mlp.linear2.bias.copy_(ref.linear2.bias)


def test_multi_head_attention_matches_torch():
    torch.manual_seed(0)
    ref = nn.MultiheadAttention(D, H, batch_first=True).eval()
    mine = MultiHeadAttention(D, H).eval()
    _copy_mha(mine, ref)
    q, kv = torch.randn(3, 5, D), torch.randn(3, 7, D)
    pad = torch.tensor([[False] * 7, [False] * 5 + [True] * 2, [False] * 3 + [True] * 4])
    out_ref, w_ref = ref(q, kv, kv, key_padding_mask=pad, average_attn_weights=False)
    out, w = mine(q, kv, kv, mask=~pad[:, None, None, :])
    assert w.shape == (3, H, 5, 7)
    torch.testing.assert_close(out, out_ref, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(w, w_ref, atol=1e-6, rtol=1e-5)
    assert torch.all(w[2, :, :, 3:] == 0)  # padded keys get exactly 0
    torch.testing.assert_close(w.sum(-1), torch.ones(3, H, 5))


def test_steps_expose_scores_before_and_after_scaling_and_masking():
    torch.manual_seed(1)
    mha = MultiHeadAttention(D, H)
    x = torch.randn(1, 4, D)
    s = mha.steps(x, x, x, mask=causal_mask(4))
    d = D // H
    torch.testing.assert_close(s.scaled, s.scores / d**0.5)
    assert torch.isinf(s.masked[0, :, 0, 1:]).all() and not torch.isinf(s.masked[0, :, 1:, 0]).any()
    torch.testing.assert_close(s.weights, torch.softmax(s.masked, -1))
    out, _ = mha(x, x, x, causal_mask(4))
    torch.testing.assert_close(out, s.output)


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_block_matches_transformer_encoder_layer(norm_first):
    torch.manual_seed(2)
    ref = nn.TransformerEncoderLayer(D, H, 32, 0.0, batch_first=True, norm_first=norm_first).eval()
    mine = Block(D, H, 32, cross=False, pre_ln=norm_first).eval()
    _copy_mha(mine.self_attn, ref.self_attn)
    _copy_norm(mine.norm1, ref.norm1)
    _copy_norm(mine.norm3, ref.norm2)
    _copy_mlp(mine, ref)
    x = torch.randn(2, 6, D)
    pad = torch.tensor([[False] * 6, [False] * 4 + [True] * 2])
    with torch.no_grad():
        out_ref = ref(x, src_key_padding_mask=pad)
        out, w, _ = mine(x, ~pad[:, None, None, :])
        attn_in = ref.norm1(x) if norm_first else x
        _, w_ref = ref.self_attn(attn_in, attn_in, attn_in, key_padding_mask=pad)
    torch.testing.assert_close(out[0], out_ref[0], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(out[1, :4], out_ref[1, :4], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(w.mean(1), w_ref, atol=1e-6, rtol=1e-5)  # averaged over heads


@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_block_matches_transformer_decoder_layer(norm_first):
    torch.manual_seed(3)
    ref = nn.TransformerDecoderLayer(D, H, 32, 0.0, batch_first=True, norm_first=norm_first).eval()
    mine = Block(D, H, 32, cross=True, pre_ln=norm_first).eval()
    _copy_mha(mine.self_attn, ref.self_attn)
    _copy_mha(mine.cross_attn, ref.multihead_attn)
    for a, b in ((mine.norm1, ref.norm1), (mine.norm2, ref.norm2), (mine.norm3, ref.norm3)):
        _copy_norm(a, b)
    _copy_mlp(mine, ref)
    x, memory = torch.randn(2, 5, D), torch.randn(2, 7, D)
    with torch.no_grad():
        out_ref = ref(x, memory, tgt_mask=nn.Transformer.generate_square_subsequent_mask(5))
        out, sw, cw = mine(x, causal_mask(5), memory)
    torch.testing.assert_close(out, out_ref, atol=1e-5, rtol=1e-5)
    assert sw.shape == (2, H, 5, 5) and cw.shape == (2, H, 5, 7)
    assert torch.all(torch.triu(sw, diagonal=1) == 0)  # exactly 0 above the diagonal


def _encoder(positions: str) -> Encoder:
    torch.manual_seed(4)
    return Encoder(12, D, H, 2, 32, positions, 16, True, 0.0).eval()


def test_permutation_equivariance_without_positions_and_its_breaking_with_them():
    ids = torch.tensor([[1, 5, 7, 2, 9, 3]])
    perm = torch.tensor([3, 0, 5, 1, 4, 2])
    with torch.no_grad():
        enc = _encoder("none")
        out, w = enc(ids)
        out_p, w_p = enc(ids[:, perm])
        torch.testing.assert_close(out_p, out[:, perm], atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(w_p, w[..., perm, :][..., perm], atol=1e-6, rtol=1e-5)
        for kind in ("sinusoidal", "learned"):
            enc = _encoder(kind)
            out, _ = enc(ids)
            out_p, _ = enc(ids[:, perm])
            assert not torch.allclose(out_p, out[:, perm], atol=1e-3)


def test_decoder_only_weights_are_causal_and_cache_matches_full_pass():
    torch.manual_seed(5)
    model = DecoderOnly(10, D, H, 2, 0, "learned", 16, True, 0.0).eval()
    ids = torch.randint(0, 10, (3, 8))
    with torch.no_grad():
        out = model(ids)
    assert out.self_weights.shape == (3, 2, H, 8, 8)
    assert torch.all(torch.triu(out.self_weights, diagonal=1) == 0)
    torch.testing.assert_close(out.self_weights.sum(-1), torch.ones(3, 2, H, 8))

    dec = Decoder(10, D, H, 2, 32, "sinusoidal", 16, False, 0.0).eval()
    memory = torch.randn(3, 6, D)
    with torch.no_grad():
        full = dec(ids, memory)
        cache = dec.empty_cache(memory)
        for t in range(8):
            logits, cache, sw, cw = dec.step(ids[:, t], cache)
            torch.testing.assert_close(logits, full.logits[:, t], atol=1e-5, rtol=1e-5)
            torch.testing.assert_close(cw, full.cross_weights[:, :, :, t], atol=1e-6, rtol=1e-5)
            torch.testing.assert_close(
                sw, full.self_weights[:, :, :, t, : t + 1], atol=1e-6, rtol=1e-5
            )


def test_ablating_a_head_zeroes_its_contribution():
    torch.manual_seed(6)
    mha = MultiHeadAttention(D, H).eval()
    x = torch.randn(1, 4, D)
    keep = torch.ones(H)
    keep[1] = 0
    s = mha.steps(x, x, x, head_mask=keep)
    assert torch.all(s.heads[:, 1] == 0)
    full, w_full = mha(x, x, x)
    assert not torch.allclose(full, s.output)
    torch.testing.assert_close(w_full, s.weights)  # the head still computes its weights


def test_positional_encodings():
    x = torch.zeros(1, 5, 8)
    sin = PositionalEncoding("sinusoidal", 8, 4)(x)  # any length, even beyond max_len
    assert torch.allclose(sin[0, 0, 1::2], torch.ones(4)) and torch.allclose(
        sin[0, 0, 0::2], torch.zeros(4)
    )
    with pytest.raises(ValueError, match="learned positions stop at 4"):
        PositionalEncoding("learned", 8, 4)(x)


def test_gradcheck_multi_head_attention():
    torch.manual_seed(7)
    mha = MultiHeadAttention(4, 2).double()
    q = torch.randn(1, 3, 4, dtype=torch.double, requires_grad=True)
    kv = torch.randn(1, 4, 4, dtype=torch.double, requires_grad=True)
    mask = torch.tensor([True, True, True, False])

    def f(q, kv):
        out, w = mha(q, kv, kv, mask)
        return out, w

    assert torch.autograd.gradcheck(f, (q, kv))
