"""The "where will it look?" quiz on a family page (issue 11 §2).

A page adds two lines: `if quiz.toggle(): quiz.show(TASK); return`. With the toggle on
(?quiz=true), the page's own views give way to a round of questions: the heatmap is hidden,
the student clicks the input token (or image cell) they think the model attends to most
for one output step, then the step's attention is revealed with the weight they picked and
the right one. The round is deterministic from ?quiz_seed and ?quiz_n, so a whole class
that opens one URL takes the same quiz; the answers live in st.session_state.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from attention_viz.analysis.tables import matrix_csv
from attention_viz.checkpoint import WeightsError
from attention_viz.families.captioning.plots import word_view
from attention_viz.plots.bars import step_bars
from attention_viz.plots.heatmap import attention_heatmap
from attention_viz.quiz import MAX_QUESTIONS, MAX_SEED, Question, make_round, score, summarize
from attention_viz.quiz.phenomena import EXPLANATIONS
from attention_viz.quiz.plots import add_cells, cell_grid
from attention_viz.ui import url_state
from attention_viz.ui.widgets import md_escape, show_figure, show_warnings

PARAMS = [
    url_state.flag("quiz", False, bind=True),
    url_state.integer("quiz_seed", 0, MAX_SEED, 0),  # a number_input: never bound
    url_state.integer("quiz_n", 1, MAX_QUESTIONS, 8, bind=True),
]
MAP_NOTE = {"transformer": " (cross-attention of the last layer, mean of its heads)"}
STATE = "quiz_rounds"  # st.session_state[STATE][round id] = {"at": i, "picks": {i: key}}
KEY_NOUN = {
    "dates": "input character",
    "translation": "input word",
    "transformer": "input character",
}


def toggle() -> bool:
    """The page's quiz switch (bound to ?quiz); True when the quiz replaces the page."""
    show_warnings(url_state.restore(PARAMS))
    st.toggle(
        "Quiz: where will it look?",
        help="Hide the heatmaps and guess, step by step, where the model attends most.",
        **url_state.bind(PARAMS, "quiz"),
    )
    return bool(st.session_state.quiz)


@st.cache_data(max_entries=64, show_spinner="Preparing the questions…")
def _round(task: str, seed: int, n: int) -> list[Question]:
    return make_round(task, seed, n)


def _state(round_id: str) -> dict:
    rounds = st.session_state.setdefault(STATE, {})
    return rounds.setdefault(round_id, {"at": 0, "picks": {}})


def show(task: str) -> None:
    """A whole round: settings, the current question or the final score."""
    s = st.session_state
    st.subheader("Quiz: where will it look?")
    c = st.columns([2, 3, 2])
    c[0].number_input(
        "Quiz seed", 0, MAX_SEED, step=1, key="quiz_seed", help="Same seed, same questions"
    )
    c[1].slider("Questions per round", 1, MAX_QUESTIONS, **url_state.bind(PARAMS, "quiz_n"))
    c[2].button("New round", on_click=_new_round, icon=":material/refresh:", width="stretch")
    url_state.sync(PARAMS)
    seed, n = int(s.quiz_seed), int(s.quiz_n)
    st.caption(
        f"Seed {seed}, {n} questions on fresh examples the model never saw in training: "
        "everyone who opens this page's URL gets the same quiz."
    )
    try:
        questions = _round(task, seed, n)
    except (WeightsError, ValueError) as e:
        st.error(md_escape(str(e)))
        return
    state = _state(f"{task}:{seed}:{n}")
    if state["at"] >= len(questions):
        _summary(questions, state)
        return
    i = state["at"]
    done = summarize(questions, state["picks"])
    st.progress(i / len(questions), text=f"Question {i + 1} of {len(questions)} · "
                f"score so far {done.right} / {done.answered}")  # fmt: skip
    last = i + 1 == len(questions)
    _question(questions[i], i, last, state, f"quiz_pick_{task}_{seed}_{n}_{i}")


def _new_round() -> None:
    st.session_state.quiz_seed = (int(st.session_state.quiz_seed) + 1) % (MAX_SEED + 1)


def _next(state: dict) -> None:
    state["at"] += 1


def _pick(state: dict, i: int, key: str) -> None:
    if st.session_state.get(key) is not None and i not in state["picks"]:
        state["picks"][i] = int(st.session_state[key])


def _text(token: str) -> str:
    """A token as a label: markdown-escaped, a blank shown as ␣."""
    return md_escape(token) if token.strip() else "␣" * max(1, len(token))


def _named(q: Question, k: int) -> str:
    """A key as feedback names it: its label and, for tokens, its position (1-based)."""
    return f"**“{_text(q.keys[k])}”**" + ("" if q.image is not None else f" (input {k + 1})")


def _output_line(q: Question) -> str:
    """The output with the asked step highlighted and the steps after it greyed."""
    before = q.joiner.join(q.outputs[: q.step])
    after = q.joiner.join(q.outputs[q.step + 1 :])
    parts = [_text(before)] if before else []
    parts.append(f":orange-background[**{_text(q.shown)}**]")
    if after:
        parts.append(f":gray[{_text(after)}]")
    return (" " if q.joiner else "").join(parts)


def _span(gold: tuple[int, ...]) -> tuple[int, int] | None:
    """[start, end) when the gold keys are one contiguous run (a shaded band on the bars)."""
    if not gold or max(gold) - min(gold) + 1 != len(gold):
        return None
    return min(gold), max(gold) + 1


