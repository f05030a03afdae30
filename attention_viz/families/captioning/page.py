"""Attention over images: a captioner that shows where it looks for every word.

Scene and decoding controls rerun the page; the view controls (region grid, gold outline,
step slider) live in fragments and rerun only the figures.
"""

from __future__ import annotations

import contextlib
import hashlib

import numpy as np
import streamlit as st

from attention_viz.analysis.tables import matrix_csv
from attention_viz.families.captioning import page_scene, plots, scenes
from attention_viz.families.captioning.analysis import Analysis, analyse
from attention_viz.families.captioning.inputs import MAX_FILE_BYTES, OUTSIDE_NOTE, decode, to_array
from attention_viz.seq2seq import MAX_BEAM
from attention_viz.ui import quiz, stage, url_state
from attention_viz.ui.widgets import (
    boundary,
    md_escape,
    model_or_message,
    presenting,
    show_failure,
    show_figure,
    show_warnings,
)

MODEL, BASELINE = "caption-attention", "caption-baseline"
UPLOAD_MB = 2  # the upload box refuses larger files (the server's maxUploadSize is 2 MB too)
SOURCES = {"random": "Random scene", "builder": "Build a scene", "upload": "Upload an image"}
PARAMS = [
    url_state.choice("source", list(SOURCES), "random"),
    *page_scene.PARAMS,
    url_state.choice("decoding", ["greedy", "beam"], "greedy"),
    url_state.integer("beam", 2, MAX_BEAM, 3),
    url_state.flag("grid", False),
    url_state.flag("gold", True),
    url_state.integer("step", 1, 32, 1),
]


@st.cache_data(max_entries=256, show_spinner=False)
def _analyse(name: str, key: tuple, beam: int, upload: bytes | None = None) -> Analysis:
    """Caption a scene named by its description (or an uploaded image's bytes)."""
    model = model_or_message(name)  # the shared model; the caller checked that it loads
    if upload is not None:
        return analyse(model, decode(upload, "the upload"), beam=beam)
    scene = scenes.described(key)
    image, masks = scenes.render(scene)
    return analyse(model, image, scene, masks, beam=beam)


def main() -> None:
    on = stage.heading(
        "Attention over images",
        "A small CNN cuts the picture into an 8×8 grid of regions; an LSTM writes the caption "
        "one word at a time and, before each word, spreads attention weights over the 64 "
        "regions (soft attention, *Show, Attend and Tell*, Xu et al. 2015). The panels show "
        "where it looked for every word; the green outline is the shape the word describes.",
        aside=quiz.toggle,
    )
    if on:  # issue 11 §2: the quiz replaces the page's views
        quiz.show("captioning")
        return
    show_warnings(url_state.restore(PARAMS))
    s = st.session_state
    # Presenting: the scene's controls in a column beside the word panels; the captions below.
    beside = stage.columns()
    controls, chart = beside if beside else (contextlib.nullcontext(),) * 2
    with controls:
        key, upload = _scene()
        if key is None:
            return
        c = [st.container()] * 2 if beside else st.columns([1, 2])
        c[0].radio("Decoding", ["greedy", "beam"], key="decoding", horizontal=True)
        c[1].slider("Beam width", 2, MAX_BEAM, key="beam", disabled=s.decoding != "beam")
    url_state.sync(PARAMS)
    if model_or_message(MODEL) is None:
        return
    beam = s.beam if s.decoding == "beam" else 1
    try:
        a = _analyse(MODEL, key, beam, upload)
    except ValueError as e:
        st.error(md_escape(str(e)))
        return
    except Exception as e:  # the error boundary: this session sees a message, others go on
        show_failure(f"captioning with {MODEL}", e)
        return
    image = _image(key, upload)
    if not beside:
        _captions(a, key, beam, upload)
    with chart:
        panels_view(a, image)
    if beside:
        _captions(a, key, beam, upload)
    step_view(a, image)
    _about()


