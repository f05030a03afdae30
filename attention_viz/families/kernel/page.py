"""Nadaraya–Watson kernel regression: attention pooling with a kernel-width slider.

Data controls rerun the page; model controls live in a fragment and rerun only the charts.
"""

from __future__ import annotations

import contextlib

import numpy as np
import streamlit as st

from attention_viz import kernel_regression as kr
from attention_viz.analysis.tables import matrix_csv
from attention_viz.attention import KERNELS
from attention_viz.families.kernel import plots
from attention_viz.families.kernel.data import FUNCTIONS, query_grid, sample
from attention_viz.ui import stage, url_state
from attention_viz.ui.widgets import (
    md_escape,
    presenting,
    show_failure,
    show_figure,
    show_warnings,
)

BANDWIDTHS = sorted(
    {round(m * 10.0**e, 6) for e in range(-3, 3) for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8)}
    | {1000.0}
)  # log-spaced "nice" values from 1e-3 to 1e3
N_TRAIN = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]
N_QUERY = [20, 50, 100, 200, 500, 1000]
POOLING = {
    "average": "Average pooling",
    "kernel": "Kernel (fixed width)",
    "learned": "Learned width",
}
HEATMAP_CELLS = 200  # per side; larger weight matrices are binned
LOO_QUERIES = 1000  # above this many points the LOO curve is estimated from a sample
CSV_CELLS = 1_000_000  # larger weight matrices download as the binned heatmap

PARAMS = [  # bind=True: Streamlit keeps it in the URL; the others are url_state's (see there)
    url_state.choice("function", list(FUNCTIONS), "d2l"),  # shown with its formula
    url_state.integer_choice("n_train", N_TRAIN, 50, bind=True),
    url_state.number("noise", 0.0, 2.0, 0.5, bind=True),
    url_state.integer("seed", 0, 2**31 - 1, 0),  # an integer number_input
    url_state.integer_choice("n_query", N_QUERY, 100, bind=True),
    url_state.choice("pooling", list(POOLING), "kernel"),  # shown with labels
    url_state.choice("kernel", list(KERNELS), "gaussian", bind=True),
    url_state.snapped("bandwidth", BANDWIDTHS, 0.5),
    url_state.number("query", 0.0, 5.0, 2.5, bind=True),
]

KERNEL_LATEX = {
    "gaussian": r"K(u) = e^{-u^2/2}",
    "laplace": r"K(u) = e^{-|u|}",
    "epanechnikov": r"K(u) = \max(0,\ 1 - u^2)",
    "boxcar": r"K(u) = \mathbb{1}[|u| \le 1]",
}


@st.cache_data(max_entries=32, show_spinner=False)
def _loo(function: str, n_train: int, noise: float, seed: int, kernel: str) -> kr.LOOCurve:
    x, y = sample(function, n_train, noise, seed)
    return kr.loo_curve(x, y, BANDWIDTHS, kernel, max_queries=LOO_QUERIES, seed=seed)


def main() -> None:
    stage.heading(
        "Nadaraya–Watson kernel regression",
        "Attention pooling in its simplest form: the **queries** are test inputs x, the "
        "**keys** are the training inputs xᵢ and the **values** their targets yᵢ. Each "
        "prediction is an attention-weighted average of the values.",
    )
    show_warnings(url_state.restore(PARAMS))
    # Presenting, the model's controls and the fit come first and the data controls below;
    # the data widgets are still drawn first, so the fragment reads their values.
    top = st.container() if presenting() else None
    with st.expander("Data", expanded=True):
        c = st.columns(5)
        c[0].selectbox(
            "True function",
            list(FUNCTIONS),
            key="function",
            format_func=lambda k: f"{k}: {FUNCTIONS[k].latex.replace(chr(92), '')}",
        )
        c[1].select_slider("Training points n", N_TRAIN, **url_state.bind(PARAMS, "n_train"))
        c[2].slider("Noise σ", 0.0, 2.0, step=0.05, **url_state.bind(PARAMS, "noise"))
        c[3].number_input("Seed", 0, 2**31 - 1, step=1, key="seed")
        c[4].select_slider("Query points", N_QUERY, **url_state.bind(PARAMS, "n_query"))
    with top or contextlib.nullcontext():
        model_view()


