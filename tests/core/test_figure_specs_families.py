"""The family pages' figures built from plain dicts (plots.spec): plotly's full validation
accepts every one of them, and what show_figure sends is what plotly's own to_dict would send.

Inputs are seeded and made once (cached), so every call builds the same figure and timing a
builder times the figure alone.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.subplots import make_subplots

from attention_viz.families.captioning import plots as caption_plots
from attention_viz.families.memory import plots as memory_plots
from attention_viz.families.selfattention import plots as sa_plots
from attention_viz.families.selfattention.steps import Options, self_attention_steps
from attention_viz.families.transformer import plots as transformer_plots
from attention_viz.plots import grid, spec
from attention_viz.quiz import plots as quiz_plots

WORDS = ["the", "<b>cat</b>", " ", "sat", "on"]


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


@functools.cache
def steps(n_heads: int = 2, d_model: int = 8, n_tokens: int = 5, **options):
    """Self-attention steps of random vectors and weights: (T, D) input, H heads."""
    r, e = rng(n_heads + d_model), d_model // n_heads
    w_q, w_k, w_v = r.normal(0, 0.5, (3, n_heads, d_model, e))
    x, w_o = r.standard_normal((n_tokens, d_model)), r.normal(0, 0.5, (d_model, d_model))
    return self_attention_steps(x, w_q, w_k, w_v, w_o, Options(**options))


@functools.cache
def head_weights(L: int, H: int, T_q: int = 4, T_k: int = 5) -> np.ndarray:
    return rng(L * H).dirichlet(np.ones(T_k), (L, H, T_q))  # (L, H, T_q, T_k)


def head_grid(L, H, selected, ablated=()):
    w = head_weights(L, H)
    return transformer_plots.head_grid(w, WORDS[:4], WORDS, selected, ablated)


@functools.cache
def memory_heads(n: int = 8) -> dict[str, np.ndarray]:
    return {"write": rng(1).dirichlet(np.ones(n)), "read": rng(2).dirichlet(np.ones(n))}


@functools.cache
def stages(n: int) -> dict[str, np.ndarray]:
    names = ("previous", "content", "gated", "shifted", "sharpened")
    return {name: rng(i).dirichlet(np.ones(n)) for i, name in enumerate(names)}


TARGET = rng(3).integers(0, 2, (4, 6))
WRONG = TARGET.copy()
WRONG[1, 2] = 1 - WRONG[1, 2]
P_ONE = rng(4).uniform(0, 1, (4, 6))
MEMORY = rng(9).normal(0, 1, (8, 5))
OVER_TIME = rng(10).dirichlet(np.ones(7), 4)


@functools.cache
def heads_over_time(n_steps: int) -> dict[str, dict[str, np.ndarray]]:
    def head(seed):
        r = rng(seed)
        return {k: r.uniform(0, 1, n_steps) for k in ("gate", "shift", "gamma", "beta")}

    return {"write": head(5), "read": head(6)}


def parameters(n_steps: int):
    heads = heads_over_time(n_steps)
    return memory_plots.head_parameters_figure(heads, [f"s{i}" for i in range(n_steps)])


P, G = 32, 4
IMAGE = rng(7).integers(0, 256, (P, P, 3), dtype=np.uint8)
GOLD = np.zeros((P, P), dtype=bool)
GOLD[4:12, 8:20] = True
ATTENTION = rng(8).dirichlet(np.ones(G * G), 3).reshape(3, G, G)  # (T, G, G)


def panels(attention, columns: int = 6, grid_lines: bool = False):
    return caption_plots.word_panels(
        IMAGE, attention, ["a", "<i>red</i>", "circle"], [GOLD, None, GOLD], columns, grid_lines
    )


def word_view(grid_lines: bool = True):
    return caption_plots.word_view(IMAGE, ATTENTION[0], "red", GOLD, grid_lines, "step 1: red")


BUILDERS = {
    "head grid, one head outlined, one off": lambda: head_grid(2, 3, (1, 2), [(0, 1)]),
    "head grid, first head outlined": lambda: head_grid(3, 2, (0, 0)),
    "head grid, one head, none outlined": lambda: head_grid(1, 1, None),
    "head grid, 2 x 4": lambda: head_grid(2, 4, (1, 3)),
    "step rows": lambda: transformer_plots.step_rows(
        head_weights(2, 3)[:, :, 0].reshape(6, -1),
        WORDS,
        [f"L{i // 3} H{i % 3}" for i in range(6)],
        "t",
    ),
    "input, X + P": lambda: sa_plots.input_figure(steps(), WORDS),
    "input, no positions": lambda: sa_plots.input_figure(steps(positions=False), WORDS),
    "input, too wide to annotate": lambda: sa_plots.input_figure(steps(1, 20), WORDS),
    "projections, two heads": lambda: sa_plots.projection_figure(steps(), 1, WORDS),
    "projections, one head": lambda: sa_plots.projection_figure(steps(1), 0, WORDS),
    "scores, causal": lambda: sa_plots.score_figure(steps(causal=True), 0, WORDS),
    "scores, unscaled": lambda: sa_plots.score_figure(steps(scale=False), 1, WORDS),
    "heads": lambda: sa_plots.heads_figure(steps(4), WORDS),
    "output, two heads": lambda: sa_plots.output_figure(steps(), WORDS),
    "output, one head, 16 wide": lambda: sa_plots.output_figure(steps(1, 16, 3), WORDS[:3]),
    "saturation": lambda: sa_plots.saturation_figure(
        [4, 8, 16], [0.5, 0.7, 0.9], [0.4, 0.45, 0.5], 8
    ),
    "memory with heads": lambda: memory_plots.memory_heatmap(MEMORY, memory_heads(), "step 3"),
    "memory alone": lambda: memory_plots.memory_heatmap(MEMORY[:, :3]),
    "memory, one head": lambda: memory_plots.memory_heatmap(MEMORY, {"w": memory_heads()["read"]}),
    "addressing stages": lambda: memory_plots.stage_bars(stages(8), {"content": "by content"}),
    "addressing stages, many slots": lambda: memory_plots.stage_bars(
        dict(list(stages(20).items())[:2]), {}
    ),
    "weights over time": lambda: memory_plots.weights_over_time(OVER_TIME, list("abcd"), "w"),
    "bits, one wrong": lambda: memory_plots.bits_grid(TARGET, WRONG, P_ONE),
    "bits, all right": lambda: memory_plots.bits_grid(TARGET, TARGET, P_ONE),
    "head parameters": lambda: parameters(6),
    "head parameters, long": lambda: parameters(70),
    "word panels": lambda: panels(ATTENTION, grid_lines=True),
    "word panels, two rows": lambda: panels(ATTENTION, columns=3),
    "word panels, no attention": lambda: panels(None),
    "word view": word_view,
    "word view, no grid": lambda: word_view(False),
    "region bars": lambda: caption_plots.region_bars(ATTENTION[1]),
    "quiz cells": lambda: quiz_plots.cell_grid(IMAGE, 4),
    "quiz cells over a word view, picked": lambda: quiz_plots.add_cells(word_view(False), P, 4, 6),
    "quiz cells over a word view": lambda: quiz_plots.add_cells(word_view(False), P, 2),
}


def sent_as_is(fig: go.Figure) -> dict:
    """What show_figure hands the browser: the figure's dict serialised without validation,
    as Streamlit serialises a Prebuilt figure."""
    return json.loads(pio.to_json(spec.Prebuilt(spec.as_json_ready(fig)), validate=False))


@pytest.mark.parametrize("name", BUILDERS)
def test_nothing_sent_is_rewritten_by_plotly_validation(name):
    """plotly's full validation accepts every family figure (to_json validates: it raises on
    a property plotly does not know) and rewrites nothing of what is sent, where plotly.js
    would read something else: a named colour scale (plotly.js has other scales under some
    of the same names), a title given as a bare string. The shared builders: the same test
    in test_figure_specs.py."""
    fig = BUILDERS[name]()
    assert fig.data, "a figure with no trace draws nothing"
    assert sent_as_is(fig) == json.loads(pio.to_json(fig.to_dict()))


@pytest.mark.parametrize(
    "rows, cols, options",
    [
        (1, 1, {}),
        (2, 3, {"horizontal_spacing": 0.02, "vertical_spacing": 0.06}),
        (4, 1, {"shared_xaxes": True, "vertical_spacing": 0.05}),
        (1, 4, {"shared_yaxes": True, "column_widths": [1.2, 1.2, 1.2, 7]}),
        (3, 5, {"shared_xaxes": True, "shared_yaxes": True}),
    ],
)
@pytest.mark.parametrize("titled", [False, True])
def test_a_grid_is_the_layout_make_subplots_writes(rows, cols, options, titled):
    titles = [f"cell {i}" if i % 2 else "" for i in range(rows * cols - 1)] if titled else None
    expected = make_subplots(rows, cols, subplot_titles=titles, **options).to_dict()["layout"]
    del expected["template"]
    assert json.dumps(grid.subplots(rows, cols, titles, **options), sort_keys=True) == json.dumps(
        expected, sort_keys=True
    )  # to the last digit of every domain


def test_amending_a_figure_leaves_it_unchanged():
    view = word_view(True)
    before = pio.to_json(view.to_dict())
    cells = quiz_plots.add_cells(view, P, 4, 6)
    assert pio.to_json(view.to_dict()) == before
    assert len(cells.layout.shapes) == len(view.layout.shapes) + 2 * 3 + 1  # lines, outline
    assert [a.text for a in cells.layout.annotations][-1] == "D4"
