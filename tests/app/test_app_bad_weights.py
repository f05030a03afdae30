"""A corrupt or missing weights file: the page names it and the rebuild command, no traceback."""

import shutil

import pytest
import streamlit as st
from apptest_helpers import run_page, shown

from attention_viz import registry


@pytest.fixture
def broken_weights(tmp_path, monkeypatch):
    """A copy of pretrained/ with translation-attention corrupt and date-attention's JSON gone."""
    for f in registry.PRETRAINED_DIR.glob("*.*"):
        shutil.copy(f, tmp_path / f.name)
    blob = bytearray((tmp_path / "translation-attention.safetensors").read_bytes())
    blob[-5] ^= 0xFF
    (tmp_path / "translation-attention.safetensors").write_bytes(bytes(blob))
    (tmp_path / "date-attention.json").unlink()
    monkeypatch.setattr(registry, "PRETRAINED_DIR", tmp_path)
    registry.load_model.cache_clear()
    st.cache_resource.clear()
    st.cache_data.clear()
    yield tmp_path
    registry.load_model.cache_clear()  # later tests load the real weights again
    st.cache_resource.clear()
    st.cache_data.clear()


def test_date_page_names_the_missing_file_and_the_command(broken_weights):
    at = run_page("attention_viz/families/dates/page.py")
    assert not at.exception
    errors = " ".join(shown(e.value) for e in at.error)
    assert "date-attention.json is missing" in errors
    assert "python -m attention_viz train date-attention" in errors


def test_translation_page_names_the_corrupt_file_and_the_command(broken_weights):
    at = run_page("attention_viz/families/translation/page.py")
    assert not at.exception
    errors = " ".join(shown(e.value) for e in at.error)
    assert "translation-attention.safetensors is corrupt" in errors
    assert "python -m attention_viz train translation-attention" in errors


def test_cli_says_the_same_in_one_line(broken_weights, capsys):
    from attention_viz.cli import main

    assert main(["predict", "translation-attention", "the cat eats"]) == 2
    err = capsys.readouterr().err
    assert "is corrupt" in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_cli_list_checks_every_weights_file(broken_weights, capsys):
    from attention_viz.cli import main

    assert main(["list"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "translation-attention.safetensors is corrupt" in lines["translation-attention"]
    assert "date-attention.json is missing" in lines["date-attention"]
    assert lines["translation-dot"].endswith("[weights ok]")