def _question(q: Question, i: int, last: bool, state: dict, key: str) -> None:
    picked = state["picks"].get(i)
    st.caption("The model's output, the step asked about highlighted:")
    st.markdown(f"#### {_output_line(q)}")
    noun = KEY_NOUN.get(q.task, "cell of the image")  # images: the coarse cells
    st.markdown(
        f"At step {q.step + 1} of {len(q.outputs)} the model writes **{_text(q.shown)}**. "
        f"Which {noun} does it attend to most?"
    )
    if q.image is not None:
        left, _ = st.columns([2, 3])
        with left:
            show_figure(cell_grid(q.image, q.grid[0]), f"{key}_image", "quiz_scene", 360)
    else:
        st.caption(
            f"Input: {_text(q.source)} · model: {md_escape(q.model)}{MAP_NOTE.get(q.task, '')}"
        )
    label = f"Click the {noun} you think gets the most weight"
    options = list(range(len(q.keys)))
    if picked is None:
        st.pills(
            label,
            options,
            format_func=lambda k: _text(q.keys[k]),
            key=key,
            on_change=_pick,
            args=(state, i, key),
        )
        return
    # Answered: the same choices, frozen on the pick (a widget of its own, so no state clash).
    st.pills(
        label, options, format_func=lambda k: _text(q.keys[k]), default=picked,
        key=f"{key}_done", disabled=True,
    )  # fmt: skip
    _reveal(q, picked, key)
    st.button(
        "See your score" if last else "Next question",
        key="quiz_next",
        type="primary",
        on_click=_next,
        args=(state,),
        icon=":material/arrow_forward:",
    )


def _reveal(q: Question, picked: int, key: str) -> None:
    s = score(q, picked)
    right, mine = _named(q, q.answer), _named(q, picked)
    if s.right:
        st.success(f"Right: the model puts {s.right_weight:.2f} of its attention on {right}.")
    else:
        st.error(
            f"Not this time: you picked {mine}, with weight {s.picked_weight:.2f}; the model "
            f"looks hardest at {right}, with weight {s.right_weight:.2f}."
        )
        if s.in_gold:
            st.caption("Your pick is where this output comes from, though: a fair guess.")
    gold = ", ".join(_text(q.keys[k]) for k in q.gold)
    where = "cells holding the shape" if q.image is not None else "input it comes from (gold)"
    note = f" The {where}: {gold}." if gold else ""
    st.markdown(f"**{md_escape(q.phenomenon)}.** {md_escape(EXPLANATIONS[q.phenomenon])}{note}")
    st.latex(
        r"\max_j a_{%d,j} = a_{%d,%d} = %.3f,\qquad a_{%d,%d} = %.3f\ \text{(your pick)}"
        % (q.step + 1, q.step + 1, q.answer + 1, s.right_weight, q.step + 1, picked + 1,
           s.picked_weight)
    )  # fmt: skip
    span = _span(q.gold)
    left, right_col = st.columns(2)
    title = f"step {q.step + 1}: {q.shown}"
    with left:
        bars = step_bars(q.weights, q.keys, "input" if q.image is None else "cell", span, title)
        show_figure(bars, f"{key}_bars", "quiz_step_weights", 300)
    with right_col:
        if q.image is not None:
            fig = word_view(q.image, q.attention[q.step], q.shown, q.gold_mask, False, title)
            show_figure(add_cells(fig, q.image.shape[0], q.grid[0], picked), f"{key}_view",
                        "quiz_attention", 360)  # fmt: skip
        else:
            fig = attention_heatmap(
                q.attention, q.outputs, q.keys, row_title="output (query)",
                col_title="input (key)", overlay=[(q.step, picked)], overlay_name="your pick",
            )  # fmt: skip
            show_figure(fig, f"{key}_heatmap", "quiz_attention", 120 + 28 * len(q.outputs))
    st.download_button(
        "Download this step's weights (CSV)",
        matrix_csv(["step \\ key", *q.keys], np.asarray(q.weights)[None, :], [q.shown]),
        file_name="quiz_step_weights.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )


def _summary(questions: list[Question], state: dict) -> None:
    total = summarize(questions, state["picks"])
    st.metric("Score", f"{total.right} / {total.total}")
    rows = [
        {"phenomenon": p, "asked": k, "right": k - total.missed.get(p, 0)}
        for p, k in total.asked.items()
    ]
    st.dataframe(rows, hide_index=True)
    if total.missed:
        missed = "; ".join(f"{md_escape(p)} ({k})" for p, k in total.missed.items())
        st.markdown(f"Phenomena missed: {missed}")
    else:
        st.success("No phenomenon missed.")
    with st.expander("Review every question"):
        st.dataframe(_review(questions, state["picks"]), hide_index=True)
    c = st.columns(2)
    c[0].button("New round", key="quiz_new_end", on_click=_new_round, type="primary")
    c[1].button("Take this round again", key="quiz_again", on_click=_again, args=(state,))


def _again(state: dict) -> None:
    state["at"], state["picks"] = 0, {}


def _review(questions: list[Question], picks: dict[int, int]) -> list[dict]:
    """One row per question: what was asked, the pick and the right key with their weights."""
    rows = []
    for i, q in enumerate(questions):
        k = picks.get(i)
        rows.append(
            {
                "#": i + 1,
                "input": q.source,
                "output step": f"{q.step + 1}: {q.shown}",
                "phenomenon": q.phenomenon,
                "your pick": "—" if k is None else f"{q.keys[k]} ({q.weights[k]:.2f})",
                "model's argmax": f"{q.keys[q.answer]} ({q.weights[q.answer]:.2f})",
                "right": None if k is None else k == q.answer,
            }
        )
    return rows
