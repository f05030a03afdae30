"""The translation page under Streamlit's AppTest."""

from __future__ import annotations

import json

import numpy as np
from apptest_helpers import ROOT, assert_clean, charts, plotly_array, run_page, shown
from streamlit.testing.v1 import AppTest

from attention_viz.families.translation.corpus import EXAMPLES

PAGE = "attention_viz/families/translation/page.py"


def page(**query) -> AppTest:
    return run_page(PAGE, **query)


def heatmaps(at: AppTest) -> list[dict]:
    return [t for c in charts(at) for t in c["data"] if t["type"] == "heatmap"]


def text_of(at: AppTest) -> str:
    return " ".join(shown(m.value) for m in at.markdown)


def test_default_sentence_translated_with_heatmap_and_gold():
    at = page()
    assert_clean(at)
    assert "le chat noir ne mange pas les pommes" in text_of(at)
    assert "matches the reference" in text_of(at)
    (heat,) = heatmaps(at)
    assert heat["hovertemplate"].count("customdata") == 2 and "weight" in heat["hovertemplate"]
    spec = charts(at)[0]
    assert any(t.get("name") == "gold alignment" for t in spec["data"])
    labels = [m.label for m in at.metric]
    assert "AER of this heatmap" in labels


def test_example_button_sets_the_sentence():
    at = page()
    k = list(EXAMPLES).index("contractions")
    at.button(key=f"example_{k}").click().run()
    assert_clean(at)
    assert at.text_input(key="sentence").value == EXAMPLES["contractions"]
    assert "les enfants marchent au jardin près des arbres" in text_of(at)


def test_unknown_words_listed_with_closest_known_words():
    at = page(sentence="the blak cat eats the appel")
    assert not at.exception
    (err,) = at.error
    message = shown(err.value)
    assert "blak" in message and "black" in message and "appel" in message and "apple" in message


def test_too_long_input_names_the_limit():
    at = page(sentence=" ".join(["the cat"] * 12) + " sleeps")
    assert not at.exception
    assert "at most 24" in shown(at.error[0].value)


def test_empty_input_is_refused_clearly():
    at = page()
    at.text_input(key="sentence").set_value("   ")
    next(b for b in at.button if b.label == "Translate").click().run()
    assert not at.exception
    assert "empty input" in shown(at.error[0].value)


def test_sentence_outside_the_grammar_still_translates_without_reference():
    at = page(sentence="cat the sleeps")
    assert_clean(at)
    assert any("No reference translation" in shown(i.value) for i in at.info)


def test_step_through_shows_that_steps_weights():
    at = page(step="3")
    assert_clean(at)
    assert at.slider(key="step").value == 3
    assert "step 3 writes **noir**" in text_of(at)
    bars = [t for c in charts(at) for t in c["data"] if t["type"] == "bar"]
    weights = plotly_array(bars[0]["y"])  # the step's weights over the 8 English words
    assert weights.shape == (8,) and np.isclose(weights.sum(), 1.0)
    assert weights.argmax() == 1  # noir is written from "black"


def test_beam_teacher_forcing_and_compare():
    at = page(
        decoding="beam", beam="5", feed="teacher", compare="true", model_b="translation-location"
    )
    assert_clean(at)
    assert len(heatmaps(at)) == 2
    assert len(at.latex) >= 2  # each model's score formula under its heatmap
    assert "Teacher forcing" in " ".join(c.value for c in at.caption)


def test_bad_url_values_fall_back_with_warnings():
    at = page(model="gpt-5", beam="99", step="x")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "model" in warnings and "beam" in warnings and "step" in warnings
    assert at.selectbox(key="model").value == "translation-attention"


def test_state_goes_to_the_url():
    at = page()
    at.selectbox(key="model").set_value("translation-dot").run()
    at.toggle(key="gold").set_value(False).run()
    assert_clean(at)
    assert at.query_params["model"] == ["translation-dot"] or at.query_params["model"] == (
        "translation-dot"
    )
    # Bound widgets: the browser writes the URL (AppTest has none; the browser tests check it).
    for widget in (at.toggle(key="gold"), at.text_input(key="sentence"), at.slider(key="beam")):
        assert widget.proto.query_param_key == widget.key


def test_streamlit_format_for_bound_flags():
    at = page(compare="true", gold="FALSE")
    assert_clean(at)
    assert at.toggle(key="compare").value is True and at.toggle(key="gold").value is False
    at = page(compare="1")  # url_state's own flags take 1/0; a bound toggle does not
    assert at.toggle(key="compare").value is False
    assert "compare='1' is not valid (expected true or false)" in shown(at.warning[0].value)


def test_export_config_csv_and_presentation_fonts():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=120)
    at.session_state["present"] = True  # the app-wide presentation toggle (sidebar)
    at.run()
    assert_clean(at)
    chart = at.get("plotly_chart")[0]
    config = json.loads(chart.proto.config)
    assert config["toImageButtonOptions"]["format"] in ("png", "svg")
    assert json.loads(chart.proto.spec)["layout"]["font"]["size"] == 22
    csv = [b for b in at.get("download_button") if "CSV" in b.proto.label]
    assert csv, "the weights can be downloaded as CSV"


def test_vocabulary_browser_lists_the_lexicon():
    at = page()
    nouns, adjectives, verbs, other = at.dataframe[:4]
    assert len(nouns.value) >= 40 and len(adjectives.value) >= 20 and len(verbs.value) >= 20
    assert "chat / chats" in set(nouns.value["French"])
    assert "not" in " ".join(other.value["English"])
