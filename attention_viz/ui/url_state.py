"""Every widget's value in the URL: a bookmark restores the page.

Most widgets are bound by Streamlit itself (`bind="query-params"`, Streamlit 1.67): the URL
parameter is the widget's key, a valid URL value seeds the widget on load, a change updates
the URL, and a value at the widget's default is left out. Streamlit drops an invalid URL
value silently, though; this module adds what it does not do:

- a visible warning for a URL value the widget will refuse (restore() returns them), and
- URL state for values Streamlit cannot bind well: options shown with labels (a bound
  widget writes the label, "Kernel (fixed width)", into the URL), sliders whose range
  depends on the input (step t of 1..len(output)), snapping to the nearest option,
  integer number inputs (Streamlit 1.67 raises OverflowError on a bound one given ?k=inf),
  and values set by code rather than by a widget.

A page declares its parameters; `bind=True` marks the ones whose widget is bound, and the
widget takes `**url_state.bind(PARAMS, key)` (its key, its default and bind). A bound
parameter's parse accepts exactly what Streamlit accepts for that widget, so the warning
appears when, and only when, Streamlit falls back to the default. The page calls restore()
before drawing its widgets (unbound ones take their values from st.session_state through
their keys) and sync() after them (it writes the unbound values; Streamlit writes the rest).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

MAX_SHOWN = 40  # characters of a bad URL value quoted back in a warning
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class Param:
    key: str  # URL parameter name and st.session_state key of the widget
    default: Any
    parse: Callable[[str], Any]  # raises ValueError(reason) for a bad value
    dump: Callable[[Any], str] = str
    bound: bool = False  # the widget is bound by Streamlit (bind="query-params")
    widget_default: dict[str, Any] = field(default_factory=dict)  # {"value": d} or {"index": i}


def choice(key: str, options: Sequence[str], default: str, bind: bool = False) -> Param:
    """One of `options`; bound, only for a widget that shows the options themselves."""

    def parse(raw: str) -> str:
        if raw not in options:
            raise ValueError(f"expected one of {', '.join(options)}")
        return raw

    index = list(options).index(default)
    return Param(key, default, parse, bound=bind, widget_default={"index": index})


def integer(key: str, lo: int, hi: int, default: int, bind: bool = False) -> Param:
    """A whole number in [lo, hi]. Bound (an integer st.slider), Streamlit reads any finite
    number in range and truncates it (?beam=3.7 gives 3), so that is what parse accepts."""

    def parse(raw: str) -> int:
        value = _float(raw) if bind else _int(raw)
        if value is None or not lo <= value <= hi:
            raise ValueError(f"expected a whole number from {lo} to {hi}")
        return int(value)

    return Param(key, default, parse, bound=bind, widget_default={"value": default})


def integer_choice(key: str, options: Sequence[int], default: int, bind: bool = False) -> Param:
    """One of the whole numbers `options` (a select_slider). Bound, Streamlit matches the
    option's text exactly (?n=50, not ?n=050)."""

    def parse(raw: str) -> int:
        value = (int(raw) if raw in map(str, options) else None) if bind else _int(raw)
        if value not in options:
            raise ValueError(f"expected one of {', '.join(map(str, options))}")
        return value

    return Param(key, default, parse, bound=bind, widget_default={"value": default})


def number(key: str, lo: float, hi: float, default: float, bind: bool = False) -> Param:
    def parse(raw: str) -> float:
        value = _float(raw)
        if value is None or not lo <= value <= hi:
            raise ValueError(f"expected a number from {lo:g} to {hi:g}")
        return value

    return Param(
        key, default, parse, dump=lambda v: f"{v:g}", bound=bind, widget_default={"value": default}
    )


def snapped(key: str, options: Sequence[float], default: float) -> Param:
    """A number shown on a slider of fixed options (e.g. log-spaced): snaps to the nearest.
    Never bound: a bound select_slider refuses a value that is not exactly an option."""
    lo, hi = min(options), max(options)

    def parse(raw: str) -> float:
        value = _float(raw)
        if value is None or not lo <= value <= hi:
            raise ValueError(f"expected a number from {lo:g} to {hi:g}")
        return min(options, key=lambda o: abs(math.log(o) - math.log(value)) if value > 0 else o)

    return Param(key, default, parse, dump=lambda v: f"{v:g}")


def flag(key: str, default: bool = False, bind: bool = False) -> Param:
    """On or off. Bound, Streamlit reads and writes true or false (any case) only; unbound,
    1/0 are written and 1/0, true/false, yes/no, on/off are read."""
    accepted, dump = (
        ((("true",), ("false",)), ("true", "false")) if bind else ((TRUE, FALSE), ("1", "0"))
    )

    def parse(raw: str) -> bool:
        if raw.lower() in accepted[0]:
            return True
        if raw.lower() in accepted[1]:
            return False
        raise ValueError(f"expected {dump[0]} or {dump[1]}")

    return Param(
        key,
        default,
        parse,
        dump=lambda v: dump[0] if v else dump[1],
        bound=bind,
        widget_default={"value": default},
    )


def text(key: str, default: str, max_length: int, bind: bool = False) -> Param:
    """Free text. Bound, any text is read (a widget with max_chars cuts it to that length;
    the page's own input checks name their limits), so no URL text is refused."""

    def parse(raw: str) -> str:
        if not bind and len(raw) > max_length:
            raise ValueError(f"longer than {max_length} characters")
        return raw

    return Param(key, default, parse, bound=bind, widget_default={"value": default})


def bind(params: Sequence[Param], key: str) -> dict[str, Any]:
    """Keyword arguments that bind a widget to its URL parameter: key, default and bind."""
    (p,) = [p for p in params if p.key == key]
    if not p.bound:
        raise ValueError(f"URL parameter {key!r} is not declared with bind=True")
    return {"key": key, "bind": "query-params", **p.widget_default}


def restore(params: Sequence[Param]) -> list[str]:
    """Check the URL's values; put each unbound one into st.session_state unless a widget
    already holds it (a bound widget reads the URL itself).

    Returns:
        one warning per URL value that was refused (the default is used instead).
    """
    warnings = []
    for p in params:
        if not p.bound and p.key in st.session_state:
            continue
        value = p.default
        raw = st.query_params.get(p.key)
        if raw is not None:
            try:
                value = p.parse(raw)
            except ValueError as reason:
                shown = raw if len(raw) <= MAX_SHOWN else raw[:MAX_SHOWN] + "…"
                warnings.append(
                    f"URL parameter {p.key}={shown!r} is not valid ({reason}); "
                    f"using the default {p.dump(p.default)}."
                )
        if not p.bound:
            st.session_state[p.key] = value
    return warnings


def sync(params: Sequence[Param]) -> None:
    """Write the unbound values to the URL; a value at its default is left out."""
    for p in params:
        if p.bound:
            continue  # Streamlit keeps it; st.query_params refuses to set a bound key
        value = st.session_state.get(p.key, p.default)
        if value == p.default:
            if p.key in st.query_params:
                del st.query_params[p.key]
        elif st.query_params.get(p.key) != p.dump(value):
            st.query_params[p.key] = p.dump(value)


def _int(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None


def _float(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
