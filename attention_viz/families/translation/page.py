"""Toy English→French translation: the alignment heatmap, scored against the gold alignment.

Sentence, model and decoding controls rerun the page; the view controls (gold overlay,
teacher forcing, decoding step) live in a fragment and rerun only the charts.
"""

from __future__ import annotations

import contextlib

import streamlit as st

from attention_viz.families.translation import FAMILY
from attention_viz.families.translation.analysis import Analysis, analyse, gold_cells
from attention_viz.families.translation.corpus import EXAMPLES
from attention_viz.families.translation.grammar import UnknownWordsError, detokenize_french
from attention_viz.families.translation.lexicon import vocabulary_rows
from attention_viz.families.translation.metrics import metrics_table
from attention_viz.seq2seq import MAX_BEAM
from attention_viz.ui import quiz, sequence, stage, url_state
from attention_viz.ui.widgets import (
    boundary,
    md_escape,
    model_or_message,
    presenting,
    show_failure,
    show_warnings,
)

NAMES = FAMILY.names()
AXES = sequence.Axes("French word", "English word", "gold alignment")
MAX_CHARS = 300
FEEDS = {"free": "Free running", "teacher": "Teacher forcing"}

PARAMS = [  # bind=True: Streamlit keeps it in the URL; the others are url_state's (see there)
    url_state.text("sentence", EXAMPLES["negation"], MAX_CHARS, bind=True),
    url_state.choice("model", NAMES, "translation-attention"),  # shown with labels
    url_state.choice("decoding", ["greedy", "beam"], "greedy", bind=True),
    url_state.integer("beam", 2, MAX_BEAM, 5, bind=True),
    url_state.flag("compare", False, bind=True),
    url_state.choice("model_b", NAMES, "translation-location"),  # shown with labels
    url_state.flag("gold", True, bind=True),
    url_state.choice("feed", list(FEEDS), "free"),  # shown with labels
    url_state.integer("step", 1, 64, 1),  # slider range: the output's length
]


@st.cache_data(max_entries=512, show_spinner=False)
def _analyse(name: str, text: str, beam: int, forced: bool) -> Analysis:
    """Cached by plain values; the model comes from the shared cache at the UI boundary."""
    return analyse(model_or_message(name), text, beam=beam, forced=forced)


def _set_sentence(sentence: str) -> None:
    st.session_state.sentence = sentence


def main() -> None:
    on = stage.heading(
        "Toy English→French translation",
        "A word-level encoder–decoder translates a generated toy language. French puts most "
        "adjectives after the noun and wraps the verb in *ne … pas*, so the attention leaves "
        "the diagonal. The grammar is known, so the gold word alignment is too: the outlined "
        "cells show it, and the alignment error rate (AER) scores the attention against it.",
        aside=quiz.toggle,
    )
    if on:  # issue 11 §2: the quiz replaces the page's views
        quiz.show("translation")
        return
    show_warnings(url_state.restore(PARAMS))
    # Presenting: the sentence and the model's controls in a column beside the heatmap; the
    # examples in a popover, the vocabulary below.
    beside = stage.columns()
    with beside[0] if beside else contextlib.nullcontext():
        _inputs(compact=beside is not None)
    url_state.sync(PARAMS)
    with beside[1] if beside else contextlib.nullcontext():
        _results()
    if beside:
        _vocabulary()


def _inputs(compact: bool) -> None:
    """Examples, the sentence, the model and the decoding; `compact`: one narrow column."""
    s = st.session_state
    with (
        st.popover("Examples", icon=":material/list:", width="stretch")
        if compact
        else contextlib.nullcontext()
    ):
        st.markdown("**Examples** — one per phenomenon:")
        per_row = 2 if compact else 4
        cols = st.columns(per_row)
        for k, (label, sentence) in enumerate(EXAMPLES.items()):
            cols[k % per_row].button(
                label,
                key=f"example_{k}",
                on_click=_set_sentence,
                args=(sentence,),
                help=sentence,
                width="stretch",
            )
    with st.form("translate_form", border=not compact):
        st.text_input("English sentence", max_chars=MAX_CHARS, **url_state.bind(PARAMS, "sentence"))
        st.form_submit_button("Translate", type="primary")
    if not compact:
        _vocabulary()
    c = [st.container()] * 3 if compact else st.columns(3)
    with c[0]:
        sequence.model_picker(FAMILY)
    c[1].radio(
        "Decoding", ["greedy", "beam"], horizontal=True, **url_state.bind(PARAMS, "decoding")
    )
    c[1].slider(
        "Beam width", 2, MAX_BEAM, disabled=s.decoding != "beam", **url_state.bind(PARAMS, "beam")
    )
    c[2].toggle(
        "Compare two models", help="Side-by-side heatmaps", **url_state.bind(PARAMS, "compare")
    )
    with c[2]:
        sequence.model_picker(FAMILY, "model_b", "Second model", disabled=not s.compare)


def _results() -> None:
    """The translation, its heatmap (with the fragment's view controls) and the model card."""
    s = st.session_state
    if model_or_message(s.model) is None or (s.compare and model_or_message(s.model_b) is None):
        return
    beam = s.beam if s.decoding == "beam" else 1
    try:
        free = _analyse(s.model, s.sentence, beam, False)
    except UnknownWordsError as e:
        lines = [
            f"- **{md_escape(w)}**"
            + (
                f" — closest known: {', '.join(md_escape(x) for x in close)}"
                if close
                else " — no close known word"
            )
            for w, close in e.suggestions.items()
        ]
        st.error(
            "These words are not in the toy vocabulary (see *Vocabulary*):\n\n" + "\n".join(lines)
        )
        return
    except ValueError as e:
        st.error(md_escape(str(e)))
        return
    except Exception as e:  # the error boundary: this session sees a message, others go on
        show_failure(f"translating with {s.model}", e)
        return
    if not presenting():
        _output(free)
    result_view(s.model, s.sentence, beam)
    if presenting():  # the heatmap's rows show the translation; the verdict comes after
        _output(free)
    _about(s.model)