@st.fragment
def model_view() -> None:
    """Everything a model control changes; reruns alone when one of them moves."""
    s = st.session_state
    function, n_train, noise, seed = s.function, s.n_train, s.noise, s.seed
    x_train, y_train = sample(function, n_train, noise, seed)
    x_query = query_grid(function, s.n_query)
    y_true = FUNCTIONS[function].f(x_query)

    beside = stage.columns()  # presenting: the controls in a column beside the fit
    c = [beside[0]] * 4 if beside else [*st.columns([2, 2, 4]), st.container()]
    c[0].radio("Pooling", list(POOLING), key="pooling", format_func=POOLING.get)
    c[1].selectbox(
        "Kernel", list(KERNELS), disabled=s.pooling == "average", **url_state.bind(PARAMS, "kernel")
    )
    c[2].select_slider(
        "Bandwidth h (log scale)" if s.pooling != "learned" else "Initial width h (log scale)",
        BANDWIDTHS,
        key="bandwidth",
        format_func=lambda v: f"{v:g}",
        disabled=s.pooling == "average",
        help="Kernel width: small h looks only at the nearest keys, large h averages them all.",
    )
    c[3].slider("Chosen query x", 0.0, 5.0, step=0.05, **url_state.bind(PARAMS, "query"))
    url_state.sync(PARAMS)

    try:
        bandwidth, fit = _bandwidth(x_train, y_train)
        if s.pooling == "average":
            y_hat, weights = kr.average_pooling(x_train, y_train, x_query)
        else:
            y_hat, weights = kr.nadaraya_watson(x_train, y_train, x_query, s.kernel, bandwidth)
        loo = _loo(function, n_train, noise, seed, s.kernel)
        # The chosen query is pooled on its own, at exactly the x the slider shows.
        xq = np.array([s.query])
        if s.pooling == "average":
            yq, wq = kr.average_pooling(x_train, y_train, xq)
        else:
            yq, wq = kr.nadaraya_watson(x_train, y_train, xq, s.kernel, bandwidth)
    except ValueError as e:
        st.error(md_escape(str(e)))
        return
    except Exception as e:  # the error boundary: this session sees a message, others go on
        show_failure("pooling", e)
        return
    truth_q = float(FUNCTIONS[function].f(xq)[0])

    left, right = (beside[1], st.container()) if beside else st.columns([3, 2])
    with left:
        st.subheader("Fit")
        fig = plots.fit_figure(x_train, y_train, x_query, y_true, y_hat, s.query, yq[0], wq[0])
        show_figure(fig, "fit", "kernel_regression_fit", height=420)
    with right:
        _explain(bandwidth, x_train, s.query, float(yq[0]), truth_q, y_hat - y_true, loo)

    left, right = st.columns([3, 2])
    with left:
        st.subheader("Attention weights: query × key")
        z, row_x, col_x, binned = plots.display_weights(weights, x_query, x_train, HEATMAP_CELLS)
        heat = plots.kernel_heatmap(z, row_x, col_x, binned)
        show_figure(heat, "heatmap", "kernel_regression_weights", height=460)
        if binned:
            st.info(
                f"The heatmap is reduced to at most {HEATMAP_CELLS}×{HEATMAP_CELLS} cells from "
                f"{weights.shape[0]:,} queries × {weights.shape[1]:,} keys: each cell is the "
                "total weight of the keys in its column bin, averaged over the queries in its "
                "row bin (rows still sum to 1)."
            )
        _download(weights, x_query, x_train, (z, row_x, col_x) if binned else None)
    with right:
        st.subheader("Error against the truth")
        show_figure(plots.error_figure(x_query, y_hat - y_true), "error", "kernel_error", 220)
        st.subheader("Leave-one-out error")
        current = None if s.pooling == "average" else bandwidth
        show_figure(
            plots.loo_figure(loo.bandwidths, loo.errors, current, loo.best_bandwidth),
            "loo",
            "kernel_loo",
            240,
        )
        if n_train > LOO_QUERIES:
            st.caption(f"Estimated from {LOO_QUERIES:,} held-out points out of {n_train:,}.")
    if fit is not None:
        st.subheader("Training the width")
        show_figure(plots.training_figure(fit.losses, fit.bandwidths), "training", "width", 260)


