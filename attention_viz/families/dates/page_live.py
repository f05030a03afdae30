"""The date page's "Train from scratch" section: date-attention trained live, in this session.

The training runs on a background thread (live_jobs); a fragment polls it twice a second
and redraws the progress bar, the curves and the attention of the watched input. One
training at a time per server (a process-wide TrainingSlot, cached as a resource). The
trained model is this session's alone (session_state), never written to pretrained/.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import replace

import streamlit as st

from attention_viz.analysis.tables import matrix_csv
from attention_viz.families.dates import live, live_jobs, plots, vocab
from attention_viz.families.dates import page_sections as sections
from attention_viz.plots.heatmap import attention_heatmap
from attention_viz.ui import url_state
from attention_viz.ui.widgets import md_escape, show_figure

POLL_SECONDS = 0.5  # redraw interval while a training runs
LIVE_NAME = "date-attention"  # the model a live training replaces, for this session
MODEL_KEY, INFO_KEY, JOB_KEY, OWNER_KEY = "live_model", "live_info", "live_job", "live_owner"
ERROR_KEY = "live_refused"  # why Start was refused, shown once


@st.cache_resource
def training_slot() -> live_jobs.TrainingSlot:
    """One per server process: admits one training at a time, across sessions."""
    return live_jobs.TrainingSlot()


@st.cache_resource(show_spinner="Generating and encoding the training dates (once per server)…")
def prepared_data(pool: int) -> live.Prepared:
    return live.prepare(replace(live.LiveConfig(), pool_examples=pool))


def config_for(steps: int) -> live.LiveConfig:
    """The live recipe with a step budget; short budgets validate more often, on fewer data."""
    base = live.LiveConfig()
    return replace(
        base,
        max_steps=steps,
        eval_every=max(1, min(base.eval_every, steps // 4)),
        pool_examples=min(base.pool_examples, max(steps * base.batch_size, 5_000)),
    )


def session_model(name: str):
    """The model this session trained, if it replaces `name`; else None (use the shipped)."""
    return st.session_state.get(MODEL_KEY) if name == LIVE_NAME else None


def banner(name: str) -> None:
    """Say, at the top of the page, that this session's own model is in use."""
    info = st.session_state.get(INFO_KEY)
    if session_model(name) is not None and info is not None:
        st.info(
            f"This session uses the {LIVE_NAME} you trained here ({info}) for the output, the "
            "heatmap, the step-through, teacher forcing and batch conversion. The comparison "
            "and the epoch scrubber show the shipped models. "
            '"Use the shipped model again" is in the Train from scratch section.',
            icon=":material/model_training:",
        )


def _forget() -> None:
    for key in (MODEL_KEY, INFO_KEY, JOB_KEY):
        st.session_state.pop(key, None)


def section() -> None:
    """Start/stop buttons, the budget and watched input, then the live progress."""
    st.subheader("Train from scratch")
    st.caption(
        f"Trains a fresh {LIVE_NAME} here and now: one torch thread, batches of "
        f"{live.LiveConfig().batch_size} dates of one length each, Adam with a warm-up and a "
        "cosine decay. It stops at 99.9% validation exact match, at the step budget, or when "
        "you press Stop. The model is used on this page for this session only."
    )
    s = st.session_state
    s.setdefault(OWNER_KEY, uuid.uuid4().hex)
    job: live_jobs.TrainingJob | None = s.get(JOB_KEY)
    running = job is not None and not job.finished
    c = st.columns([4, 2, 2, 2], vertical_alignment="bottom")
    c[0].text_input(
        "Input whose attention to watch",
        max_chars=vocab.MAX_INPUT_CHARS,
        **url_state.bind(sections.PARAMS, "watch"),
    )
    c[1].number_input("Step budget", 10, 2_000, step=50, **url_state.bind(sections.PARAMS, "steps"))
    c[2].button(
        "Start training",
        key="live_start",
        icon=":material/play_arrow:",
        disabled=running,
        on_click=_start,
    )
    c[3].button(
        "Stop", key="live_stop", icon=":material/stop:", disabled=not running, on_click=_stop
    )
    url_state.sync(sections.PARAMS)
    if (refused := s.pop(ERROR_KEY, None)) is not None:
        st.error(md_escape(refused))
    other = training_slot().running()
    if other is not None and other is not job:
        st.warning(
            f"A training is running in another session: {other.elapsed():.0f} s elapsed "
            f"({other.describe()}). One training runs at a time on this server; press Start "
            "again when it has ended.",
            icon=":material/hourglass_top:",
        )
    if job is not None:
        _progress(job)
    if s.get(MODEL_KEY) is not None:
        st.button(
            f"Use the shipped {LIVE_NAME} again",
            key="live_forget",
            icon=":material/undo:",
            on_click=_forget,
        )


