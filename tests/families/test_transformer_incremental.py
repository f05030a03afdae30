"""The fast paths give the numbers of the plain ones: fused attention without weights, the
lean cached greedy decoder, and predictions whose maps come from one teacher-forced pass."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from attention_viz.decoding import greedy
from attention_viz.families.transformer import incremental
from attention_viz.families.transformer.layers import MultiHeadAttention, causal_mask
from attention_viz.families.transformer.model import TransformerConfig, TransformerSeq2Seq
from attention_viz.seq2seq import Seq2Seq

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _model(seed: int, pre_ln: bool = True, layers: int = 2) -> TransformerSeq2Seq:
    torch.manual_seed(seed)
    config = TransformerConfig(
        "reverse", d_model=32, num_heads=4, encoder_layers=2, decoder_layers=layers, d_ff=64,
        pre_ln=pre_ln,
    )  # fmt: skip
    return TransformerSeq2Seq(config).eval()


def test_fused_attention_without_weights_gives_the_same_output():
    torch.manual_seed(0)
    mha = MultiHeadAttention(16, 4).eval()
    q, kv = torch.randn(2, 5, 16), torch.randn(2, 7, 16)
    pad = torch.tensor([[True] * 7, [True] * 4 + [False] * 3])[:, None, None, :]
    keep = torch.tensor([1.0, 0.0, 1.0, 1.0])
    for mask in (pad, None):
        out, w = mha(q, kv, kv, mask, keep)
        fast, none = mha(q, kv, kv, mask, keep, need_weights=False)
        assert none is None and w.shape == (2, 4, 5, 7)
        torch.testing.assert_close(fast, out, atol=1e-5, rtol=1e-5)
    x = torch.randn(2, 6, 16)
    out, _ = mha(x, x, x, causal_mask(6))
    fast, _ = mha(x, x, x, causal_mask(6), need_weights=False)
    torch.testing.assert_close(fast, out, atol=1e-5, rtol=1e-5)


def _uncached_greedy(model: TransformerSeq2Seq, text: str) -> list[int]:
    """Re-run the whole decoder over the prefix at every step (no cache at all)."""
    source = model.prepare([text])
    with torch.inference_mode():
        memory, _ = model.encoder(source.ids)
        prefix = [model.bos_id]
        for _ in range(model.max_target_len):
            out = model.decoder_stack(torch.tensor([prefix]), memory)
            prefix.append(int(out.logits[0, -1].argmax()))
            if prefix[-1] == model.eos_id:
                break
    return prefix[1:]


@pytest.mark.parametrize("pre_ln", [True, False])
def test_cached_greedy_equals_uncached_and_the_step_decoder(pre_ln):
    model = _model(1, pre_ln)
    texts = ["hello2024", "z", "abcdefghijkl", "q7b3zk1a", "0a0a0a0a0a0a0a0a0a0a"]
    source = model.prepare(texts)
    with torch.inference_mode():
        enc = model.encode(source.ids, source.valid_lens)
        kept = incremental.greedy_ids(
            model.decoder_stack, enc.memory, enc.mask, model.bos_id, model.eos_id, 25, keep=True
        )
        slow = greedy(model.decoder, enc, model.bos_id, model.eos_id, 25)
    fast = kept.ids
    assert torch.equal(fast, slow.ids)  # the batch, padded, the same ids step by step
    # The folded cross-attention computes the same weights as the step decoder's.
    torch.testing.assert_close(kept.cross_weights, slow.weights, atol=1e-5, rtol=1e-4)
    for b, text in enumerate(texts):
        row = fast[b].tolist()
        n = row.index(model.eos_id) + 1 if model.eos_id in row else len(row)
        assert row[:n] == _uncached_greedy(model, text)


def test_cached_greedy_honours_ablation():
    model = _model(2)
    every = frozenset(("cross", layer, head) for layer in range(2) for head in range(4))
    view = model.with_ablation(every)
    source = model.prepare(["hello2024", "abc"])
    with torch.inference_mode():
        enc = view.encode(source.ids, source.valid_lens)
        fast = incremental.greedy_ids(
            model.decoder_stack, enc.memory, enc.mask, model.bos_id, model.eos_id, 25, every
        ).ids
        slow = greedy(view.decoder, enc, model.bos_id, model.eos_id, 25)
    assert torch.equal(fast, slow.ids)


def test_predictions_equal_the_shared_decoding_and_detail_adds_the_self_maps():
    model = _model(3)
    texts = ["hello2024", "z9", "abcdefghijkl"]
    new = model.predict_batch(texts, detail=True)
    old = Seq2Seq.predict_batch(model, texts, detail=True)  # step by step, weights per step
    assert model.generate(texts) == [p.text for p in new] == [p.text for p in old]
    for a, b in zip(new, old, strict=True):
        assert a.maps.keys() == b.maps.keys() == {"cross", "encoder-self", "decoder-self"}
        for key in a.maps:
            np.testing.assert_allclose(a.maps[key].weights, b.maps[key].weights, atol=1e-5)
        assert a.log_prob == pytest.approx(b.log_prob, abs=1e-4)
        assert a.predicted == b.predicted
    lean = model.predict("hello2024", detail=False)
    assert lean.text == new[0].text and set(lean.maps) == {"cross"} and lean.top == []
    np.testing.assert_allclose(lean.attention, new[0].attention, atol=1e-5)
    assert lean.log_prob == pytest.approx(new[0].log_prob, abs=1e-4)