def _bandwidth(x_train: np.ndarray, y_train: np.ndarray) -> tuple[float, kr.ParametricFit | None]:
    """The width to pool with; for learned pooling, train it (once per data and start)."""
    s = st.session_state
    if s.pooling != "learned":
        return s.bandwidth, None
    key = (s.function, s.n_train, s.noise, s.seed, s.kernel, s.bandwidth)
    fits = s.setdefault("learned_fits", {})
    if key not in fits:
        progress = st.progress(0.0, text="Training the width by SGD…")
        live = st.empty()
        losses: list[float] = []

        def report(step: int, steps: int, loss: float, h: float) -> None:
            losses.append(loss)
            progress.progress(step / steps, text=f"step {step}/{steps}: loss {loss:.4f}, h {h:.4g}")
            if step % 10 == 0:  # a redraw costs more than a step at small n
                live.line_chart({"LOO loss (batch)": losses}, height=200)

        fits[key] = kr.fit_parametric(
            x_train, y_train, s.kernel, init_bandwidth=s.bandwidth, seed=s.seed, callback=report
        )
        progress.empty()
        live.empty()
    return fits[key].bandwidth, fits[key]


def _explain(h, x_train, xq, yq, truth, error, loo) -> None:
    s = st.session_state
    st.subheader("The formula, now")
    n = len(x_train)
    if s.pooling == "average":
        st.latex(r"\hat y(x) = \frac{1}{n}\sum_{i=1}^{n} y_i \qquad n = %d" % n)
    else:
        st.latex(
            r"\hat y(x) = \sum_{i=1}^{n} \frac{K\!\left(\frac{x - x_i}{h}\right)}"
            r"{\sum_{j=1}^{n} K\!\left(\frac{x - x_j}{h}\right)}\, y_i"
        )
        st.latex(KERNEL_LATEX[s.kernel] + r",\quad h = %s,\quad n = %d" % (f"{h:.4g}", n))
    st.latex(r"\hat y(%.2f) = %.3f \quad (\text{truth } %.3f)" % (xq, yq, truth))
    st.latex(r"f(x) = " + FUNCTIONS[s.function].latex)
    m = st.columns(3)
    m[0].metric("MSE vs truth", f"{float(np.mean(error**2)):.4f}")
    if s.pooling == "average":
        m[1].metric("h", "∞")
    else:
        label = "learned h" if s.pooling == "learned" else "h"
        m[1].metric(label, f"{h:.4g}")
    m[2].metric("best LOO h", f"{loo.best_bandwidth:.3g}")


def _download(weights, x_query, x_train, binned) -> None:
    """CSV of the weights, built only when the button is clicked."""
    full = weights.size <= CSV_CELLS
    z, rows, cols = (weights, x_query, x_train) if full or binned is None else binned

    def table() -> str:
        header = ["query x \\ key x", *(f"{c:.6g}" for c in cols)]
        return matrix_csv(header, z, (f"{r:.6g}" for r in rows))

    label = "Download the weights (CSV)" if full else "Download the binned weights shown (CSV)"
    st.download_button(
        label,
        table,
        file_name="kernel_regression_weights.csv",
        mime="text/csv",
        key="download_weights",
        on_click="ignore",
        help=None if full else f"The full matrix has over {CSV_CELLS:,} weights.",
    )


main()
