"""The contract every registered model keeps, whatever its family (attention_viz.seq2seq,
attention_viz.prediction, attention_viz.training's metadata schema)."""

from __future__ import annotations

import numpy as np
import pytest

from attention_viz import Prediction, list_models, load_model
from attention_viz.attention import SCORES
from attention_viz.families import families, family_of
from attention_viz.family import resolve
from attention_viz.seq2seq import Seq2Seq

pytestmark = pytest.mark.usefixtures("one_torch_thread")

NAMES = list_models()


def example(name: str):
    """A family's first example input, as predict() takes it."""
    fam = family_of(name)
    text = fam.example_of(name)
    return resolve(fam.read_input)(text) if fam.read_input else text


def test_every_family_record_is_complete():
    keys = [f.key for f in families()]
    assert len(keys) == len(set(keys)), "family keys are URL paths: unique"
    for f in families():
        assert f.page is None or f.page_path().is_file(), f.page
        for target in (f.build, f.train, f.evaluate, f.bench, f.read_input, f.describe):
            if target:
                assert callable(resolve(target)), target
        if f.models:
            assert f.build and f.train and f.evaluate and f.examples, f.key
        colours = [m.colour for m in f.models]
        assert len(colours) == len(set(colours)), f"{f.key}: one colour per model"
        for m in f.models:
            assert m.score is None or m.score in SCORES, m.score


@pytest.mark.parametrize("name", NAMES)
def test_prediction_maps_say_what_their_axes_are_and_rows_sum_to_one(name):
    p = load_model(name).predict(example(name))
    assert isinstance(p, Prediction) and isinstance(p.text, str)
    if p.attention is not None:
        flat = np.asarray(p.attention).reshape(len(p.target_tokens), -1)
        np.testing.assert_allclose(flat.sum(-1), 1.0, atol=1e-4)
    for role, m in p.maps.items():
        assert m.weights.shape[-2:] == (len(m.queries), len(m.keys)), role
        sums = m.weights.sum(-1)
        assert np.all((np.abs(sums - 1) < 1e-4) | (sums == 0)), role


@pytest.mark.parametrize("name", NAMES)
def test_predict_batch_agrees_with_predict(name):
    m = load_model(name)
    x = example(name)
    one = m.predict(x)
    batch = m.predict_batch([x, x])
    assert [b.text for b in batch] == [one.text, one.text]


@pytest.mark.parametrize("name", NAMES)
def test_free_running_equals_teacher_forcing_on_its_own_output(name):
    m = load_model(name)
    if not isinstance(m, Seq2Seq):
        pytest.skip(f"{name} is not a seq2seq model: nothing is fed back")
    x = example(name)
    free = m.predict(x)
    forced = m.teacher_forced(x, free.target_tokens)
    assert forced.forced and forced.target_tokens == free.target_tokens
    assert forced.predicted == free.target_tokens
    assert forced.log_prob == pytest.approx(free.log_prob, abs=1e-4)
    if free.attention is not None:
        np.testing.assert_allclose(forced.attention, free.attention, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_checkpoint_metadata_follows_the_one_schema(name):
    record = load_model(name).training_record
    assert record["name"] == name
    assert {"training", "history", "metrics"} <= set(record)
    training = {"epochs", "batch_size", "learning_rate", "grad_clip", "seed", "seconds", "threads"}
    assert training <= set(record["training"])
    assert all("val_accuracy" in r or "val_error" in r for r in record["history"])
