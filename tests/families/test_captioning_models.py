"""The captioners' shapes, attention invariants, the shared searches, and a tiny model learning."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from attention_viz.families.captioning import captions, scenes
from attention_viz.families.captioning.decoders import doubly_stochastic, loss_terms
from attention_viz.families.captioning.model import CaptionConfig, Captioner
from attention_viz.families.captioning.train import TrainConfig, tensors, train_model

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def models():
    torch.manual_seed(0)
    return {a: Captioner(CaptionConfig(attention=a)).eval() for a in (True, False)}


@pytest.fixture(scope="module")
def images():
    return [scenes.render(scenes.random_scene(seed))[0] for seed in range(4)]


def test_attention_prediction_shapes_and_weights_sum_to_one(models, images):
    model = models[True]
    for p in [model.predict(images[0]), model.predict(Image.fromarray(images[1]), beam=3)]:
        T = len(p.target_tokens)
        assert p.attention.shape == (T, 8, 8)
        cross = p.maps["cross"]
        assert cross.shape == (T, 64) and cross.keys.kind == "regions" and cross.keys.grid == (8, 8)
        assert cross.queries.labels == tuple(p.target_tokens)
        assert p.source_tokens == list(cross.keys.labels) and p.source_tokens[9] == "(1,1)"
        assert np.allclose(p.attention.sum(axis=(1, 2)), 1.0, atol=1e-5)
        assert (p.attention >= 0).all()
        assert np.array_equal(p.attention.reshape(T, 64), cross.weights)
        assert p.text == " ".join(p.target_tokens) and "grammatical" in p.checks


def test_baseline_has_no_attention_and_batches_match_singles(models, images):
    base = models[False]
    p = base.predict(images[0])
    assert p.attention is None and p.maps == {}
    assert base.predict(images[0], beam=3).attention is None  # beam search shares one image
    for model in models.values():
        batch = model.predict_batch(images)
        for image, q in zip(images, batch, strict=True):
            one = model.predict(image)
            assert one.target_tokens == q.target_tokens
            if one.attention is not None:
                assert np.allclose(one.attention, q.attention, atol=1e-5)


def test_step_weights_equal_an_independent_additive_attention(models, images):
    """softmax_i v^T tanh(W_q h + W_k a_i), computed here by hand, is what step() returns."""
    model = models[True]
    source = model.prepare(images[:2])
    dec = model.decoder
    with torch.inference_mode():
        enc = model.encode(source.ids, source.valid_lens)
        state = dec.init_state(enc)
        y = torch.full((2,), captions.BOS)
        out = dec.step(y, state, enc)
        a = enc.memory  # (2, 64, D)
        h = state[0]  # (2, H)
        s = dec.score
        e = torch.stack(
            [
                torch.stack(
                    [
                        s.v.weight[0] @ torch.tanh(s.W_q.weight @ h[b] + s.W_k.weight @ a[b, i])
                        for i in range(64)
                    ]
                )
                for b in range(2)
            ]
        )  # (2, 64)
    assert torch.allclose(out.weights, torch.softmax(e, -1), atol=1e-5)


def test_the_lstm_remembers_where_it_looked_never_what_it_saw(models, images):
    """reads="where": changing the regions' values (keeping where the model looks) changes
    the word's logits but not the LSTM's state, and the start state ignores the image."""
    model = models[True]
    assert model.config.reads == "where"
    source = model.prepare(images[:2])
    dec = model.decoder
    with torch.inference_mode():
        enc = model.encode(source.ids, source.valid_lens)
        state = dec.init_state(enc)
        other = enc._replace(memory=torch.randn_like(enc.memory))  # same keys: same alpha
        assert torch.equal(state[0][0], state[0][1]) and torch.equal(state[1][0], state[1][1])
        y = torch.full((2,), captions.VOCAB.index("a"))
        out, out_other = dec.step(y, state, enc), dec.step(y, state, other)
    assert torch.equal(out.weights, out_other.weights)
    for mine, theirs in zip(out.state, out_other.state, strict=True):
        assert torch.allclose(mine, theirs, atol=1e-6)
    assert not torch.allclose(out.logits, out_other.logits)


def test_refusals_name_the_limit(models):
    with pytest.raises(ValueError, match="shape"):
        models[True].predict(np.zeros((64, 64, 2)))
    with pytest.raises(ValueError, match="beam width"):
        models[True].predict(np.zeros((64, 64, 3), dtype=np.uint8), beam=99)
    with pytest.raises(ValueError, match="not a caption"):
        models[True].teacher_forced(np.zeros((64, 64, 3), dtype=np.uint8), "a pink circle")


def test_doubly_stochastic_regulariser_by_hand():
    w = torch.tensor([[[0.5, 0.5, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]])  # (1, T=3, L=3)
    steps = torch.tensor([[True, True, False]])  # the third step is padding
    # region totals over real steps: 0.5, 1.5, 0 -> (0.5)^2 + (-0.5)^2 + 1^2 = 1.5
    assert doubly_stochastic(w, steps).item() == pytest.approx(1.5)
    logits = torch.zeros(1, 3, 5)
    targets = torch.tensor([[3, 4, 0]])
    ce, reg = loss_terms(logits, targets, w, 0.1)
    assert ce.item() == pytest.approx(np.log(5)) and reg.item() == pytest.approx(0.15)


def test_a_tiny_model_learns_a_tiny_set():
    """24 one- and two-shape scenes, a model a quarter the size: it learns their captions."""
    config = CaptionConfig(channels=(8, 16, 32), feature_size=32, hidden_size=64, score_hidden=32)
    train = TrainConfig(
        scenes=24, batch_size=24, learning_rate=1e-2, max_steps=150, eval_every=150, val_scenes=4
    )
    model, history, _ = train_model(config, train, seed=0, log=lambda _: None)
    images, ids = tensors(scenes.generate(24, "train", scenes.TRAIN_SEED))
    preds = model.predict_batch(list(images.numpy()))
    right = [
        captions.encode(p.target_tokens) == [i for i in row.tolist()[1:] if i > captions.EOS]
        for p, row in zip(preds, ids, strict=True)
    ]
    assert history[-1]["loss"] < history[0]["loss"] or len(history) == 1
    assert np.mean(right) >= 0.75, f"{np.mean(right):.0%} of the training captions"
