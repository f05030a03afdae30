"""What every run of the app needs before its page: app.py calls these at every run."""

from __future__ import annotations

import gc

import streamlit as st

from attention_viz.device import SERVER_THREADS, configure_threads


def prepare_server() -> None:
    """One torch thread per op (see configure_threads), and pandas imported in full.

    plotly looks pandas up in sys.modules without importing it. When a lecture hall opens
    a fresh server at once, one session's thread is still importing pandas when another's
    plotly finds the half-built module and fails ("partially initialized module 'pandas'
    has no attribute 'Series'"). An import statement waits for an import in progress, so
    every run passes here, and through a complete pandas, before its page draws a chart.
    """
    configure_threads(SERVER_THREADS)
    import pandas  # noqa: F401

    global _frozen
    if not _frozen:
        freeze()
        _frozen = True


_frozen = False  # the modules imported by the first run are frozen: once per process


def freeze() -> None:
    """Exempt every object alive now (modules, loaded models) from garbage collection.

    Streamlit collects all generations after every script run (runner.postScriptGC), and
    with torch, pandas and plotly loaded a full collection walks millions of long-lived
    objects: 0.2–0.3 s of one core per run, more than the page itself, with the GIL held.
    Frozen objects are skipped, so it walks only what was made since. Called once after the
    first run's imports and after each model load (ui.widgets), never per run: a cycle of
    garbage frozen by chance (a concurrent run's figure) would never be collected.
    """
    gc.freeze()


RECONNECT_RERUN_SECONDS = 3600.0


@st.fragment(run_every=RECONNECT_RERUN_SECONDS)
def rerun_on_reconnect() -> None:
    """Draws nothing; being a timed fragment makes the browser rerun the page on reconnect.

    After a reconnect the frontend reruns the page only if a run was in flight, the last run
    was a fragment's, or a timed fragment exists. Otherwise a page idle after a full run
    keeps its old elements, and on a new server (another replica, or a restart) the new
    session has never run the script: the first slider move inside a fragment (the kernel
    bandwidth) names a fragment that server never registered, and Streamlit drops it
    without a reply (app_session.request_rerun). With a timed fragment on every page the
    browser reruns the whole page, from its URL and widget values, as soon as it is back;
    the timer itself costs one empty run an hour.
    """
