"""The date page's lower sections: step-through, teacher forcing, epochs, comparison, batch.

Each slider-driven section is an st.fragment: moving its slider reruns only that section.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from attention_viz.families import task_models
from attention_viz.families.dates import FAMILY, data, plots
from attention_viz.families.dates import analysis as date_analysis
from attention_viz.plots.heatmap import attention_heatmap
from attention_viz.prediction import Prediction
from attention_viz.ui import sequence, url_state
from attention_viz.ui.widgets import md_escape, model_or_message, show_failure, show_figure

MODELS = FAMILY.names()
TASK_MODELS = task_models("dates")  # the date models and other families' date converters
ATTENTION_MODELS = [m.name for m in FAMILY.models if m.score is not None]
DEFAULT_TEXT = "Tuesday, September 25, 1984"
AXES = sequence.Axes("output character", "input character", "gold field span")

PARAMS = [  # bind=True: Streamlit keeps it in the URL; the others are url_state's (see there)
    url_state.choice("model", MODELS, "date-attention"),  # shown with labels
    url_state.text("text", DEFAULT_TEXT, 200, bind=True),
    url_state.text("expected", "", 10, bind=True),
    url_state.flag("gold", True, bind=True),
    url_state.integer("step", 1, data.OUTPUT_CHARS, 1),  # slider range: the output's length
    url_state.integer("epoch", 1, 100, 1),  # slider range: the model's epochs
    url_state.integer("snap", 1, 6, 1),  # shown with labels
    url_state.choice("compare", TASK_MODELS, "date-baseline", bind=True),
    url_state.text("batch", "", 2_000, bind=True),
    url_state.text("watch", DEFAULT_TEXT, 40, bind=True),  # the live training's watched input
    url_state.integer("steps", 10, 2_000, 1_200, bind=True),  # the live training's step budget
]


def _sync() -> None:
    url_state.sync(PARAMS)


@st.cache_data(max_entries=512, show_spinner=False)
def predict(_model, name: str, text: str) -> Prediction:
    """One conversion, cached by plain values (model name, text); the model is not hashed.
    The heatmap, the comparison and other sessions typing the same date share it."""
    return _model.predict(text)


@st.cache_data(max_entries=256, show_spinner=False)
def _compare(_model, name: str, text: str, target: str) -> date_analysis.DecodingComparison:
    return date_analysis.compare_decodings(_model, text, target)


@st.fragment
def step_through(p: Prediction, gold: data.Example | None) -> None:
    """A slider over the 10 decoding steps: the output so far and that step's weights."""
    spans = gold.output_spans() if gold is not None else None
    sequence.step_through(p, AXES, "step", (lambda t: spans[t - 1]) if spans else None)
    _sync()


def teacher_forcing(name: str, text: str, target: str, model=None) -> None:
    """Both decodings side by side when the right answer is known."""
    st.subheader("Teacher forcing vs free running")
    st.text_input(
        "Expected ISO date (filled in for examples and inputs in a known format)",
        max_chars=10,
        placeholder="YYYY-MM-DD",
        **url_state.bind(PARAMS, "expected"),
    )
    target = st.session_state.expected or target
    if not target:
        st.info("Type the expected date above to compare the two decodings.")
        return
    try:
        cmp = (
            date_analysis.compare_decodings(model, text, target)  # this session's own model
            if model is not None
            else _compare(model_or_message(name), name, text, target)
        )
    except ValueError as e:
        st.error(md_escape(str(e)))
        return
    except Exception as e:
        show_failure(f"decoding with teacher forcing ({name})", e)
        return
    marks = "".join("^" if d else " " for d in cmp.differs)
    st.code(
        f"target          {target}\n"
        f"teacher forcing {cmp.forced_text}\n"
        f"free running    {cmp.free.text}\n"
        f"differ          {marks}",
        language=None,
    )
    st.caption(
        "Training feeds each step the true previous character (teacher forcing); at use the "
        "model is fed its own previous output (free running), so one early mistake can "
        "carry on. " + ("The two agree here." if not any(cmp.differs) else "They differ at ^.")
    )
    if cmp.forced.attention is not None:
        title = "attention under teacher forcing (rows: the target's characters)"
        sequence.heatmap(cmp.forced, AXES, "fig_forced", f"{name}_teacher_forced", title=title)


