"""Figures built from plain dicts (plots.spec): plotly's full validation accepts every one of
them, and what show_figure sends is what plotly's own to_dict would have sent."""

from __future__ import annotations

import json
import types

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from attention_viz.families.dates import plots as date_plots
from attention_viz.families.kernel import plots as kernel_plots
from attention_viz.plots import bars, curves, responsive, spec
from attention_viz.plots.heatmap import attention_heatmap

RNG = np.random.default_rng(0)
X = np.sort(RNG.uniform(0, 5, 40))
HISTORY = [
    {"epoch": e, "val_accuracy": e / 4, "loss": 1 / e, "valid_loss": 1.1 / e} for e in (1, 2)
]
EVENTS = [
    types.SimpleNamespace(seconds=s, step=10 * s, loss=1 / s, val_accuracy=s / 4) for s in (1, 2)
]

BUILDERS = {
    "heatmap": lambda: attention_heatmap(
        RNG.dirichlet(np.ones(7), 5), list("abcde"), list("<b>xyz "), title="t", overlay=[(0, 1)]
    ),
    "heatmap, no title, free scale": lambda: attention_heatmap(np.eye(3), "abc", "abc", zmax=None),
    "step bars with a gold span": lambda: bars.step_bars(np.ones(4) / 4, "abcd", span=(1, 3)),
    "step bars": lambda: bars.step_bars(np.ones(4) / 4, "abcd", title="step 1"),
    "candidates": lambda: bars.candidate_bars([("a", 0.7), ("b", 0.2)]),
    "entropy": lambda: bars.entropy_bars(np.array([0.1, 1.2]), ["x", "y"], 2.0),
    "accuracy curves": lambda: curves.accuracy_curves({"m": HISTORY, "n": HISTORY}, {"m": "#f00"}),
    "loss curves": lambda: curves.loss_curves(HISTORY),
    "accuracy by length": lambda: date_plots.accuracy_by_length(
        {"m": [{"chars": "8-10", "accuracy": 0.9, "n": 5}]}, {}
    ),
    "live curves": lambda: date_plots.live_curves(EVENTS, 0.99),
    "live curves, no events": lambda: date_plots.live_curves([], 0.99),
    "kernel fit": lambda: kernel_plots.fit_figure(
        X, np.sin(X), X, np.sin(X), np.cos(X), 2.5, 0.3, np.ones(40) / 40
    ),
    "kernel heatmap": lambda: kernel_plots.kernel_heatmap(np.eye(40) + 0.0, X, X, True),
    "kernel error": lambda: kernel_plots.error_figure(X, X - 2),
    "leave-one-out": lambda: kernel_plots.loo_figure(
        np.geomspace(0.1, 10, 9), np.ones(9), 1.0, 2.0
    ),
    "learned width": lambda: kernel_plots.training_figure(np.ones(5), np.ones(6)),
}  # fmt: skip


@pytest.mark.parametrize("name", BUILDERS)
def test_plotly_validation_accepts_every_built_figure(name):
    fig = BUILDERS[name]()
    go.Figure(fig.to_dict())  # raises on any property plotly does not know or any bad value
    assert fig.data, "a figure with no trace draws nothing"


@pytest.mark.parametrize("name", BUILDERS)
def test_the_chart_sent_is_the_figure_plotly_would_send(name):
    """What show_figure sends equals the same figure after plotly's full validation, which
    coerces as it checks (named colour scales to colours, strings to title objects)."""
    fig = BUILDERS[name]()
    # As Streamlit's plotly_chart serialises it: to_dict(), then to_json without validation.
    sent = json.loads(pio.to_json(spec.Prebuilt(spec.as_json_ready(fig)).to_dict(), validate=False))
    assert sent == json.loads(pio.to_json(go.Figure(fig.to_dict())))


def test_sending_a_figure_leaves_it_unchanged():
    fig = BUILDERS["heatmap"]()
    before = pio.to_json(fig.to_dict(), validate=False)
    responsive.styled(spec.as_json_ready(fig), 22, 300)
    assert pio.to_json(fig.to_dict(), validate=False) == before


def test_styled_sets_the_font_on_every_axis_legend_and_note_and_lets_margins_grow():
    fig = go.Figure(responsive.styled(BUILDERS["step bars with a gold span"]().to_dict(), 22, 300))
    assert fig.layout.font.size == 22 and fig.layout.legend.font.size == 22
    assert fig.layout.hoverlabel.font.size == 22 and fig.layout.height == 300
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        assert axis.tickfont.size == 22 and axis.title.font.size == 22 and axis.automargin
    assert [a.font.size for a in fig.layout.annotations] == [22]


def test_none_means_unset_as_in_plotly():
    fig = spec.figure([{"type": "scatter", "x": [1], "line": None}], title=None, height=200)
    assert "line" not in fig.to_dict()["data"][0] and "title" not in fig.to_dict()["layout"]
