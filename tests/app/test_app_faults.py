"""A model that raises inside one session's request: that session gets one clear message, the
rest of its page is drawn, the next input works, and another session is not affected.

In process: the shared model's method is monkeypatched to raise (on a trigger input, so two
AppTest sessions over the one shared model can differ). The same behaviour on a real server,
through $ATTENTION_VIZ_FAULT, is tests/browser/test_browser_faults.py.
"""

from __future__ import annotations

import logging

import pytest
import streamlit as st
from apptest_helpers import run_page, shown

from attention_viz import faults
from attention_viz.registry import load_model

TRIGGER = "FAULT-7f3a9c"
MESSAGE = "Something went wrong while"


class Boom(RuntimeError):
    pass


def raising(original, trigger: str | None = None):
    """`original`, except that it raises Boom (always, or when a text argument holds trigger)."""

    def call(*args, **kwargs):
        texts = [a for a in (*args, *kwargs.values()) if isinstance(a, str)]
        if trigger is None or any(trigger in t for t in texts):
            raise Boom("injected by the test")
        return original(*args, **kwargs)

    return call


@pytest.fixture(autouse=True)
def fresh_caches(one_torch_thread):
    st.cache_data.clear()  # a cached result would hide the patched model
    yield
    st.cache_data.clear()


def errors(at) -> str:
    return " ".join(shown(e.value) for e in at.error)


def test_one_session_fails_and_the_other_goes_on(monkeypatch, caplog):
    model = load_model("date-attention")
    monkeypatch.setattr(model, "predict", raising(model.predict, TRIGGER))
    page = "attention_viz/families/dates/page.py"
    faulty = run_page(page, text=f"{TRIGGER} 25 sept 1984")
    other = run_page(page, text="25 sept 1984")

    assert not faulty.exception and not other.exception
    assert f"{MESSAGE} converting this date with date-attention (Boom" in errors(faulty)
    assert "Traceback" not in errors(faulty)
    headers = [h.value for h in faulty.subheader]
    assert "Batch conversion" in headers and "Compare the models" in headers  # the rest is drawn
    # The traceback is in the server log, under the reference the user was shown.
    logged = [r for r in caplog.records if r.name == "attention_viz.ui.widgets"]
    assert logged and logged[-1].exc_info and logged[-1].levelno == logging.ERROR
    ref = logged[-1].getMessage().rsplit("ref ", 1)[1].rstrip("]")
    assert ref in errors(faulty)

    assert not other.error
    assert other.metric[0].value == "1984-09-25"

    # The failing session goes on: its next input converts.
    faulty.text_input(key="text").set_value("25 sept 1984").run()
    assert not faulty.exception and not faulty.error
    assert faulty.metric[0].value == "1984-09-25"


def _patch_model(name: str, method: str):
    def patch(monkeypatch):
        model = load_model(name)
        monkeypatch.setattr(model, method, raising(getattr(model, method)))

    return patch


def _patch_attr(module: str, attr: str):
    def patch(monkeypatch):
        monkeypatch.setattr(f"{module}.{attr}", raising(_resolve(module, attr)))

    return patch


def _resolve(module: str, attr: str):
    import importlib

    return getattr(importlib.import_module(module), attr)


# page, how its model call is made to fail, the message's subject, text the page still shows
PAGES = {
    "kernel": (_patch_attr("attention_viz.kernel_regression", "nadaraya_watson"), "pooling"),
    "dates": (_patch_model("date-attention", "predict"), "converting this date"),
    "translation": (_patch_model("translation-attention", "predict"), "translating"),
    "transformer": (_patch_model("transformer-reverse", "predict"), "running transformer"),
    "selfattention": (
        _patch_attr("attention_viz.families.selfattention.steps", "self_attention_steps"),
        "computing the attention layer",
    ),
    "memory": (_patch_model("ntm-copy", "trace"), "running ntm-copy"),
    "captioning": (_patch_model("caption-attention", "predict"), "captioning with"),
}


@pytest.mark.parametrize("family", list(PAGES))
def test_every_page_shows_a_message_when_its_model_raises(family, monkeypatch):
    patch, what = PAGES[family]
    patch(monkeypatch)
    at = run_page(f"attention_viz/families/{family}/page.py")
    assert not at.exception, [e.message for e in at.exception]
    assert f"{MESSAGE} {what}" in errors(at)
    assert at.title  # the page itself is still there


def test_a_failing_second_model_leaves_the_first_ones_output(monkeypatch):
    """The date page's comparison: the second model fails, the first model's result stays."""
    model = load_model("date-baseline")
    monkeypatch.setattr(model, "predict", raising(model.predict))
    at = run_page("attention_viz/families/dates/page.py", compare="date-baseline")
    assert not at.exception
    assert f"{MESSAGE} converting this date with date-baseline" in errors(at)
    assert at.metric[0].value == "1984-09-25"


def test_fault_injection_is_off_by_default_and_arms_one_family(monkeypatch):
    monkeypatch.delenv(faults.ENV, raising=False)
    faults.configured.cache_clear()
    model = load_model("date-attention")
    assert faults.configured() is None
    assert faults.armed(model, "date-attention") is model

    monkeypatch.setenv(faults.ENV, f"dates:{TRIGGER}")
    faults.configured.cache_clear()
    try:
        armed = faults.armed(model, "date-attention")
        other = load_model("translation-attention")
        assert faults.armed(other, "translation-attention") is other  # another family: as is
        assert armed.predict("25 sept 1984").text == "1984-09-25"
        assert armed.config is model.config
        with pytest.raises(faults.InjectedFault):
            armed.predict(f"{TRIGGER} 1984")
        with pytest.raises(faults.InjectedFault):
            armed.predict_batch(["1/2/2003", TRIGGER])
        monkeypatch.setenv(faults.ENV, "dates:short")
        faults.configured.cache_clear()
        with pytest.raises(ValueError, match="at least 8 characters"):
            faults.configured()
    finally:
        monkeypatch.delenv(faults.ENV)
        faults.configured.cache_clear()
