"""Every widget's value in the URL: a bookmark restores the page.

A page declares its parameters, calls restore() before drawing its widgets (which take
their values from st.session_state through their keys) and sync() after them. A URL value
that does not parse falls back to the default, and restore() returns a warning saying so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

MAX_SHOWN = 40  # characters of a bad URL value quoted back in a warning


@dataclass(frozen=True)
class Param:
    key: str  # URL parameter name and st.session_state key of the widget
    default: Any
    parse: Callable[[str], Any]  # raises ValueError(reason) for a bad value
    dump: Callable[[Any], str] = str


def choice(key: str, options: Sequence[str], default: str) -> Param:
    def parse(raw: str) -> str:
        if raw not in options:
            raise ValueError(f"expected one of {', '.join(options)}")
        return raw

    return Param(key, default, parse)


def integer(key: str, lo: int, hi: int, default: int) -> Param:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"expected a whole number from {lo} to {hi}") from None
        if not lo <= value <= hi:
            raise ValueError(f"expected a whole number from {lo} to {hi}")
        return value

    return Param(key, default, parse)


def integer_choice(key: str, options: Sequence[int], default: int) -> Param:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value not in options:
            raise ValueError(f"expected one of {', '.join(map(str, options))}")
        return value

    return Param(key, default, parse)


def number(key: str, lo: float, hi: float, default: float) -> Param:
    def parse(raw: str) -> float:
        value = _float(raw)
        if value is None or not lo <= value <= hi:
            raise ValueError(f"expected a number from {lo:g} to {hi:g}")
        return value

    return Param(key, default, parse, dump=lambda v: f"{v:g}")


def snapped(key: str, options: Sequence[float], default: float) -> Param:
    """A number shown on a slider of fixed options (e.g. log-spaced): snaps to the nearest."""
    lo, hi = min(options), max(options)

    def parse(raw: str) -> float:
        value = _float(raw)
        if value is None or not lo <= value <= hi:
            raise ValueError(f"expected a number from {lo:g} to {hi:g}")
        return min(options, key=lambda o: abs(math.log(o) - math.log(value)) if value > 0 else o)

    return Param(key, default, parse, dump=lambda v: f"{v:g}")


def flag(key: str, default: bool = False) -> Param:
    def parse(raw: str) -> bool:
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError("expected 1 or 0")

    return Param(key, default, parse, dump=lambda v: "1" if v else "0")


def text(key: str, default: str, max_length: int) -> Param:
    def parse(raw: str) -> str:
        if len(raw) > max_length:
            raise ValueError(f"longer than {max_length} characters")
        return raw

    return Param(key, default, parse)


def restore(params: Sequence[Param]) -> list[str]:
    """Put each parameter into st.session_state unless a widget already holds it.

    Returns:
        one warning per URL value that was refused (it has been replaced by the default).
    """
    warnings = []
    for p in params:
        if p.key in st.session_state:
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
        st.session_state[p.key] = value
    return warnings


def sync(params: Sequence[Param]) -> None:
    """Write the current values to the URL; a value at its default is left out."""
    for p in params:
        value = st.session_state.get(p.key, p.default)
        if value == p.default:
            if p.key in st.query_params:
                del st.query_params[p.key]
        elif st.query_params.get(p.key) != p.dump(value):
            st.query_params[p.key] = p.dump(value)


def _float(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
