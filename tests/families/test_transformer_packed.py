"""The packed weights (packed.py) give the modules' numbers: the encoder pass, every weight the
greedy loop keeps, head ablation in every stack, post-LN blocks; and they follow the weights."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from attention_viz.decoding import greedy
from attention_viz.families.transformer import encoding, incremental
from attention_viz.families.transformer.model import TransformerConfig, TransformerSeq2Seq
from attention_viz.seq2seq import Seq2Seq

pytestmark = pytest.mark.usefixtures("one_torch_thread")
TEXTS = ["hello2024", "z", "abcdefghijkl", "q7b3zk1a", "0a0a0a0a0a0a0a0a0a0a"]
ABLATE = frozenset(
    {("encoder-self", 1, 0), ("decoder-self", 0, 1), ("decoder-self", 1, 3), ("cross", 0, 2)}
    | {("cross", 1, 0), ("cross", 1, 3)}
)


def _model(seed: int, pre_ln: bool = True, **changes) -> TransformerSeq2Seq:
    torch.manual_seed(seed)
    config = {"d_model": 32, "num_heads": 4, "encoder_layers": 2, "decoder_layers": 2}
    config |= {"d_ff": 64, "pre_ln": pre_ln, **changes}
    return TransformerSeq2Seq(TransformerConfig("reverse", **config)).eval()


def _source(model: TransformerSeq2Seq, texts: list[str]):
    source = model.prepare(texts)
    T = source.ids.shape[1]
    mask = torch.arange(T)[None, :] < source.valid_lens[:, None]  # (B, T_k)
    return source.ids, mask


@pytest.mark.parametrize("pre_ln", [True, False])
@pytest.mark.parametrize("ablate", [frozenset(), ABLATE])
def test_encoder_pass_equals_the_encoder_modules(pre_ln, ablate):
    model = _model(0, pre_ln)
    ids, mask = _source(model, TEXTS)
    with torch.inference_mode():
        for need_weights in (True, False):
            memory, weights = encoding.encode(model.encoder, ids, mask, ablate, need_weights)
            ref, ref_weights = model.encoder(ids, mask, ablate, need_weights)
            torch.testing.assert_close(memory, ref, atol=1e-5, rtol=1e-5)
            if need_weights:
                torch.testing.assert_close(weights, ref_weights, atol=1e-6, rtol=1e-5)
            else:
                assert weights is None and ref_weights is None
        one, _ = encoding.encode(model.encoder, ids[:1, :9], None, ablate)  # nothing padded
        torch.testing.assert_close(
            one, model.encoder(ids[:1, :9], None, ablate)[0], atol=1e-5, rtol=1e-5
        )


@pytest.mark.parametrize("pre_ln", [True, False])
@pytest.mark.parametrize("ablate", [frozenset(), ABLATE])
def test_greedy_keeps_the_teacher_forced_logits_and_weights(pre_ln, ablate):
    """Every step's logits, cross and self weights are those of one teacher-forced pass of
    the modules over the greedy output (a causal decoder fed its own output repeats it)."""
    model = _model(1, pre_ln)
    ids, mask = _source(model, TEXTS)
    with torch.inference_mode():
        memory, _ = model.encoder(ids, mask, ablate)
        kept = incremental.greedy_ids(
            model.decoder_stack, memory, mask, model.bos_id, model.eos_id, 25, ablate,
            keep=True, keep_self=True,
        )  # fmt: skip
        fed = torch.cat([torch.full((len(TEXTS), 1), model.bos_id), kept.ids[:, :-1]], 1)
        ref = model.decoder_stack(fed, memory, mask, ablate)
    torch.testing.assert_close(kept.logits, ref.logits, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(kept.cross_weights, ref.cross_weights.permute(0, 3, 1, 2, 4))
    torch.testing.assert_close(kept.self_weights, ref.self_weights, atol=1e-5, rtol=1e-4)
    assert torch.equal(kept.ids, ref.logits.argmax(-1))


@pytest.mark.parametrize(
    "config",
    [{"d_ff": 0}, {"positions": "learned", "max_len": 32}, {"positions": "none", "pre_ln": False}],
)
def test_attention_only_blocks_and_other_positions(config):
    model = _model(7, **config)
    new = model.predict_batch(TEXTS, detail=True)
    old = Seq2Seq.predict_batch(model, TEXTS, detail=True)  # the modules, step by step
    for a, b in zip(new, old, strict=True):
        assert a.text == b.text
        for key in ("cross", "encoder-self", "decoder-self"):
            np.testing.assert_allclose(a.maps[key].weights, b.maps[key].weights, atol=1e-5)


@pytest.mark.parametrize("pre_ln", [True, False])
def test_cached_greedy_equals_the_step_decoder_under_partial_ablation(pre_ln):
    model = _model(2, pre_ln)
    view = model.with_ablation(ABLATE)
    source = model.prepare(TEXTS)
    with torch.inference_mode():
        enc = view.encode(source.ids, source.valid_lens)
        fast = incremental.greedy_ids(
            model.decoder_stack, enc.memory, enc.mask, model.bos_id, model.eos_id, 25, ABLATE,
            keep=True,
        )  # fmt: skip
        slow = greedy(view.decoder, enc, model.bos_id, model.eos_id, 25)
    assert torch.equal(fast.ids, slow.ids)
    torch.testing.assert_close(fast.cross_weights, slow.weights, atol=1e-5, rtol=1e-4)


def test_packed_weights_follow_in_place_changes_and_loaded_weights():
    model, other = _model(3), _model(4)
    texts = TEXTS[:3]

    def modules_greedy(m: TransformerSeq2Seq) -> list[list[int]]:
        source = m.prepare(texts)
        with torch.inference_mode():
            enc = m.encode(source.ids, source.valid_lens)
            return greedy(m.decoder, enc, m.bos_id, m.eos_id, m.max_target_len).ids.tolist()

    def fast_greedy(m: TransformerSeq2Seq) -> list[list[int]]:
        source = m.prepare(texts)
        with torch.inference_mode():
            memory, mask, _ = m._memory(source, need_weights=False)
            return m._greedy(memory, mask).ids.tolist()

    assert fast_greedy(model) == modules_greedy(model)
    with torch.no_grad():  # an optimizer step changes the weights in place
        for p in model.decoder_stack.parameters():
            p.mul_(1.5)
        for p in model.encoder.parameters():
            p.add_(0.1)
    assert fast_greedy(model) == modules_greedy(model)
    model.load_state_dict(other.state_dict())
    assert fast_greedy(model) == modules_greedy(other)
    model.double()  # moved: rebuilt in the new dtype
    source = model.prepare(texts)
    with torch.inference_mode():
        memory, mask, _ = model._memory(source, need_weights=False)
        assert memory.dtype == torch.float64
        assert model._greedy(memory, mask).ids.tolist() == modules_greedy(other)


def test_a_float64_model_decodes_in_float64_with_ablation():
    model = _model(5).double()
    view = model.with_ablation(ABLATE)
    source = model.prepare(TEXTS)
    with torch.inference_mode():
        memory, mask, _ = view._memory(source, need_weights=False)
        fast = view._greedy(memory, mask, keep=True)
        enc = view.encode(source.ids, source.valid_lens)
        slow = greedy(view.decoder, enc, model.bos_id, model.eos_id, model.max_target_len)
    assert memory.dtype == fast.logits.dtype == torch.float64
    assert torch.equal(fast.ids, slow.ids)
    torch.testing.assert_close(fast.cross_weights, slow.weights)


def test_concurrent_sessions_share_one_model():
    """Threads (Streamlit sessions) decoding with one model, its weights packed by whichever
    gets there first, all get the results of a lone caller."""
    from concurrent.futures import ThreadPoolExecutor

    shared, alone = _model(6), _model(6)
    expected = [(p.text, p.attention) for p in alone.predict_batch(TEXTS, detail=True)]

    def session(i: int):
        text = TEXTS[i % len(TEXTS)]
        p = shared.predict(text, detail=i % 2 == 0)
        return i, p.text, p.attention

    with ThreadPoolExecutor(4) as pool:
        for i, text, attention in pool.map(session, range(40)):
            assert text == expected[i % len(TEXTS)][0]
            torch.testing.assert_close(
                torch.from_numpy(attention), torch.from_numpy(expected[i % len(TEXTS)][1])
            )
