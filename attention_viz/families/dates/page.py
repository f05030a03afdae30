"""Date conversion seq2seq: type a date, see where each output character looked.

Input and model controls rerun the page; the step-through, epoch scrubber and comparison
controls live in fragments and rerun only their part.
"""

from __future__ import annotations

import contextlib
import random

import numpy as np
import streamlit as st

from attention_viz.families.dates import FAMILY, data, page_live, vocab
from attention_viz.families.dates import analysis as date_analysis
from attention_viz.families.dates import page_sections as sections
from attention_viz.prediction import Prediction
from attention_viz.ui import quiz, sequence, stage, url_state
from attention_viz.ui.widgets import (
    md_escape,
    model_or_message,
    presenting,
    show_failure,
    show_warnings,
)


def main() -> None:
    on = stage.heading(
        "Date conversion with attention",
        "A character-level encoder–decoder (the attention chapter of *Deep Learning from "
        f"Scratch 2*) rewrites a date typed in any of {len(data.FORMATS)} human formats as ISO "
        "YYYY-MM-DD. Each "
        "output character is a **query**; the encoder's states at the input characters are "
        "the **keys** and **values**. Unlike the book's, the encoder reads in both directions, "
        "so the state at a digit already knows where its field ends.",
        aside=quiz.toggle,
    )
    if on:  # issue 11 §2: the quiz replaces the page's views
        quiz.show("dates")
        return
    show_warnings(url_state.restore(sections.PARAMS))
    if any(model_or_message(m) is None for m in FAMILY.names()):
        return
    # Presenting: the input, its options and the output in a column beside the heatmap.
    beside = stage.columns()
    controls, chart = beside if beside else (contextlib.nullcontext(),) * 2
    with controls:
        _input_controls()
        toggles = st.container() if beside else None  # the heatmap's switch, under the input
    url_state.sync(sections.PARAMS)
    s = st.session_state
    own = page_live.session_model(s.model)  # a model this session trained, not cached
    with controls:
        page_live.banner(s.model)
    with chart:
        try:
            p = (
                own.predict(s.text)
                if own is not None
                else sections.predict(model_or_message(s.model), s.model, s.text)
            )
        except ValueError as e:
            st.error(md_escape(str(e)))
            p = None
        except Exception as e:  # the error boundary: this session sees a message, others go on
            show_failure(f"converting this date with {s.model}", e)
            p = None
    text = s.text.strip()
    gold = data.parse(text) if p is not None else None
    if p is not None:
        with controls:
            _output(p, gold)
        with chart:
            _heatmap(p, gold, toggles)
        sections.step_through(p, gold)
        sections.teacher_forcing(s.model, text, gold.target if gold else "", own)
    sections.epoch_scrubber()
    page_live.section()
    sections.comparison(text if p is not None else None)
    sections.batch_conversion(own)


def _set_text(text: str, expected: str = "") -> None:
    st.session_state.text = text
    st.session_state.expected = expected


def _clear_expected() -> None:
    """A typed date has no known target (unless it parses); an old example's must go."""
    st.session_state.expected = ""


def _input_controls() -> None:
    c = [st.container()] * 2 if presenting() else st.columns([4, 2])  # presenting: a column
    c[0].text_input(
        "A date, in any format",
        on_change=_clear_expected,
        **url_state.bind(sections.PARAMS, "text"),
        help=f"At most {vocab.MAX_INPUT_CHARS} characters. Slashes are read month-first.",
    )
    with c[1]:
        sequence.model_picker(FAMILY)
    with (
        st.popover("Examples", icon=":material/list:", width="stretch")
        if presenting()  # in the narrow column beside the heatmap, folded away
        else contextlib.nullcontext()
    ):
        _examples()


def _examples() -> None:
    st.caption("Examples (one per format family, dates the models never saw in training):")
    # One row on a laptop; rows of two in presentation mode's popover.
    count = len(data.FAMILIES) + 1
    per_row = 2 if presenting() else count
    buttons = [c for start in range(0, count, per_row) for c in st.columns(per_row)][:count]
    for i, family in enumerate(data.FAMILIES):
        e = data.example_of_family(family, seed=3 + i)
        buttons[i].button(
            family,
            key=f"example_{i}",
            on_click=_set_text,
            args=(e.text, e.target),
            help=e.text,
            width="stretch",
        )
    e = data.generate(1, "test", random.randrange(2**31))[0]
    buttons[-1].button(
        "random date",
        key="random",
        icon=":material/casino:",
        on_click=_set_text,
        args=(e.text, e.target),
        width="stretch",
    )


def _output(p: Prediction, gold: data.Example | None) -> None:
    if presenting():  # a narrow column: the output on a line of its own, the check last
        output, pair, check = st.container(), st.columns(2), st.container()
        c = [output, check, *pair]
    else:
        c = st.columns([2, 2, 2, 3])
    c[0].metric("Output", p.text)
    if p.checks["valid_date"]:
        c[1].success("Calendar check: a real date", icon=":material/check_circle:")
    else:
        c[1].error("Calendar check: **not a real date**", icon=":material/error:")
    c[2].metric("Confidence (weakest step)", f"{p.confidence:.1%}")
    if gold is not None:
        verdict = "right" if gold.target == p.text else f"wrong (gold {gold.target})"
        c[3].metric("Against the gold date", verdict)
    else:
        c[3].caption(
            "Not in one of the generator's formats, so no gold date or field spans are known."
        )
    for warning in p.warnings:
        st.warning(md_escape(warning), icon=":material/warning:")


def _heatmap(p: Prediction, gold: data.Example | None, toggles=None) -> None:
    """The heatmap, its entropy beside it (below it when presenting), the formula; the gold
    switch goes into `toggles` when given (presenting: beside the heatmap)."""
    s = st.session_state
    st.subheader("Attention: output character × input character")
    if p.attention is None:
        st.info(
            f"{s.model} has no attention: its decoder sees the input only through the "
            "encoder's final state, a fixed-size summary. Pick date-attention or "
            "date-additive to see where each output character looks."
        )
        return
    left, right = (st.container(), st.container()) if toggles else st.columns([4, 1])
    with toggles or left:
        st.toggle(
            "Outline the gold field spans",
            disabled=gold is None,
            **url_state.bind(sections.PARAMS, "gold"),
        )
    with left:
        cells = date_analysis.gold_cells(gold) if gold is not None and s.gold else None
        sequence.heatmap(p, sections.AXES, "fig_heatmap", f"{s.model}_attention", cells, height=420)
    with right:
        st.markdown("**Entropy per row**")
        entropy = sequence.entropy(p, "fig_entropy", f"{s.model}_entropy", height=420)
    sequence.formula(FAMILY, s.model, p)
    max_bits = float(np.log2(max(len(p.source_tokens), 2)))
    mean_bits = float(entropy.mean())
    st.caption(
        f"Rows sum to 1. Entropy H_t = −Σ_j a_tj log₂ a_tj: 0 bits means one input character "
        f"takes all the weight; {max_bits:.2f} bits would be uniform over the "
        f"{len(p.source_tokens)} characters. Mean here: {mean_bits:.2f} bits."
    )
    if gold is not None:
        hits = [h for h in date_analysis.in_span(gold, p.attention) if h is not None]
        st.caption(
            f"The argmax of {sum(hits)} of {len(hits)} year/month/day output characters lies "
            "inside the gold span of the field it produces."
        )


main()
