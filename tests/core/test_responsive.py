"""Chart sizes for phones and projectors (plots.responsive) and the CSS that applies them."""

from __future__ import annotations

import numpy as np
from plotly.subplots import make_subplots

from attention_viz.plots import responsive
from attention_viz.plots.heatmap import attention_heatmap
from attention_viz.ui import layout


def test_a_long_token_axis_asks_for_a_min_width_that_grows_with_the_font():
    date = "Tuesday, September 25, 1984"  # 27 input characters
    fig = attention_heatmap(np.full((10, 27), 1 / 27), list("1984-09-25"), list(date))
    small, large = responsive.min_width(fig, 13), responsive.min_width(fig, 22)
    # 27 labels x 1.3 x 13 px = 456 px of axis, plus the frame and the colour bar.
    assert small == 640 and large > small
    assert {small, large} <= set(responsive.WIDTHS)  # the CSS has a rule for each


def test_a_short_sentence_fits_a_phone_as_it_is():
    words = ["the", "black", "cat", "does", "not", "eat", "the", "apples"]
    fig = attention_heatmap(np.eye(8), words, words)
    assert responsive.min_width(fig, 13) == 0


def test_side_by_side_panels_need_room_each_but_stacked_ones_do_not():
    assert responsive.min_width(make_subplots(rows=2, cols=6), 13) >= 6 * responsive.PANEL_PX
    assert responsive.min_width(make_subplots(rows=5, cols=1), 13) == 0


def test_a_long_title_needs_its_length():
    fig = attention_heatmap(np.eye(2), ["a", "b"], ["a", "b"], title="x" * 80)
    assert responsive.min_width(fig, 13) >= 80 * responsive.TITLE_EM * 13


def test_presentation_grows_charts_but_keeps_them_within_one_screen():
    assert responsive.chart_height(300, presenting=False) == 300
    assert responsive.chart_height(300, presenting=True) == 375
    assert responsive.chart_height(900, presenting=True) == responsive.PRESENT_MAX_HEIGHT
    assert responsive.chart_height(None, presenting=True) is None


def test_every_min_width_has_its_css_rule():
    css = layout._PHONE_CSS
    for width in responsive.WIDTHS:
        key = layout.wide_key(width, "chart")
        assert f'[class*="st-key-{key.removesuffix("chart")}"]' in css
        assert f"min-width: {width}px" in css
