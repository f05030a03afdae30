"""The quiz core: rounds are deterministic, right answers are the model's argmax, scoring,
diffuse steps left out, and phenomenon labels checked on hand-made examples."""

from __future__ import annotations

import random

import numpy as np
import pytest

from attention_viz import load_model
from attention_viz.families.dates import data
from attention_viz.families.translation.grammar import reference_translate
from attention_viz.quiz import Question, make_round, rounds, score, summarize
from attention_viz.quiz import phenomena as ph
from attention_viz.quiz import questions as qmod

pytestmark = pytest.mark.usefixtures("one_torch_thread")
N = 6


@pytest.fixture(scope="module", params=rounds.TASKS)
def task_round(request):
    return request.param, make_round(request.param, 11, N)


def test_same_seed_gives_the_same_questions(task_round):
    task, questions = task_round
    assert len(questions) == N
    again = make_round(task, 11, N)
    assert [q.signature() for q in again] == [q.signature() for q in questions]


def test_another_seed_gives_other_questions(task_round):
    task, questions = task_round
    other = make_round(task, 12, N)
    assert {q.source for q in other} != {q.source for q in questions}


def test_right_answer_is_the_argmax_of_the_model_recomputed(task_round):
    task, questions = task_round
    assert len({q.source for q in questions}) == N  # one question per input
    for q in questions:
        model = load_model(q.model)
        p = model.predict(q.image if q.image is not None else q.source)
        assert p.target_tokens[q.step] == q.shown
        row = p.attention[q.step]  # (T_k,) or (G, G) for an image
        if q.image is not None:
            G = row.shape[0]
            k = G // q.grid[0]
            row = np.array(
                [
                    row[r * k : (r + 1) * k, c * k : (c + 1) * k].sum()
                    for r in range(q.grid[0])
                    for c in range(q.grid[1])
                ]
            )
        np.testing.assert_allclose(q.weights, row, atol=1e-5)
        assert q.answer == int(np.argmax(row))
        assert row.max() >= qmod.MIN_PEAK["cells" if q.image is not None else "tokens"]
        assert q.phenomenon in ph.ORDER[task]
        assert len(q.keys) == len(row)


def test_a_round_mixes_phenomena(task_round):
    task, questions = task_round
    kinds = {q.phenomenon for q in questions}
    assert len(kinds) >= 2
    if task == "transformer":
        assert {q.model for q in questions} == set(rounds.MODELS["transformer"])


def test_scoring_a_right_and_a_wrong_pick():
    q = _question([0.1, 0.7, 0.2], gold=(1, 2))
    right = score(q, 1)
    assert right.right and right.picked_weight == pytest.approx(0.7)
    assert right.right_weight == pytest.approx(0.7) and right.in_gold
    wrong = score(q, 2)
    assert not wrong.right and wrong.in_gold
    assert wrong.picked_weight == pytest.approx(0.2) and wrong.right_weight == pytest.approx(0.7)
    assert not score(q, 0).in_gold
    with pytest.raises(ValueError, match="outside"):
        score(q, 3)


def test_summary_counts_the_missed_phenomena():
    qs = [
        _question([0.9, 0.1], phenomenon="day"),
        _question([0.9, 0.1], phenomenon="day"),
        _question([0.2, 0.8], phenomenon="year digit"),
    ]
    total = summarize(qs, {0: 0, 1: 1, 2: 0})
    assert (total.right, total.answered, total.total) == (1, 3, 3)
    assert total.missed == {"day": 1, "year digit": 1}
    assert total.asked == {"day": 2, "year digit": 1}
    assert summarize(qs, {}).answered == 0


def test_diffuse_steps_are_never_asked(monkeypatch):
    attention = np.array([[0.4, 0.35, 0.25], [0.05, 0.9, 0.05], [0.5, 0.3, 0.2]])
    made = rounds._token_questions(
        "dates", "m", "abc", list("abc"), list("xyz"), attention, lambda t: "day", lambda t: ()
    )
    assert [q.step for q in made] == [1, 2]  # row 0 peaks at 0.4 < 0.5
    assert qmod.is_diffuse(np.full(16, 1 / 16), "cells")
    monkeypatch.setitem(qmod.MIN_PEAK, "tokens", 0.97)
    strict = make_round("dates", 11, N)
    assert all(q.weights.max() >= 0.97 for q in strict)


