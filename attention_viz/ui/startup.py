"""What the server process needs before any page runs; app.py calls it at every run."""

from __future__ import annotations

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