def _start() -> None:
    """Start button (a callback: the page then draws with the job running)."""
    s = st.session_state
    try:
        config = config_for(int(s.steps))
        trainer = live.LiveTrainer(config, prepared_data(config.pool_examples), s.watch)
        s[JOB_KEY] = training_slot().start(s[OWNER_KEY], trainer)
    except (ValueError, live_jobs.Busy) as e:
        s[ERROR_KEY] = str(e)


def _stop() -> None:
    job = st.session_state.get(JOB_KEY)
    if job is not None:
        job.stop()


def _progress(job: live_jobs.TrainingJob) -> None:
    """Redrawn every POLL_SECONDS while the job runs; adopts the model when it ends."""

    @st.fragment(run_every=None if job.finished else POLL_SECONDS)
    def view() -> None:
        _draw(job)
        s = st.session_state
        if job.finished and s.get(JOB_KEY) is job and s.get("live_adopted") is not job:
            s.live_adopted = job
            if job.error is None and job.events:
                e = job.events[-1]
                s[MODEL_KEY] = job.trainer.model
                s[INFO_KEY] = f"{e.step} steps, {e.seconds:.1f} s, {e.val_accuracy:.2%} validation"
            st.rerun(scope="app")  # the page above now uses the new model; polling stops

    view()


def _draw(job: live_jobs.TrainingJob) -> None:
    config, events = job.trainer.config, list(job.events)
    if job.error is not None:
        st.error(md_escape(f"The training failed: {job.error}"))
    if not events:
        st.progress(0.0, text=f"starting: scoring the untrained model… ({job.elapsed():.0f} s)")
        return
    e = events[-1]
    verdict = {
        "target": f"reached the target {config.target:.1%}",
        "budget": "used its step budget",
        "stopped": "stopped",
    }.get(e.reason, "stopping…" if job.stopping else "training…")
    st.progress(
        min(e.step / config.max_steps, 1.0),
        text=(
            f"step {e.step} of {config.max_steps}: {e.seconds:.1f} s of training, "
            f"validation exact match {e.val_accuracy:.2%}, loss {_loss(e)}; {verdict}"
        ),
    )
    left, right = st.columns(2)
    with left:
        show_figure(plots.live_curves(events, config.target), "fig_live_curves", "live_curves", 330)
        value = r"\text{(no step yet)}" if math.isnan(e.loss) else f"{e.loss:.4f}"
        st.latex(r"L = -\frac{1}{10}\sum_{t=1}^{10} \log p(y_t \mid y_{<t}, x) = " + value)
    with right:
        _watched(job.trainer.watch.strip(), e)


def _loss(e: live.Progress) -> str:
    return "n/a (no step yet)" if math.isnan(e.loss) else f"{e.loss:.4f}"


def _watched(watch: str, e: live.Progress) -> None:
    if e.attention is None:
        st.info("This decoder has no attention to show.")
        return
    title = f"after step {e.step}: {watch} → {e.output}"
    fig = attention_heatmap(
        e.attention,
        list(e.output),
        list(watch),
        row_title=sections.AXES.query,
        col_title=sections.AXES.key,
        title=title,
    )
    show_figure(fig, "fig_live_attention", "live_attention", 330)
    header = ["output \\ input", *(f"{i}:{t}" for i, t in enumerate(watch))]
    st.download_button(
        "Download these weights (CSV)",
        matrix_csv(header, e.attention, [f"{i}:{t}" for i, t in enumerate(e.output)]),
        file_name=f"live_attention_step_{e.step}.csv",
        mime="text/csv",
        key="csv_live_attention",
        on_click="ignore",
    )
    st.latex(
        r"a_{t,j} = \frac{\exp(h_t \cdot s_j)}{\sum_{k=1}^{"
        + str(len(watch))
        + r"} \exp(h_t \cdot s_k)}"
    )
