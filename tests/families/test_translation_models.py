"""Translation models: attention invariants, decoding, input checks, a tiny model that learns."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from attention_viz.decoding import beam_search, greedy
from attention_viz.families.translation.corpus import batch_tensors, sample_pairs
from attention_viz.families.translation.grammar import UnknownWordsError
from attention_viz.families.translation.train import (
    TranslationTrainConfig,
    new_model,
    train_translator,
)

SMALL = {"embed_size": 16, "encoder_hidden": 16, "decoder_hidden": 32, "attention_hidden": 16}
ATTENTIONS = ("additive", "dot", "general", "location")


# Small models run faster on one thread than on two here (see conftest).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


def small_model(attention: str, seed: int = 0):
    torch.manual_seed(seed)
    return new_model(attention, **SMALL).eval()


@pytest.mark.parametrize("attention", ATTENTIONS)
def test_attention_rows_sum_to_one_and_padding_gets_zero(attention):
    model = small_model(attention)
    pairs = sample_pairs(6, 1, "train")
    src, lens, tin, _ = batch_tensors(pairs, model.source_vocab, model.vocab)
    with torch.inference_mode():
        logits, weights = model(src, lens, tin)  # (B, T_q, V), (B, T_q, T_k)
    assert logits.shape[:2] == tin.shape and weights.shape == (*tin.shape, src.shape[1])
    torch.testing.assert_close(weights.sum(-1), torch.ones(tin.shape))
    for b, n in enumerate(lens.tolist()):
        assert bool((weights[b, :, n:] == 0).all())


@pytest.mark.parametrize("attention", ATTENTIONS)
def test_predict_returns_attention_of_every_output_word(attention):
    model = small_model(attention)
    for beam in (1, 3):
        p = model.predict("the black cat does not eat the apples", beam=beam)
        assert p.source_tokens == ["the", "black", "cat", "does", "not", "eat", "the", "apples"]
        assert p.attention.shape == (len(p.target_tokens), len(p.source_tokens))
        np.testing.assert_allclose(p.attention.sum(1), 1.0, atol=1e-5)
        assert len(p.top) == len(p.target_tokens)


def test_beam_of_one_is_greedy():
    model = small_model("additive", seed=3)
    source = model.prepare(["the cat sleeps in the garden"])
    with torch.inference_mode():
        enc = model.encode(source.ids, source.valid_lens)
        g = greedy(model.decoder, enc, model.bos_id, model.eos_id, 12)
        b = beam_search(model.decoder, enc, model.bos_id, model.eos_id, 12, beam=1)
    n = g.lengths[0]
    assert b.lengths == [n] and torch.equal(g.ids[0, :n], b.ids[0, :n])
    torch.testing.assert_close(g.weights[0, :n], b.weights[0, :n])
    assert g.log_prob[0] == pytest.approx(b.log_prob[0], abs=1e-5)


def test_batch_equals_one_by_one():
    model = small_model("dot", seed=1)
    texts = ["the cat sleeps", "my old friend often opens the white door of the house"]
    batch = model.predict_batch(texts)
    for text, p in zip(texts, batch, strict=True):
        single = model.predict(text)
        assert single.target_tokens == p.target_tokens
        np.testing.assert_allclose(single.attention, p.attention, atol=1e-5)


def test_bad_inputs_are_refused_with_a_clear_message():
    model = small_model("additive")
    with pytest.raises(ValueError, match="empty"):
        model.predict("   ")
    with pytest.raises(ValueError, match="at most 24"):
        model.predict(" ".join(["the cat"] * 13))
    with pytest.raises(UnknownWordsError, match="did you mean 'cat'"):
        model.predict("the cta sleeps")
    with pytest.raises(ValueError, match="beam width"):
        model.predict("the cat sleeps", beam=0)


def test_teacher_forcing_reads_the_reference():
    model = small_model("location")
    reference = ["le", "chat", "dort"]
    p = model.teacher_forced("the cat sleeps", reference)
    assert p.target_tokens == reference and p.attention.shape == (3, 3)
    assert p.source_tokens == ["the", "cat", "sleeps"]
    assert len(p.predicted) == 3 and p.forced


def test_tiny_model_learns_a_tiny_corpus():
    torch.manual_seed(0)
    model = new_model("additive", **SMALL)
    corpus = sample_pairs(24, 5, "train")
    cfg = TranslationTrainConfig(epochs=60, batch_size=24, learning_rate=1e-2, lr_decay=1.0)
    history = train_translator(model, corpus, [], cfg, log=lambda _: None)
    assert history[-1]["loss"] < 0.2 * history[0]["loss"]
    preds = model.predict_batch([" ".join(p.source_tokens) for p in corpus])
    exact = np.mean(
        [p.target_tokens == c.target_tokens for p, c in zip(preds, corpus, strict=True)]
    )
    assert exact >= 0.8


def test_additive_step_equals_the_shared_additive_attention():
    # The decoder projects the keys once per sentence; the weights must not change by it.
    model = small_model("additive", seed=2)
    dec = model.decoder
    with torch.inference_mode():
        source = model.prepare(["the cat sleeps", "my dog eats the cake"])
        enc = model.encode(source.ids, source.valid_lens)
        state = dec.init_state(enc)
        y = torch.tensor([1, 1])
        weights = dec.step(y, state, enc).weights
        memory, mask = enc.memory, enc.mask
        _, expected = dec.attention(state[0].unsqueeze(1), memory, memory, mask.unsqueeze(1))
    torch.testing.assert_close(weights, expected.squeeze(1))