@st.fragment
def epoch_scrubber() -> None:
    """The attention of fixed example inputs after each training epoch."""
    st.subheader("How attention emerged during training")
    s = st.session_state
    name = s.model if s.model in ATTENTION_MODELS else "date-attention"
    record = model_or_message(name).training_record
    history, snaps = record.get("history", []), record.get("snapshot_inputs", [])
    if not history or not snaps or history[0].get("attention") is None:
        st.info(f"{name} was saved without per-epoch attention maps.")
        return
    s.epoch = min(s.epoch, len(history))
    s.snap = min(s.snap, len(snaps))
    c = st.columns([3, 2])
    c[0].slider("Epoch", 1, len(history), key="epoch")
    c[1].selectbox(
        "Example input",
        list(range(1, len(snaps) + 1)),
        key="snap",
        format_func=lambda i: f"{snaps[i - 1]['text']}  ({snaps[i - 1]['format']})",
    )
    _sync()
    r, snap = history[s.epoch - 1], snaps[s.snap - 1]
    weights = np.asarray(r["attention"][s.snap - 1])  # (10, len(text))
    example = data.Example(
        snap["text"],
        snap["target"],
        {k: tuple(v) for k, v in snap["spans"].items()},
        snap["format"],
    )
    title = (
        f"{name}, epoch {r['epoch']}: validation exact match {r['val_accuracy']:.2%}, "
        f"loss {r['loss']:.4f}"
    )
    show_figure(
        attention_heatmap(
            weights,
            list(r.get("outputs", [snap["target"]] * len(snaps))[s.snap - 1]),
            list(snap["text"]),
            row_title=AXES.query,
            col_title=AXES.key,
            title=title,
            overlay=date_analysis.gold_cells(example),
            overlay_name="gold field span",
        ),
        "fig_epoch",
        f"{name}_epoch_{r['epoch']}",
        height=380,
    )
    st.caption(
        f"Rows are what the model wrote after epoch {r['epoch']} (gold: {snap['target']}); "
        "outlined cells are the gold field spans. The example dates are test dates, never "
        "trained on."
    )


@st.fragment
def comparison(text: str | None) -> None:
    """Learning curves, accuracy by input length, and two models' heatmaps side by side."""
    st.subheader("Compare the models")
    names = FAMILY.names()
    records = {n: model_or_message(n).training_record for n in names}
    left, right = st.columns(2)
    with left:
        st.markdown("**Learning curves** (validation exact match after each epoch)")
        sequence.accuracy_curves(FAMILY, "fig_curves", "date_learning_curves")
    with right:
        st.markdown("**Accuracy by input length** (fresh test dates)")
        by_length = {n: r["metrics"]["by_length"] for n, r in records.items()}
        colours = {m.name: m.colour for m in FAMILY.models}
        fig = plots.accuracy_by_length(by_length, colours)
        show_figure(fig, "fig_by_length", "date_by_length", 320)
    st.dataframe(
        pd.DataFrame(
            {
                "model": names,
                "test exact match": [
                    f"{r['metrics']['exact_match']:.3%}" for r in records.values()
                ],
                "argmax in gold span": [
                    "—"
                    if r["metrics"]["attention_in_span"] is None
                    else f"{r['metrics']['attention_in_span']:.1%}"
                    for r in records.values()
                ],
                "parameters": [r["metrics"]["parameters"] for r in records.values()],
                "seconds to 99% val": [
                    r["metrics"]["seconds_to_99pct_val"] for r in records.values()
                ],
            }
        ),
        hide_index=True,
    )
    if text is None:
        return
    s = st.session_state
    st.selectbox(
        "Second model, beside the first",
        TASK_MODELS,
        help="Any model that converts dates, the transformer family's transformer-dates too",
        **url_state.bind(PARAMS, "compare"),
    )
    _sync()
    cols = st.columns(2)
    for side, (col, name) in enumerate(zip(cols, (s.model, s.compare), strict=True)):
        with col:
            model = model_or_message(name)
            if model is None:
                continue
            try:
                p = predict(model, name, text)
            except ValueError as e:
                st.error(md_escape(f"{name}: {e}"))
                continue
            except Exception as e:
                show_failure(f"converting this date with {name}", e)
                continue
            st.markdown(f"**{name}** → `{p.text}`")
            if p.attention is None:
                st.info(f"{name} has no attention.")
            else:
                sequence.heatmap(p, AXES, f"fig_side_{side}", f"{name}_attention", height=340)


def batch_conversion(model=None) -> None:
    """Paste lines or upload a file; a table with a validity column and a CSV download."""
    st.subheader("Batch conversion")
    st.caption(
        f"One date per line, at most {date_analysis.MAX_BATCH_ROWS:,} lines; uploads: .txt or .csv "
        f"(first column), UTF-8, at most {date_analysis.MAX_UPLOAD_BYTES // 1000} kB."
    )
    c = st.columns(2)
    c[0].text_area("Paste dates, one per line", height=150, **url_state.bind(PARAMS, "batch"))
    upload = c[1].file_uploader(
        f"…or upload a file (at most {date_analysis.MAX_UPLOAD_BYTES // 1000} kB)",
        type=["txt", "csv", "tsv"],
        key="upload",
    )
    _sync()
    lines = st.session_state.batch.splitlines()
    if upload is not None:
        try:
            lines = date_analysis.lines_from_upload(upload.getvalue(), upload.name)
        except ValueError as e:
            st.error(md_escape(str(e)))
            return
    if not any(line.strip() for line in lines):
        return
    name = st.session_state.model
    try:
        rows = date_analysis.convert_lines(model or model_or_message(name), lines)
    except ValueError as e:
        st.error(md_escape(str(e)))
        return
    except Exception as e:
        show_failure(f"converting the batch with {name}", e)
        return
    table = pd.DataFrame([r.__dict__ for r in rows])
    st.dataframe(table, hide_index=True)
    valid = sum(r.valid_date for r in rows)
    st.caption(f"{len(rows)} lines converted with {name}; {valid} are real dates.")
    st.download_button(
        "Download the table (CSV)",
        date_analysis.rows_to_csv(rows),
        file_name="dates_converted.csv",
        mime="text/csv",
        key="download_batch",
        on_click="ignore",
    )
