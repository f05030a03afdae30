"""The quiz on each family page under Streamlit's AppTest: a right and a wrong answer score
correctly, the same seed gives the same questions, bad URL values warn and fall back."""

from __future__ import annotations

import pytest
from apptest_helpers import assert_clean, run_page, shown
from streamlit.testing.v1 import AppTest

from attention_viz.quiz import make_round

PAGES = {
    "dates": "attention_viz/families/dates/page.py",
    "translation": "attention_viz/families/translation/page.py",
    "transformer": "attention_viz/families/transformer/page.py",
    "captioning": "attention_viz/families/captioning/page.py",
}


def quiz(task: str, **query: str) -> AppTest:
    return run_page(PAGES[task], quiz="true", **query)


def prompt(at: AppTest) -> str:
    """The question as the student reads it (output, step, input)."""
    lines = [shown(m.value) for m in at.markdown] + [shown(c.value) for c in at.caption]
    return "\n".join(x for x in lines if "step" in x or x.startswith("Input") or "####" in x)


@pytest.mark.parametrize("task", list(PAGES))
def test_a_right_then_a_wrong_answer_score_one_of_two(task):
    at = quiz(task, quiz_seed="4", quiz_n="2")
    assert_clean(at)
    questions = make_round(task, 4, 2)
    first, second = questions
    assert f"writes **{first.shown}**" in shown(" ".join(m.value for m in at.markdown))
    assert not at.get("plotly_chart") or first.image is not None  # the heatmap is hidden
    (pills,) = at.pills
    assert len(pills.options) == len(first.keys)

    pills.set_value(first.answer).run()
    assert_clean(at)
    (ok,) = at.success
    assert ok.value.startswith("Right") and f"{first.weights.max():.2f}" in ok.value
    assert at.get("plotly_chart")  # revealed: the step's weights and the heatmap (or overlay)
    assert any(first.phenomenon in shown(m.value) for m in at.markdown)

    at.button(key="quiz_next").click().run()
    wrong = (second.answer + 1) % len(second.keys)
    at.pills[0].set_value(wrong).run()
    (err,) = at.error
    assert err.value.startswith("Not this time")
    assert f"weight {second.weights[wrong]:.2f}" in err.value
    assert f"weight {second.weights.max():.2f}" in err.value

    at.button(key="quiz_next").click().run()
    assert_clean(at)
    (total,) = at.metric
    assert total.value == "1 / 2"
    missed = next(shown(m.value) for m in at.markdown if m.value.startswith("Phenomena missed"))
    assert f"{second.phenomenon} (1)" in missed


def test_the_same_seed_gives_the_same_questions():
    a, b = quiz("dates", quiz_seed="9", quiz_n="3"), quiz("dates", quiz_seed="9", quiz_n="3")
    assert prompt(a) == prompt(b) and prompt(a)
    assert a.pills[0].options == b.pills[0].options
    c = quiz("dates", quiz_seed="10", quiz_n="3")
    assert prompt(c) != prompt(a)


def test_new_round_moves_the_seed_and_the_url():
    at = quiz("translation", quiz_seed="3", quiz_n="2")
    next(b for b in at.button if b.label == "New round").click().run()
    assert_clean(at)
    assert at.number_input(key="quiz_seed").value == 4
    assert at.query_params["quiz_seed"] in ("4", ["4"])


@pytest.mark.parametrize(
    ("query", "param"),
    [({"quiz_seed": "banana"}, "quiz_seed"), ({"quiz_n": "500"}, "quiz_n")],
)
def test_bad_quiz_url_values_warn_and_fall_back(query, param):
    at = quiz("dates", **query)
    assert not at.exception
    assert any(param in shown(w.value) for w in at.warning)
    assert any("Seed 0, 8 questions" in c.value for c in at.caption)  # the defaults
    assert at.pills  # the quiz still runs


def test_the_quiz_is_off_by_default_and_the_page_is_unchanged():
    at = run_page(PAGES["dates"])
    assert_clean(at)
    assert at.toggle(key="quiz").value is False
    assert not at.pills and at.get("plotly_chart")
