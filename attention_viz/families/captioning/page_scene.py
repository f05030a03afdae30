"""The page's scene controls: a random scene by seed, or a scene built shape by shape.

Every control is in the URL (the scene's description and seed, never its pixels).
"""

from __future__ import annotations

import streamlit as st

from attention_viz.families.captioning import scenes
from attention_viz.ui import url_state
from attention_viz.ui.widgets import presenting

SEED_MAX = 2**31 - 1
COUNTS = {0: "any", 1: "1", 2: "2", 3: "3"}
# The builder's starting scene: a small red circle left of a big blue square, which is
# below a small green triangle.
DEFAULTS = (
    ("circle", "red", "small", 16, 40),
    ("square", "blue", "big", 44, 40),
    ("triangle", "green", "small", 44, 12),
)
LO, HI = scenes.MARGIN + 6, scenes.IMAGE_SIZE - scenes.MARGIN - 6  # centres a small shape allows

PARAMS = [
    url_state.integer("seed", 0, SEED_MAX, 0),
    url_state.integer_choice("shapes", list(COUNTS), 0),
    url_state.integer("count", 1, scenes.MAX_SHAPES, 2),
]
for _i, (_kind, _colour, _size, _x, _y) in enumerate(DEFAULTS, start=1):
    PARAMS += [
        url_state.choice(f"kind{_i}", list(scenes.SHAPES), _kind),
        url_state.choice(f"colour{_i}", list(scenes.COLOURS), _colour),
        url_state.choice(f"size{_i}", list(scenes.SIZES), _size),
        url_state.integer(f"x{_i}", LO, HI, _x),
        url_state.integer(f"y{_i}", LO, HI, _y),
    ]


def _next_seed() -> None:
    st.session_state.seed = (st.session_state.seed + 1) % (SEED_MAX + 1)


def controls(source: str) -> tuple:
    """Draw the controls of a random or built scene; returns its description."""
    s = st.session_state
    if source == "random":
        c = [st.container()] * 3 if presenting() else st.columns([2, 2, 1])  # presenting: a column
        c[0].number_input("Seed", 0, SEED_MAX, step=1, key="seed")
        c[1].segmented_control(
            "Shapes", list(COUNTS), key="shapes", format_func=COUNTS.get, required=True
        )
        c[2].button("Another scene", on_click=_next_seed, width="stretch")
        st.caption("Random scenes come from the held-out test layouts: the model never saw them.")
        return ("random", int(s.seed), int(s.shapes or 0))
    c = [st.container()] * 2 if presenting() else st.columns([1, 3])
    c[0].number_input("Background seed", 0, SEED_MAX, step=1, key="seed")
    c[1].radio("Number of shapes", [1, 2, 3], key="count", horizontal=True)
    specs = []
    for i in range(1, s.count + 1):
        c = [*st.columns(3), *st.columns(2)] if presenting() else st.columns(5)
        c[0].selectbox(f"Shape {i}", list(scenes.SHAPES), key=f"kind{i}")
        c[1].selectbox("colour", list(scenes.COLOURS), key=f"colour{i}")
        c[2].selectbox("size", list(scenes.SIZES), key=f"size{i}")
        c[3].slider("x (pixels from the left)", LO, HI, key=f"x{i}")
        c[4].slider("y (pixels from the top)", LO, HI, key=f"y{i}")
        specs.append((s[f"kind{i}"], s[f"colour{i}"], s[f"size{i}"], s[f"x{i}"], s[f"y{i}"]))
    return ("builder", int(s.seed), tuple(specs))
