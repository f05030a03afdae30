"""Translation models: attention invariants, decoding, input checks, a tiny model that learns."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from attention_viz.families.translation.corpus import sample_pairs
from attention_viz.families.translation.grammar import UnknownWordsError
from attention_viz.decoding import beam_search, greedy
from attention_viz.families.translation.train import TrainConfig, batch_tensors, fit, new_model

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
    src, lens, tin, _ = batch_tensors(pairs, model.source_vocab, model.target_vocab)
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
        assert len(p.extra["top"]) == len(p.target_tokens)


def test_beam_of_one_is_greedy():
    model = small_model("additive", seed=3)
    with torch.inference_mode():
        _, memory, final, mask = model._encode_texts(["the cat sleeps in the garden"])
        args = (memory, mask, 1, 2, 12)
        g = greedy(model.decoder, model.decoder.init_state(final, memory), *args)[0]
        b = beam_search(model.decoder, model.decoder.init_state(final, memory), *args, beam=1)
    assert g.ids == b.ids
    torch.testing.assert_close(g.attention, b.attention)


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
    assert len(p.extra["predicted"]) == 3


def test_tiny_model_learns_a_tiny_corpus():
    torch.manual_seed(0)
    model = new_model("additive", **SMALL)
    corpus = sample_pairs(24, 5, "train")
    cfg = TrainConfig(epochs=60, batch_size=24, lr=1e-2, lr_decay=1.0)
    curves = fit(model, corpus, [], cfg, log=lambda _: None)
    assert curves["train_loss"][-1] < 0.2 * curves["train_loss"][0]
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
        _, memory, final, mask = model._encode_texts(["the cat sleeps", "my dog eats the cake"])
        state = dec.init_state(final, memory)
        y = torch.tensor([1, 1])
        _, _, weights = dec.step(y, state, memory, mask)
        _, expected = dec.attention(state[0].unsqueeze(1), memory, memory, mask.unsqueeze(1))
    torch.testing.assert_close(weights, expected.squeeze(1))
