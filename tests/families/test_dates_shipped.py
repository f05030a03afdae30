"""The shipped date weights: every model loads and meets its accuracy on fresh test dates."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from attention_viz import load_model
from attention_viz.checkpoint import WeightsError, load_checkpoint
from attention_viz.families.dates import data, vocab
from attention_viz.families.dates.evaluate import attention_in_span
from attention_viz.registry import list_models, rebuild_command, weights_stem

FRESH_SEED = data.TEST_SEED + 1  # neither training nor the JSON metrics used this seed
N_FRESH = 10_000
# Floors for the models without attention, set below their measured test accuracy.
FLOORS = {
    "date-attention": 0.999,
    "date-additive": 0.999,
    "date-peeky": 0.97,
    "date-baseline": 0.95,
}
MAX_WEIGHTS_BYTES = 400_000


# Small models run faster on one thread than on two here (see conftest).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def fresh():
    return data.generate(N_FRESH, "test", FRESH_SEED)


def test_the_date_family_is_registered():
    assert set(list_models("dates")) == set(FLOORS)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_shipped_model_meets_its_accuracy(name, fresh):
    model = load_model(name)
    preds = model.predict_batch([e.text for e in fresh])
    right = np.mean([p.text == e.target for p, e in zip(preds, fresh, strict=True)])
    assert right >= FLOORS[name], f"{name}: {right:.4%} exact match"
    path = weights_stem(name).with_suffix(".safetensors")
    assert path.stat().st_size <= MAX_WEIGHTS_BYTES
    if model.has_attention:
        in_span, _ = attention_in_span(fresh, [p.attention for p in preds])
        # The target: 95% of year/month/day characters (pretrained/README.md, dates).
        assert in_span >= 0.95, f"{name}: argmax in gold span for {in_span:.2%}"


def test_json_holds_config_vocab_metrics_curves_and_epoch_maps():
    record = json.loads(weights_stem("date-attention").with_suffix(".json").read_text())
    assert record["config"]["decoder"] == "attention"
    assert record["vocab"]["source"] == list(vocab.SOURCE_VOCAB)
    assert record["metrics"]["exact_match"] >= 0.999
    assert record["metrics"]["seconds_to_99pct_val"] is not None
    history = record["history"]
    assert [r["epoch"] for r in history] == list(range(1, len(history) + 1))
    snaps = record["snapshot_inputs"]
    for r in history:
        assert len(r["attention"]) == len(snaps)
        for weights, snap in zip(r["attention"], snaps, strict=True):
            assert np.asarray(weights).shape == (10, len(snap["text"]))


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("september 27, 1994", "1994-09-27"),
        ("August 19, 2003", "2003-08-19"),
        ("2/10/93", "1993-02-10"),
        ("10/31/90", "1990-10-31"),
        ("TUESDAY, SEPTEMBER 25, 1984", "1984-09-25"),
        ("JUN 17, 2013", "2013-06-17"),
        ("april 3, 1996", "1996-04-03"),
        ("October 24, 1974", "1974-10-24"),
        ("March 29, 1993", "1993-03-29"),
        ("thursday, november 22, 1990", "1990-11-22"),
        ("25 sept 1984", "1984-09-25"),
        ("the 3rd of May, 1999", "1999-05-03"),
        ("11-6-1987", "1987-11-06"),  # month-day-year with dashes, no zero padding
        ("3-14-2015", "2015-03-14"),
    ],
)
def test_book_style_dates(text, iso):
    """Dates written like the book's dataset/date.txt (typed here, not read from the file)."""
    assert load_model("date-attention").predict(text).text == iso


def test_corrupt_or_missing_weights_name_the_file_and_the_command(tmp_path):
    stem = weights_stem("date-attention")
    copy = tmp_path / "date-attention"
    for suffix in (".safetensors", ".json"):
        shutil.copy(stem.with_suffix(suffix), copy.with_suffix(suffix))
    blob = bytearray(copy.with_suffix(".safetensors").read_bytes())
    blob[-10] ^= 0xFF
    copy.with_suffix(".safetensors").write_bytes(bytes(blob))
    command = rebuild_command("date-attention")
    with pytest.raises(WeightsError, match=r"corrupt.*attention_viz train date-attention"):
        load_checkpoint(copy, command)
    copy.with_suffix(".json").unlink()
    with pytest.raises(WeightsError, match="missing"):
        load_checkpoint(copy, command)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_the_new_m_d_yyyy_format_is_learnt(name):
    """Retrained for "m-d-yyyy" (11-6-1987): its fresh test dates meet the model's floor."""
    examples = data.generate(1_000, "test", FRESH_SEED, formats=("m-d-yyyy",))
    preds = load_model(name).predict_batch([e.text for e in examples])
    right = np.mean([p.text == e.target for p, e in zip(preds, examples, strict=True)])
    assert right >= FLOORS[name], f"{name}: {right:.2%} on m-d-yyyy"


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_the_confidence_threshold_was_chosen_from_the_test_dates(name):
    """metrics["confidence"]: a low quantile of right answers' confidence; the record says how."""
    conf = load_model(name).training_record["metrics"]["confidence"]
    assert 0.0 < conf["threshold"] < 1.0
    assert conf["correct_below"] <= conf["quantile"] + 0.001
    assert "quantile" in conf["how"]
    assert conf["probe_below"] >= 0.5  # most inputs that are no date fall below it
