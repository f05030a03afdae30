"""The shipped transformer weights meet their targets on freshly generated data.

The seeds here are used by no training run (training draws from tasks.TRAIN_SEED_BASE up and
validates on tasks.VAL_SEED); sizes keep the whole module to a few seconds.
"""

from __future__ import annotations

import numpy as np
import pytest

from attention_viz.families.transformer import evaluate, tasks
from attention_viz.registry import load_model

pytestmark = pytest.mark.usefixtures("one_torch_thread")
SEED = tasks.TEST_SEED + 1


def test_reverse_is_exact_on_trained_lengths():
    model = load_model("transformer-reverse")
    texts = model.task.generate(600, SEED)
    assert evaluate.exact_match(model, texts) >= 0.995
    # Each output character's strongest cross-attention (the last layer's mean over heads)
    # mostly sits on the character it writes: the anti-diagonal. The shipped model scores
    # 0.94-0.95 (pretrained/README.md); chance is about 1 in 6.
    assert evaluate.copy_attention(model, texts[:200]) >= 0.92


def test_sort_is_exact_on_trained_lengths():
    model = load_model("transformer-sort")
    assert evaluate.exact_match(model, model.task.generate(600, SEED)) >= 0.99


def test_induction_model_has_previous_token_and_induction_heads():
    model = load_model("transformer-induction")
    texts = model.task.generate(300, SEED)
    assert evaluate.induction_accuracy(model, texts) >= 0.95
    heads = evaluate.induction_heads(model, texts[:100])
    assert heads["best_induction_score"] >= 0.8
    assert heads["best_previous_token_score_layer1"] >= 0.5


def test_dates_transformer_matches_the_date_models_conventions_and_targets():
    from attention_viz.families.dates import data
    from attention_viz.families.dates.evaluate import attention_in_span

    model = load_model("transformer-dates")
    p = model.predict("  Tuesday, September 25, 1984 ")
    assert p.text == "1984-09-25"
    assert p.source_tokens == list("Tuesday, September 25, 1984")
    assert len(p.target_tokens) == 10 and p.attention.shape == (10, len(p.source_tokens))
    examples = data.generate(2_000, "test", data.TEST_SEED + 1)
    preds = model.predict_batch([e.text for e in examples])
    right = np.mean([q.text == e.target for q, e in zip(preds, examples, strict=True)])
    assert right >= 0.999
    in_span, by_field = attention_in_span(examples, [q.attention for q in preds])
    assert in_span >= 0.95
    assert by_field["year"] >= 0.95 and by_field["day"] >= 0.95, by_field


def test_dates_transformer_month_characters_peak_in_the_month_field_but_its_padding_zero():
    """Per field, month is the weak one (94.4% of month characters on 10,000 test dates; the
    issue's figure, over all year/month/day characters, is asserted above). Every month
    character that an input character carries peaks in the month field; the zero that pads
    a one-digit month ('3/5/1987' -> '03') has no input character of its own and peaks on
    the character after the digit, the one that says the month has one digit (every layer
    and variant tried: pretrained/README.md)."""
    from attention_viz.families.dates import data

    model = load_model("transformer-dates")
    examples = data.generate(2_000, "test", data.TEST_SEED + 1)
    preds = model.predict_batch([e.text for e in examples])
    carried, padding_after = [], []
    for e, q in zip(examples, preds, strict=True):
        start, end = e.spans["month"]
        peaks = q.attention.argmax(axis=1)  # (10,): output row -> input column
        padded = end - start == 1 and e.text[start].isdigit()  # '3' -> '03'
        for row in (5, 6):  # "YYYY-MM-DD": the month's characters
            if padded and row == 5:
                padding_after.append(peaks[row] == end)
            else:
                carried.append(start <= peaks[row] < end)
    assert np.mean(carried) >= 0.99, np.mean(carried)
    assert len(padding_after) > 50 and np.mean(padding_after) >= 0.9, np.mean(padding_after)


def test_dates_transformer_reads_month_day_year_with_dashes():
    from attention_viz.families.dates import data

    model = load_model("transformer-dates")
    examples = data.generate(1_000, "test", data.TEST_SEED + 2, formats=("m-d-yyyy",))
    outputs = model.generate([e.text for e in examples])
    right = np.mean([o == e.target for o, e in zip(outputs, examples, strict=True)])
    assert right >= 0.999
    assert model.predict("11-6-1987").text == "1987-11-06"
