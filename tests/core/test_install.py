"""`pip install .` (not editable) gives a working `attention-viz` that finds the shipped weights.

The project is copied out of the tree (an in-tree build would leave build/ behind), installed
offline into a fresh virtual environment whose only other packages are this environment's
(a .pth line: the dependencies are already here), and its `attention-viz list` run from
another folder, so nothing is imported from the source tree.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from apptest_helpers import ROOT

from attention_viz.registry import SHARED_PRETRAINED, list_models


def test_installed_command_finds_the_shipped_weights(tmp_path):
    source = tmp_path / "src"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(ROOT / "attention_viz", source / "attention_viz", ignore=skip)
    shutil.copytree(ROOT / "pretrained", source / "pretrained")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "_dependencies.pth").write_text("\n".join(sorted(here)) + "\n")
    install = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(
        [
            *install,
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--ignore-installed",
            str(source),
        ],
        check=True,
        cwd=tmp_path,
        timeout=300,
    )

    run = subprocess.run(
        [venv / "bin" / "attention-viz", "list"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "ATTENTION_VIZ_THREADS": "1"},
    )
    assert run.returncode == 0, run.stderr
    assert f"weights: {venv / SHARED_PRETRAINED}" in run.stdout
    for name in list_models():
        assert f"{name} " in run.stdout
    assert run.stdout.count("[weights ok]") == len(list_models()), run.stdout


def test_requirements_files_match_pyproject():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def specs(file: str) -> list[str]:
        lines = (ROOT / file).read_text().splitlines()
        stripped = (line.split("#")[0].replace(" ", "") for line in lines)
        return [s for s in stripped if s and not s.startswith("-r")]

    assert specs("requirements.txt") == [d.replace(" ", "") for d in project["dependencies"]]
    dev = project["optional-dependencies"]["dev"]
    assert specs("requirements-dev.txt") == [d.replace(" ", "") for d in dev]


def test_pretrained_folder_override(monkeypatch, tmp_path):
    from attention_viz.registry import PRETRAINED_ENV, find_pretrained_dir

    assert find_pretrained_dir() == ROOT / "pretrained"  # a source tree uses its own
    monkeypatch.setenv(PRETRAINED_ENV, str(tmp_path))
    assert find_pretrained_dir() == tmp_path