def _vocabulary() -> None:
    with st.expander("Vocabulary: every word the models know"):
        tabs = st.tabs(["Nouns", "Adjectives", "Verbs", "Other words"])
        for tab, kind in zip(tabs, ["nouns", "adjectives", "verbs", "other"], strict=True):
            tab.dataframe(vocabulary_rows(kind), hide_index=True, width="stretch")


def _output(a: Analysis) -> None:
    st.subheader("Translation")
    st.markdown(f"### {md_escape(a.prediction.text) or '(empty)'}")
    if a.reference is None:
        st.info(
            f"No reference translation for this sentence: {md_escape(a.reference_error)}. "
            "The model still translates it; nothing to score against."
        )
    else:
        ref = detokenize_french(a.reference.target_tokens)
        verdict = "matches the reference ✓" if a.correct else "differs from the reference ✗"
        st.markdown(f"Reference: **{md_escape(ref)}** — the model's output {verdict}")


@st.fragment
@boundary("drawing the heatmaps")
def result_view(name: str, text: str, beam: int) -> None:
    """Heatmaps and the step-through; reruns alone when a view control moves."""
    s = st.session_state
    free = _analyse(name, text, beam, False)
    c = st.columns([2, 3] if presenting() else 2)  # presenting: room for the radio's line
    c[0].toggle(
        "Gold alignment overlay",
        disabled=free.reference is None,
        **url_state.bind(PARAMS, "gold"),
    )
    c[1].radio(
        "Decoder input",
        list(FEEDS),
        key="feed",
        format_func=FEEDS.get,
        horizontal=True,
        disabled=free.reference is None,
        help="Free running: the decoder reads its own previous word. Teacher forcing: it "
        "reads the reference's previous word (needs a reference translation).",
    )
    forced = s.feed == "teacher" and free.reference is not None
    a = _analyse(name, text, beam, True) if forced else free
    p = a.prediction
    gold = gold_cells(a.reference) if (a.reference and s.gold) else None
    mode = "teacher forcing" if forced else (f"beam {beam}" if beam > 1 else "greedy")

    if s.compare:
        b = _analyse(s.model_b, text, beam, forced)
        left, right = st.columns(2)
        gold_b = gold_cells(b.reference) if (b.reference and s.gold) else None
        for column, model, result, g, key in (
            (left, name, a, gold, "heatmap_a"),
            (right, s.model_b, b, gold_b, "heatmap_b"),
        ):
            with column:
                _heatmap(result, g, f"{model} ({mode})", key)
                if result.prediction.target_tokens:
                    sequence.formula(FAMILY, model, result.prediction)
    else:
        # Presenting: the heatmap takes the column beside the controls, the formula below.
        left, right = (st.container(), st.container()) if presenting() else st.columns([3, 2])
        with left:
            _heatmap(a, gold, f"{name} ({mode})", "heatmap_a")
        with right:
            _explain(name, a)
    if forced:
        sequence.teacher_forced_note(p)
    _step_through(a)
    url_state.sync(PARAMS)


def _heatmap(a: Analysis, gold, title: str, key: str) -> None:
    p = a.prediction
    if not p.target_tokens:
        st.warning("The model wrote no words.")
        return
    # Presenting: at most 400 px high, to fit beside the controls under the title.
    height = min(120 + 34 * len(p.target_tokens), 320) if presenting() else None
    sequence.heatmap(p, AXES, key, "translation_attention", gold, title, height)
    m = st.columns(2)
    if a.aer is not None:
        m[0].metric(
            "AER of this heatmap",
            f"{a.aer:.3f}",
            help="0 = every French word attends most to its gold English word(s); 1 = none does",
        )
    elif a.forced_aer is not None:
        m[0].metric(
            "AER (teacher forced)",
            f"{a.forced_aer:.3f}",
            help="The output differs from the reference, so the attention is scored "
            "while the model reads the reference.",
        )
    m[1].metric("log probability", f"{p.log_prob:.3f}")


def _explain(name: str, a: Analysis) -> None:
    st.subheader("The attention, in formulas")
    sequence.formula(FAMILY, name, a.prediction)
    T_q, T_k = a.prediction.attention.shape
    st.caption(
        f"{T_k} English words (keys), {T_q} French words (queries). s: decoder state, "
        "h_j: encoder state of English word j (both directions of the GRU), c_t: the "
        "context vector the decoder reads when it writes French word t."
    )


@st.fragment
def _step_through(a: Analysis) -> None:
    sequence.step_through(a.prediction, AXES)
    url_state.sync(PARAMS)


def _about(name: str) -> None:
    sequence.about(FAMILY, name, metrics_table)
    metrics = model_or_message(name).training_record.get("metrics", {})
    signatures = sorted({m["bleu_signature"] for m in metrics.values() if "bleu_signature" in m})
    st.caption(
        "heldout: noun–adjective pairs never seen in training; long: longer than any "
        "training sentence. Phenomenon columns: exact match among sentences with it. "
        "BLEU is corpus BLEU by sacrebleu over the models' own tokens, signature "
        + ", ".join(f"`{s}`" for s in signatures)
    )


main()
