"""The home and kernel-regression pages under Streamlit's AppTest."""

import numpy as np
import pytest
from apptest_helpers import ROOT, assert_clean, charts, plotly_array, run_page, shown
from streamlit.testing.v1 import AppTest

APP = str(ROOT / "app.py")
KERNEL_PAGE = "attention_viz/families/kernel/page.py"  # as app.py names it


def kernel_page(**query) -> AppTest:
    return run_page(KERNEL_PAGE, **query)


def heatmap(at: AppTest) -> np.ndarray:
    """The heatmap's weights, (T_q, T_k)."""
    (trace,) = [t for c in charts(at) for t in c["data"] if t["type"] == "heatmap"]
    return plotly_array(trace["z"])


def prediction(at: AppTest) -> np.ndarray:
    (trace,) = [t for t in charts(at)[0]["data"] if t.get("name") == "prediction"]
    return plotly_array(trace["y"])


def test_home_explains_attention_and_links_the_pages():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert_clean(at)
    text = " ".join(m.value for m in at.markdown)
    for word in ("query", "key", "value", "Attention pooling"):
        assert word in text
    assert at.get("page_link"), "the home page links to the model pages"
    assert at.toggle(key="present").value is False


def test_router_reaches_the_kernel_page():
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(KERNEL_PAGE).run()
    assert_clean(at)
    assert at.title[0].value.startswith("Nadaraya")


def test_default_page_draws_fit_heatmap_error_and_loo():
    at = kernel_page()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 4
    z = heatmap(at)
    assert z.shape == (100, 50)  # 100 queries x 50 keys
    np.testing.assert_allclose(z.sum(1), 1.0, atol=1e-4)
    assert any("h = 0.5" in latex.value for latex in at.latex)


def test_bandwidth_change_changes_the_chart_data_and_the_url():
    at = kernel_page()
    before = heatmap(at)
    fit_before = prediction(at)
    at.select_slider(key="bandwidth").set_value(2.0).run()
    assert_clean(at)
    after = heatmap(at)
    assert not np.allclose(after, before)
    assert not np.allclose(prediction(at), fit_before)  # the fit moved too
    assert after.max() < before.max()  # a wider kernel spreads the weight
    assert at.query_params["bandwidth"] == "2"
    assert any("h = 2" in latex.value for latex in at.latex)


def test_url_restores_every_control():
    at = kernel_page(
        function="chirp",
        n_train="200",
        noise="0.25",
        seed="7",
        n_query="50",
        pooling="kernel",
        kernel="laplace",
        bandwidth="0.3",
        query="1.5",
    )
    assert_clean(at)
    assert at.selectbox(key="function").value == "chirp"
    assert at.select_slider(key="n_train").value == 200
    assert at.slider(key="noise").value == 0.25
    assert at.number_input(key="seed").value == 7
    assert at.selectbox(key="kernel").value == "laplace"
    assert at.select_slider(key="bandwidth").value == 0.3
    assert at.slider(key="query").value == 1.5
    assert not at.warning
    assert heatmap(at).shape == (50, 200)


def test_off_grid_bandwidth_snaps_to_the_nearest_slider_value():
    at = kernel_page(bandwidth="0.33")
    assert at.select_slider(key="bandwidth").value == 0.3
    assert not at.warning


@pytest.mark.parametrize(
    ("key", "value", "default"),
    [
        ("bandwidth", "abc", 0.5),
        ("bandwidth", "1e9", 0.5),
        ("n_train", "-5", 50),
        ("kernel", "cosine", "gaussian"),
        ("noise", "nan", 0.5),
        ("seed", "1.5", 0),
    ],
)
def test_bad_url_value_falls_back_with_a_visible_warning(key, value, default):
    at = kernel_page(**{key: value})
    assert_clean(at)
    assert len(at.warning) == 1
    assert f"URL parameter {key}=" in shown(at.warning[0].value)
    assert st_value(at, key) == default
    assert len(at.get("plotly_chart")) == 4  # the page still works


