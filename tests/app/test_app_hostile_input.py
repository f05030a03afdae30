"""Hostile text in every text box and URL parameter of every page: no exception, and no user
text reaches markdown unescaped (no live HTML, link, emphasis or LaTeX from it).

Streamlit renders st.markdown, captions, alerts and headers as markdown (HTML off unless
unsafe_allow_html); the pages pass user text through ui.widgets.md_escape. The static check
that st.html / unsafe_allow_html only ever get constants is test_no_user_text_in_html.py.
"""

from __future__ import annotations

import re

import pytest
from apptest_helpers import run_page

from attention_viz.ui.widgets import md_escape

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "**bold** [x](javascript:alert(1))",
    "$\\frac{1}{0}$",
    "7" * 10_000,
    "nul\x00byte",
    "\u202eevil\u202c 25 sept 1984",
    "🎉 25 sept 1984 👍",
    "=cmd|' /C calc'!A0",
]
ALL_IN_ONE = " ".join(h for h in HOSTILE if len(h) < 100)
# Markup that may only ever appear escaped (a backslash before its first character).
LIVE = [
    re.compile(r"(?<!\\)<\s*(img|script)", re.I),  # raw HTML
    re.compile(r"(?<!\\)\]\(\s*javascript", re.I),  # a live javascript: link
    # the user's emphasis next to the user's link (a page may put **word** round a word)
    re.compile(r"(?<!\\)\*\*bold\*\* \["),
    re.compile(r"(?<!\\)\$\\frac"),  # LaTeX from user text
]

# page: text widgets to fill (key -> widget kind), values that keep the page past its
# first check, and URL parameters to try hostile values in
PAGES = {
    "dates": ({"text": "text_input"}, {}, ["text", "expected", "batch", "model", "compare"]),
    "dates#lower": (
        {"expected": "text_input", "batch": "text_area"},
        {"text": "25 sept 1984"},
        [],
    ),
    "translation": ({"sentence": "text_input"}, {}, ["sentence", "model", "decoding"]),
    "transformer": ({"text": "text_input"}, {}, ["text", "model", "ablate", "map"]),
    "selfattention": ({"text": "text_input"}, {}, ["text", "wq0", "preset0", "d_model"]),
    "memory": ({"bits": "text_area"}, {}, ["bits", "input_mode", "key_noise"]),
    "kernel": ({}, {}, ["function", "bandwidth", "kernel", "n_train", "pooling"]),
    "captioning": ({}, {}, ["source", "seed", "kind1", "colour1"]),
}


def bodies(at) -> list[str]:
    """Every text Streamlit renders as markdown (or LaTeX), with what kind it is."""
    kinds = ("markdown", "caption", "error", "warning", "info", "success", "title", "header",
             "subheader", "latex")  # fmt: skip
    return [f"{kind}: {e.value}" for kind in kinds for e in at.get(kind)]


def assert_safe(at, hostile: str) -> None:
    assert not at.exception, [e.message for e in at.exception]
    for body in bodies(at):
        for pattern in LIVE:
            assert not pattern.search(body), f"{hostile[:40]!r} reached {body[:300]!r}"
        if body.startswith("latex:"):
            assert "frac{1}{0}" not in body
    if len(hostile) >= 10_000:  # a long input is refused or cut, never echoed in full
        assert all(hostile not in b for b in bodies(at))


@pytest.mark.parametrize("name", [n for n, (widgets, _, _) in PAGES.items() if widgets])
def test_hostile_text_in_every_box(name, one_torch_thread):
    widgets, valid, _ = PAGES[name]
    family = name.split("#")[0]
    query = {"input_mode": "typed"} if family == "memory" else {}
    at = run_page(f"attention_viz/families/{family}/page.py", **query, **valid)
    for hostile in HOSTILE:
        for key, kind in widgets.items():
            getattr(at, kind)(key=key).set_value(hostile)
        at.run()
        assert_safe(at, hostile)


@pytest.mark.parametrize("name", [n for n in PAGES if "#" not in n])
def test_hostile_url_parameters(name, one_torch_thread):
    _, _, params = PAGES[name]
    for hostile in (ALL_IN_ONE, HOSTILE[4]):
        at = run_page(f"attention_viz/families/{name}/page.py", **dict.fromkeys(params, hostile))
        assert_safe(at, hostile)
        warned = " ".join(w.value for w in at.warning)
        if hostile is ALL_IN_ONE and name != "dates":  # refused values are quoted, escaped
            assert md_escape("<img src") in warned or "not valid" not in warned
