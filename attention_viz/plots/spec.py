"""Figures built from plain dicts: what a page can afford on every rerun of every session.

plotly's graph objects validate every property on every assignment: one token heatmap built
with `go.Figure(go.Heatmap(...))` and `update_layout(...)` costs 15–40 ms of Python, ten of
them a page run, and a lecture hall of sessions waits on that one core (the GIL). The same
figure written as the JSON plotly.js reads, wrapped without validation, costs well under a
millisecond and is still a `go.Figure` for notebooks and tests. Validation is not lost, it
moves to the tests: tests/core/test_figure_specs.py rebuilds every builder's figure with
full validation, so a misspelt property fails there, not silently in the browser.

The shape helpers write what `fig.add_vline` and friends write, without their machinery.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.basevalidators import ColorscaleValidator
from _plotly_utils.utils import to_typed_array_spec

# Keys whose arrays plotly.js wants as plain lists (as plotly's own convert_to_base64 skips
# them), and the template, which holds no arrays and is the largest part of the layout.
_PLAIN = frozenset({"geojson", "layer", "layers", "range", "template"})


def figure(data: list[dict], **layout: Any) -> go.Figure:
    """A figure from trace dicts ({"type": "heatmap", ...}) and layout properties, unchecked.

    A property given as None is left out (as plotly's own constructors treat None: unset).
    A colour scale still given by name becomes its stops (see colorscale), a safety net for
    builders that pass a name through.
    """
    layout = {"template": _template(pio.templates.default), **_set(layout)}
    traces = [_named_scales(_set(trace)) for trace in data]
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def _named_scales(trace: dict) -> dict:
    for part in (trace, trace.get("marker"), trace.get("line")):
        if isinstance(part, dict) and isinstance(part.get("colorscale"), str):
            part["colorscale"] = colorscale(part["colorscale"])
    return trace


@functools.cache
def _template(name: str | None) -> dict | None:
    """The default template as a dict, made once: plotly would copy it into every figure.
    Shared by every figure, so never changed (responsive.styled copies what it changes)."""
    return pio.templates[name].to_plotly_json() if name else None


def _set(properties: dict) -> dict:
    return {k: v for k, v in properties.items() if v is not None}


@functools.cache
def colorscale(name: str) -> tuple[tuple[float, str], ...]:
    """A named colour scale as the (position, colour) stops plotly's validation writes.

    Never send the name itself: plotly.js has scales of its own under some of the same names
    ("Blues" there runs from dark blue to grey) and knows nothing of others ("Oranges",
    "RdBu_r"), so the chart would not be the one plotly.py draws.
    """
    stops = ColorscaleValidator("colorscale", "heatmap").validate_coerce(name)
    return tuple((at, colour) for at, colour in stops)


def amended(fig: go.Figure, **layout: Any) -> go.Figure:
    """A copy of a figure built here with layout properties added, unchecked.

    A dict is merged into the one there (one level deep: `xaxis={"dtick": 1}` keeps the
    axis title); a list (shapes, annotations) is appended to the one there; anything else
    replaces what is there. The figure given is not changed.
    """
    merged = dict(fig._layout)  # a figure's own dicts, as as_json_ready reads them
    for key, value in _set(layout).items():
        there = merged.get(key)
        if isinstance(value, dict) and isinstance(there, dict):
            value = {**there, **value}
        elif isinstance(value, list) and isinstance(there, (list, tuple)):
            value = [*there, *value]
        merged[key] = value
    return go.Figure({"data": fig._data, "layout": merged}, _validate=False)


def vline(x: float, line: dict) -> dict:
    """A vertical line at data x across the whole plot height (a layout shape)."""
    return {"type": "line", "xref": "x", "yref": "y domain", "x0": x, "x1": x, "y0": 0,
            "y1": 1, "line": line}  # fmt: skip


def hline(y: float, line: dict, yref: str = "y") -> dict:
    """A horizontal line at data y across the whole plot width (a layout shape)."""
    return {"type": "line", "xref": "x domain", "yref": yref, "x0": 0, "x1": 1, "y0": y,
            "y1": y, "line": line}  # fmt: skip


def vrect(x0: float, x1: float, **style: Any) -> dict:
    """A band from data x0 to x1 over the whole plot height (a layout shape)."""
    return {"type": "rect", "xref": "x", "yref": "y domain", "x0": x0, "x1": x1, "y0": 0,
            "y1": 1, **style}  # fmt: skip


def note(text: str, x: float, y: float, xref: str = "x", yref: str = "y domain", **kw) -> dict:
    """A text label at (x, y) without an arrow (a layout annotation)."""
    return {"text": text, "x": x, "y": y, "xref": xref, "yref": yref, "showarrow": False, **kw}


def as_json_ready(fig: go.Figure) -> dict:
    """The figure's data and layout as plotly.js reads them, without copying the figure.

    Numeric numpy arrays become plotly's typed-array specs (base64), as `fig.to_dict()`
    would make them, but in new containers: the figure itself is not changed. This reads
    the figure's own dicts (`_data`, `_layout`): `to_dict()` deep-copies them first, which
    for a heatmap's per-cell hover labels costs more than building the figure did.
    """
    return {"data": _encoded(fig._data), "layout": _encoded(fig._layout)}


def _encoded(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: v if k in _PLAIN else _encoded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encoded(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_typed_array_spec(value)  # numeric: base64; other dtypes: the array as is
    return value


class Prebuilt(go.Figure):
    """A figure already built and checked, as its dict: all Streamlit's plotly_chart reads
    of a BaseFigure is `to_dict()`, which it takes as it is (a plain dict it would validate
    again). Nothing else may use it: plotly's own state is never set up, because a Figure's
    constructor deep-copies its template (1 ms, half of drawing a token heatmap)."""

    def __init__(self, spec: dict) -> None:  # no super().__init__(): see above
        object.__setattr__(self, "_spec", spec)

    def to_dict(self) -> dict:
        return self._spec
