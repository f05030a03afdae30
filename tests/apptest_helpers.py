"""Reading pages under Streamlit's AppTest: run a page, read its charts and its messages."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def run_page(page: str, **query: str) -> AppTest:
    """Run a page file (path relative to the project root) with these URL parameters."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def charts(at: AppTest) -> list[dict]:
    """Every plotly figure on the page, as the JSON sent to the browser."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def plotly_array(value) -> np.ndarray:
    """A plotly data array: a plain list, or {dtype, bdata (base64), shape} as plotly 7 sends."""
    if isinstance(value, dict):
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(n) for n in str(value.get("shape", len(flat))).split(",")]
        return flat.reshape(shape)
    return np.asarray(value)


def shown(markdown: str) -> str:
    """What a user reads: markdown backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def assert_clean(at: AppTest) -> None:
    """No exception and no error message on the page."""
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
