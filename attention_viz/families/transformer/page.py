"""Transformer: pick a tiny trained model, type an input, see every layer's and head's attention.

Input and model controls rerun the page; the head picker, ablation and step-through live in
fragments (attention_viz.families.transformer.page_sections) and rerun only their part.
"""

from __future__ import annotations

import contextlib
import random

import streamlit as st

from attention_viz.families.transformer import page_sections as sections
from attention_viz.families.transformer.tasks import TASKS
from attention_viz.registry import entry, list_models
from attention_viz.ui import quiz, stage, url_state
from attention_viz.ui.widgets import md_escape, model_or_message, show_failure, show_warnings


def main() -> None:
    on = stage.heading(
        "Transformer",
        "Tiny transformers trained from scratch on generated tasks. Each attention layer has "
        "several **heads**; each head scores every query against every key with "
        "q·k/√d, and a softmax turns the scores into weights. Below: every layer and head, "
        "what each one does, and what happens to the output when you switch heads off.",
        aside=quiz.toggle,
    )
    if on:  # issue 11 §2: the quiz replaces the page's views
        quiz.show("transformer")
        return
    show_warnings(url_state.restore(sections.PARAMS))
    s = st.session_state
    # Presenting: the model, its input and output in a column beside the layer × head grid.
    beside = stage.columns()
    controls, chart = beside if beside else (contextlib.nullcontext(),) * 2
    with controls:
        c = [st.container()] * 3 if beside else st.columns([2, 4, 1])
        c[0].selectbox(
            "Model",
            list_models("transformer"),
            key="model",
            on_change=_example,
            format_func=lambda m: entry(m).label or m,
        )
        c[1].text_input("Input", key="text", help=_help(s.model))
        c[2].button("random", icon=":material/casino:", on_click=_random, width="stretch")
    model = model_or_message(s.model)
    if model is None:
        return
    try:
        p = sections.predict(model, s.model, s.text, ())
    except ValueError as e:
        with controls:
            st.error(md_escape(str(e)))
        url_state.sync(sections.PARAMS)
        return
    except Exception as e:  # the error boundary: this session sees a message, others go on
        with controls:
            show_failure(f"running {s.model}", e)
        url_state.sync(sections.PARAMS)
        return
    with controls:
        show_warnings(p.warnings)
        sections.output(model, p)
    with chart:
        sections.head_view(model, p)
    sections.ablation(model, p)
    if "cross" in p.maps:
        sections.step_through(p)


def _example() -> None:
    """A new model starts from its own example input (the old one may not fit its alphabet)."""
    st.session_state.text = entry(st.session_state.model).example
    for key in ("layer", "head", "ablate", "step"):
        st.session_state.pop(key, None)


def _random() -> None:
    name = st.session_state.model
    seed = random.randrange(2**31)
    if name == "transformer-dates":
        from attention_viz.families.dates import data

        st.session_state.text = data.generate(1, "test", seed)[0].text
    else:
        st.session_state.text = TASKS[name.removeprefix("transformer-")].generate(1, seed)[0]


def _help(name: str) -> str:
    if name == "transformer-dates":
        return "A date in any format, at most 40 characters."
    if name == "transformer-induction":
        return "Lowercase letters a-z, at most 26; repeat a sequence to see the induction head."
    return "Digits and lowercase letters (0-9 a-z), at most 24; trained on 1 to 12."


main()
