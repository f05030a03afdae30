"""Device choice, the registry's errors and the command line."""

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from attention_viz import cli, list_models, load_model
from attention_viz.device import configure_threads, pick_device

ROOT = Path(__file__).resolve().parents[2]


def test_device_prefers_cuda_then_mps_then_cpu(monkeypatch):
    monkeypatch.delenv("ATTENTION_VIZ_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert pick_device()[0].type == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert pick_device()[0].type == "mps"
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert pick_device() == (torch.device("cpu"), "best available")


def test_device_env_override_and_unavailable_request(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    monkeypatch.setenv("ATTENTION_VIZ_DEVICE", "cpu")
    assert pick_device() == (torch.device("cpu"), "set by ATTENTION_VIZ_DEVICE")
    monkeypatch.setenv("ATTENTION_VIZ_DEVICE", "cuda")
    device, note = pick_device()
    assert device.type == "cpu" and "not available" in note


def test_threads_are_set_from_the_environment(monkeypatch):
    before = torch.get_num_threads()
    try:
        monkeypatch.setenv("ATTENTION_VIZ_THREADS", "1")
        assert configure_threads() == 1 and torch.get_num_threads() == 1
        monkeypatch.setenv("ATTENTION_VIZ_THREADS", "many")
        assert configure_threads() >= 1
    finally:
        torch.set_num_threads(before)


def test_unknown_model_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown model 'nope'; known models: "):
        load_model("nope")


def test_cli_unknown_model_prints_one_line_and_exits_2(capsys):
    assert cli.main(["predict", "nope", "text"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: unknown model 'nope'") and "Traceback" not in err


def test_cli_list_names_every_registered_model():
    out = subprocess.run(
        [sys.executable, "-m", "attention_viz", "list"], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "device: cpu" in out.stdout or "device: cuda" in out.stdout
    assert "kernel-regression" in out.stdout
    for name in list_models():
        assert name in out.stdout


def test_importing_the_package_does_not_import_streamlit():
    code = "import sys, attention_viz, attention_viz.kernel_regression, attention_viz.cli;"
    code += "from attention_viz.families import families; families();"
    code += "print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_only_pages_import_streamlit():
    """Streamlit lives in ui/ and in each family's page*.py modules; nothing else imports it."""

    def is_page(path: Path) -> bool:
        parts = path.relative_to(ROOT / "attention_viz").parts
        if parts[0] == "loadtest":  # speaks Streamlit's wire protocol; the app never imports it
            return True
        return parts[0] == "ui" or (parts[0] == "families" and path.name.startswith("page"))

    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "attention_viz").rglob("*.py")
        if not is_page(p)
        and any(
            line.lstrip().startswith(("import streamlit", "from streamlit"))
            for line in p.read_text().splitlines()
        )
    ]
    assert offenders == []


def test_text_heatmap_heads_word_columns_with_whole_words():
    import numpy as np

    weights = np.array([[0.0, 1.0], [0.95, 0.05]])
    text = cli.text_heatmap(weights, ["black", "cat"], ["chat", "noir"])
    header, chat, noir, _legend = text.splitlines()
    assert header.split() == ["black", "cat"]
    assert chat.split() == ["chat", "@"] and chat.rindex("@") == header.rindex("t")
    assert noir.split() == ["noir", "@"] and noir.index("@") == header.index("k")