def st_value(at: AppTest, key: str):
    return at.session_state[key]


def test_html_and_markdown_in_the_url_are_shown_as_text():
    at = kernel_page(kernel="<img src=x onerror=alert(1)>**bold**[link](http://x)")
    warning = at.warning[0].value
    # Every markdown/HTML character is backslash-escaped, so Streamlit shows it literally.
    assert r"\<img src\=x onerror\=alert\(1\)\>\*\*bold\*\*\[lin" in warning
    assert "<img src=x onerror=alert(1)>**bold**[lin" in shown(warning)


def test_huge_url_value_is_cut_in_the_warning():
    at = kernel_page(function="x" * 10_000)
    assert len(at.warning[0].value) < 400


def test_large_n_bins_the_heatmap_and_says_so():
    at = kernel_page(n_train="10000", n_query="1000")
    assert_clean(at)
    z = heatmap(at)
    assert z.shape == (200, 200)
    np.testing.assert_allclose(z.sum(1), 1.0, atol=1e-3)
    assert any("reduced to at most 200×200" in i.value for i in at.info)
    assert any("Estimated from 1,000 held-out points" in c.value for c in at.caption)


def test_average_pooling_is_flat():
    at = kernel_page(pooling="average")
    assert_clean(at)
    z = heatmap(at)
    assert z.max() == pytest.approx(z.min())


def test_learned_width_trains_and_shows_its_curve():
    at = kernel_page(pooling="learned", bandwidth="3")
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 5  # + the training curve
    learned = [m for m in at.metric if m.label == "learned h"]
    assert learned and float(learned[0].value) < 1.0  # pulled down from 3 towards the LOO best


def test_boxcar_learned_width_gives_a_message_not_a_traceback():
    at = kernel_page(pooling="learned", kernel="boxcar")
    assert not at.exception
    assert "no gradient" in at.error[0].value


def test_weights_download_offers_the_full_matrix_or_the_binned_one():
    (button,) = kernel_page(n_train="20", n_query="20").get("download_button")
    assert button.proto.label == "Download the weights (CSV)"
    (button,) = kernel_page(n_train="10000", n_query="1000").get("download_button")
    assert button.proto.label == "Download the binned weights shown (CSV)"


def test_heatmap_axes_are_the_sorted_inputs_with_hover():
    at = kernel_page(n_train="20", n_query="20")
    (trace,) = [t for c in charts(at) for t in c["data"] if t["type"] == "heatmap"]
    x, y = plotly_array(trace["x"]), plotly_array(trace["y"])
    assert len(x) == 20 and (np.diff(x) >= 0).all() and (np.diff(y) > 0).all()
    assert "query x" in trace["hovertemplate"] and "key x" in trace["hovertemplate"]
    assert "weight" in trace["hovertemplate"]


def test_presentation_mode_and_bad_sidebar_param():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["present"] = "true"  # bound by Streamlit: true/false, as it writes them
    at.query_params["export_format"] = "gif"
    at.run()
    assert at.toggle(key="present").value is True
    assert any("export_format" in shown(w.value) for w in at.warning)
    assert at.radio(key="export_format").value == "png"


def test_bound_widgets_carry_their_url_key_and_unbound_ones_do_not():
    at = kernel_page()
    for widget in (at.slider(key="noise"), at.select_slider(key="n_train")):
        assert widget.proto.query_param_key == widget.key
    assert at.select_slider(key="bandwidth").proto.query_param_key == ""  # url_state snaps it
    assert dict(at.query_params) == {}  # defaults are left out of the URL


def test_bound_integer_slider_reads_what_streamlit_reads():
    at = kernel_page(n_train="050")  # a select_slider matches the option's text exactly
    assert at.select_slider(key="n_train").value == 50
    assert "n_train='050' is not valid" in shown(at.warning[0].value)