def test_choose_round_robins_over_phenomena_one_per_input():
    pool = [_question([1.0, 0.0], phenomenon="day", source=f"d{i}") for i in range(5)]
    pool += [_question([1.0, 0.0], phenomenon="year digit", source=f"y{i}") for i in range(5)]
    pool += [_question([1.0, 0.0], phenomenon="day", source="y0")]
    chosen = qmod.choose(pool, 4, ph.DATES, random.Random(0))
    assert sorted(q.phenomenon for q in chosen) == ["day", "day", "year digit", "year digit"]
    assert len({q.source for q in chosen}) == 4


def test_round_arguments_are_checked():
    with pytest.raises(ValueError, match="unknown quiz task"):
        make_round("kernel", 0, 3)
    with pytest.raises(ValueError, match="seed"):
        make_round("dates", rounds.MAX_SEED + 1, 3)
    with pytest.raises(ValueError, match="questions"):
        make_round("dates", 0, 0)


def test_date_phenomena_on_hand_made_dates():
    named = data.parse("25 sept 1984")  # "d mon yyyy": year at 8..12, month at 3..7
    assert [ph.date_phenomenon(named, t) for t in (0, 3, 4, 5, 6, 7, 8, 9)] == [
        "year digit", "year digit", None, "month from a name", "month from a name", None,
        "day", "day",
    ]  # fmt: skip
    assert ph.date_gold(named, 5) == (3, 4, 5, 6) and ph.date_gold(named, 4) == ()
    short = data.parse("8/23/08")
    assert ph.date_phenomenon(short, 0) == "two-digit year"
    assert ph.date_phenomenon(short, 6) == "month from digits"
    assert ph.date_gold(short, 9) == (2, 3)


def test_translation_phenomena_from_the_gold_alignment():
    r = reference_translate("the black cat does not eat the apples")
    label = {w: ph.translation_phenomenon(r, j) for j, w in enumerate(r.target_tokens)}
    assert r.target_tokens[:3] == ["le", "chat", "noir"]
    assert label["chat"] == label["noir"] == "reordered adjective–noun"
    assert label["le"] == "one-to-one word"
    assert label["ne"] == label["pas"] == "multi-word alignment"
    assert ph.translation_gold(r, r.target_tokens.index("noir")) == (1,)
    r = reference_translate("we rarely play")
    assert r.target_tokens == ["nous", "jouons", "rarement"]
    assert [ph.translation_phenomenon(r, j) for j in range(3)] == [
        "one-to-one word", "reordered verb–adverb", "reordered verb–adverb",
    ]  # fmt: skip


def test_transformer_and_image_phenomena():
    assert ph.reverse_gold("abcd", 0) == (3,) and ph.reverse_gold("abcd", 3) == (0,)
    assert ph.sort_gold("b1ab", "1abb", 2) == (0, 3)  # both b's
    assert ph.caption_phenomenon("red") == "colour word"
    assert ph.caption_phenomenon("big") == "size word"
    assert ph.caption_phenomenon("triangle") == "shape word"
    assert ph.caption_phenomenon("of") is None
    assert ph.cell_labels(2) == ("A1", "A2", "B1", "B2")
    weights = np.zeros((8, 8))
    weights[5, 6], weights[0, 0] = 0.75, 0.25
    cells = ph.cell_weights(weights, 4)
    assert cells.sum() == pytest.approx(1.0) and cells[2 * 4 + 3] == 0.75 and cells[0] == 0.25
    mask = np.zeros((64, 64), dtype=bool)
    mask[10:20, 34:44] = True  # rows 10..19 cross rows A and B (16 px each); columns: cell 3
    assert ph.cell_gold(mask, 4) == (2, 6)


def _question(weights, gold=(), phenomenon="day", source="x") -> Question:
    w = np.asarray(weights, dtype=float)
    keys = tuple("abcdefgh"[: len(w)])
    return Question(
        "dates", "date-attention", source, keys, ("1",), 0, w, int(w.argmax()), phenomenon, gold
    )
