"""The "Attention over images" page under Streamlit's AppTest."""

from __future__ import annotations

from apptest_helpers import assert_clean, charts, run_page, shown
from streamlit.testing.v1 import AppTest

from attention_viz import load_model
from attention_viz.families.captioning import captions, scenes

PAGE = "attention_viz/families/captioning/page.py"


def page(**query) -> AppTest:
    return run_page(PAGE, **query)


def text_of(at: AppTest) -> str:
    return " ".join(shown(m.value) for m in at.markdown)


def panels(at: AppTest) -> dict:
    return next(c for c in charts(at) if sum(t["type"] == "image" for t in c["data"]) > 1)


def test_random_scene_caption_panels_and_baseline():
    at = page(seed="3")
    assert_clean(at)
    words = captions.caption(scenes.random_scene(3))
    model = load_model("caption-attention")
    p = model.predict(scenes.render(scenes.random_scene(3))[0])
    assert p.text in text_of(at)
    assert "Baseline (no attention)" in [h.value for h in at.subheader]
    spec = panels(at)
    heat = [t for t in spec["data"] if t["type"] == "heatmap"]
    assert len(heat) == len(p.target_tokens)  # one panel per word
    assert "region (row,col)" in heat[0]["hovertemplate"] and "weight" in heat[0]["hovertemplate"]
    assert any(t["type"] == "contour" for t in spec["data"])  # the gold shape outlined
    labels = [m.label for m in at.metric]
    assert "Pointing accuracy of this caption" in labels
    assert " ".join(words) in text_of(at)  # the scene's own caption is shown
    assert at.get("download_button")
    assert at.latex and any("alpha_{1,(" in x.value for x in at.latex)


def test_builder_scene_from_the_url_and_its_caption():
    at = page(source="builder", count="2", x1="16", y1="40", x2="44", y2="40")
    assert_clean(at)
    assert "a small red circle left of a big blue square" in text_of(at)


def test_builder_refuses_overlapping_shapes_with_a_reason():
    at = page(source="builder", count="2", x1="40", y1="40", x2="44", y2="40")
    assert not at.exception
    (err,) = at.error
    assert "overlap" in shown(err.value)


def test_bad_url_values_fall_back_with_a_warning():
    at = page(seed="-4", kind1="hexagon", source="builder")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "seed" in warnings and "kind1" in warnings


def test_step_slider_and_grid_toggle_follow_the_url():
    at = page(seed="3", step="2", grid="1")
    assert_clean(at)
    assert at.slider(key="step").value == 2
    assert at.toggle(key="grid").value is True
    spec = panels(at)
    assert len(spec["layout"].get("shapes", [])) > 0  # grid lines drawn
    at.slider(key="step").set_value(3).run()
    assert_clean(at)
    assert at.query_params["step"] == ["3"] or at.query_params["step"] == "3"


def test_another_scene_button_moves_the_seed():
    at = page(seed="3")
    at.button[0].click().run()
    assert_clean(at)
    assert at.number_input(key="seed").value == 4


def test_upload_mode_waits_for_a_file():
    at = page(source="upload")
    assert_clean(at)
    assert any("Choose an image file" in i.value for i in at.info)