def _scene() -> tuple[tuple | None, bytes | None]:
    """The scene's controls; returns its description and an upload's bytes (None, None while
    there is nothing to caption)."""
    s = st.session_state
    st.radio("Scene", list(SOURCES), key="source", format_func=SOURCES.get, horizontal=True)
    upload = None
    if s.source == "upload":
        upload = _upload()
        if upload is None:
            url_state.sync(PARAMS)
            return None, None
        return ("upload", hashlib.sha256(upload).hexdigest()), upload
    key = page_scene.controls(s.source)
    if key[0] == "builder":
        problems = scenes.problems([scenes.Shape(*spec) for spec in key[2]])
        if problems:
            url_state.sync(PARAMS)
            lines = "\n".join(f"- {md_escape(p)}" for p in problems)
            st.error(f"This scene cannot be captioned:\n\n{lines}")
            return None, None
    return key, None


def _upload() -> bytes | None:
    file = st.file_uploader(
        f"A PNG or JPEG image (at most {UPLOAD_MB} MB; it is resized to 64×64)",
        type=["png", "jpg", "jpeg"],
        key="upload_file",
        max_upload_size=min(UPLOAD_MB, MAX_FILE_BYTES // 1_000_000),
    )
    st.caption("An uploaded image is not kept in the URL: a bookmark reopens the upload box.")
    if file is None:
        st.info("Choose an image file to caption it.")
        return None
    data = file.getvalue()
    try:
        decode(data, file.name)
    except ValueError as e:
        st.error(md_escape(str(e)))
        return None
    st.warning(OUTSIDE_NOTE, icon="⚠️")
    return data


def _image(key: tuple, upload: bytes | None) -> np.ndarray:
    if upload is not None:
        return to_array(decode(upload))[0]
    return scenes.render(scenes.described(key))[0]


def _captions(a: Analysis, key: tuple, beam: int, upload: bytes | None) -> None:
    p = a.prediction
    show_warnings(p.warnings)
    left, right = st.columns(2)
    with left:
        st.subheader("Caption (with attention)")
        st.markdown(f"### {md_escape(p.text) or '(empty)'}")
        if a.gold_caption is not None:
            verdict = "✓ matches" if a.exact else "✗ differs from"
            st.markdown(f"{verdict} the scene's caption: *{md_escape(' '.join(a.gold_caption))}*")
        m = st.columns(2)
        if a.pointing is not None:
            m[0].metric(
                "Pointing accuracy of this caption",
                f"{a.pointing:.0%}",
                help="Share of size, colour and shape words whose largest weight lies on the "
                "shape they describe (its regions, grown by one region).",
            )
        m[1].metric("log probability", f"{p.log_prob:.3f}")
    with right:
        st.subheader("Baseline (no attention)")
        with boundary(f"captioning with {BASELINE}"):
            if model_or_message(BASELINE) is None:
                return
            b = _analyse(BASELINE, key, beam, upload)
            st.markdown(f"### {md_escape(b.prediction.text) or '(empty)'}")
            if b.gold_caption is not None:
                st.markdown("✓ matches the scene's caption" if b.exact else "✗ differs")
            st.caption(
                "The same CNN and LSTM, but every word reads the mean of all 64 regions: it "
                "knows what is in the picture, less well where, and cannot point."
            )


@st.fragment
def panels_view(a: Analysis, image: np.ndarray) -> None:
    """One panel per word (the paper's figure); reruns alone when a toggle moves."""
    p = a.prediction
    if not presenting():  # presenting: right under the title, beside the scene's controls
        st.subheader("Where it looked for each word")
    c = st.columns(3)
    c[0].toggle("Show the region grid", key="grid")
    c[1].toggle("Outline the gold shape", key="gold", disabled=a.gold_caption is None)
    url_state.sync(PARAMS)
    gold = a.word_masks if st.session_state.gold else [None] * len(p.target_tokens)
    cols = 4 if presenting() else 6
    fig = plots.word_panels(image, p.attention, p.target_tokens, gold, cols, st.session_state.grid)
    rows = -(-(len(p.target_tokens) + 1) // cols)
    show_figure(fig, "panels", "caption_attention_words", height=40 + 190 * rows)
    st.caption(
        "Dark = little weight. Each panel's shading is scaled to that word's largest weight "
        "(the red ×). Hover a region for its weight."
    )
    if p.attention is not None:
        csv = matrix_csv(
            ["word \\ region", *p.maps["cross"].keys.labels],
            p.maps["cross"].weights,
            p.target_tokens,
        )
        st.download_button(
            "Download the weights (CSV, words × regions)",
            csv,
            file_name="caption_attention.csv",
            mime="text/csv",
            key="download_weights",
            on_click="ignore",
        )


@st.fragment
def step_view(a: Analysis, image: np.ndarray) -> None:
    """One word at a time, large, with the formula filled in."""
    p = a.prediction
    n = len(p.target_tokens)
    if n == 0 or p.attention is None:
        return
    s = st.session_state
    st.subheader("Step through the caption")
    if n > 1:
        s.step = min(max(1, s.step), n)
        st.slider("Word t", 1, n, key="step")
    t = min(s.step, n)
    url_state.sync(PARAMS)
    word, weights = p.target_tokens[t - 1], p.attention[t - 1]
    G = weights.shape[-1]
    r, col = divmod(int(weights.argmax()), G)
    written = " ".join(p.target_tokens[: t - 1])
    st.markdown(
        f"Written so far: **{md_escape(written) or '(nothing)'}** → word {t} is "
        f"**{md_escape(word)}**"
    )
    left, right = st.columns([3, 2])
    with left:
        title = f"word {t}: {word}"
        fig = plots.word_view(
            image, weights, word, a.word_masks[t - 1] if s.gold else None, s.grid, title
        )
        show_figure(fig, "step_view", "caption_attention_step", height=520)
    with right:
        st.latex(r"e_{t,i} = v^\top \tanh\!\left(W_q\, h_{t-1} + W_k\, a_i\right)")
        st.latex(r"\alpha_{t,i} = \frac{\exp e_{t,i}}{\sum_{k=1}^{%d} \exp e_{t,k}}" % (G * G))
        st.latex(r"z_t = \beta_t \sum_{i=1}^{%d} \alpha_{t,i}\, a_i" % (G * G))
        st.latex(
            r"\max_i \alpha_{%d,i} = \alpha_{%d,(%d,%d)} = %.3f"
            % (t, t, r, col, float(weights.max()))
        )
        st.caption(
            "h_{t-1}: the LSTM state before word t; a_i: the CNN features of region i (row, "
            "column) plus its position vector; z_t: what word t is read from, gated by β_t. "
            "The LSTM itself reads only where it looked (the weighted mean of the regions' "
            "centres), never z_t, so a word about a shape can only be said by looking at it. "
            f"Uniform attention would give every region 1/{G * G} = {1 / (G * G):.3f}."
        )
        if p.top and t <= len(p.top):
            st.markdown("Likeliest words at this step")
            st.dataframe(
                [{"word": w, "probability": round(q, 4)} for w, q in p.top[t - 1]],
                hide_index=True,
                width="stretch",
            )
        show_figure(plots.region_bars(weights), "step_bars", "caption_attention_regions", 260)


def _about() -> None:
    with st.expander("How the two models were trained, and how well they do"):
        rows = []
        for name in (MODEL, BASELINE):
            model = model_or_message(name)
            if model is None:
                continue
            record = model.training_record
            m, t = record.get("metrics", {}), record.get("training", {})
            rows.append(
                {
                    "model": name,
                    "exact match": m.get("exact_match"),
                    "BLEU": m.get("bleu"),
                    "pointing": m.get("pointing"),
                    "steps": record["history"][-1]["step"] if record.get("history") else None,
                    "training seconds": t.get("seconds"),
                }
            )
        st.dataframe(rows, hide_index=True, width="stretch")
        st.caption(
            "On 1,000 fresh scenes whose layouts training never saw (greedy decoding). "
            "Rebuild with `python -m attention_viz train caption-attention`."
        )


main()
