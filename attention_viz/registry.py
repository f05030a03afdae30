"""Model names -> weights, device; loading, once per process.

This is the only layer that knows about weights files and devices. What each name is (its
family, how to build, train and evaluate it) comes from the family records in
attention_viz.families; listing models imports no model code.
"""

from __future__ import annotations

import functools
import os
import site
import sys
import threading
from pathlib import Path
from typing import Any

import torch

from attention_viz.checkpoint import WeightsError, load_checkpoint, paths
from attention_viz.device import pick_device
from attention_viz.families import families, family_of
from attention_viz.family import ModelEntry, resolve

PRETRAINED_ENV = "ATTENTION_VIZ_PRETRAINED"
SHARED_PRETRAINED = Path("share", "attention_viz", "pretrained")  # data-files, pyproject.toml


def find_pretrained_dir() -> Path:
    """Where the shipped weights are.

    $ATTENTION_VIZ_PRETRAINED if set; else pretrained/ beside the package in a source tree (a
    clone, an editable install); else the copy `pip install .` puts under
    <prefix>/share/attention_viz/pretrained (the environment's prefix, then the user base).
    When none exists, the source-tree path: loading then names it and the rebuild command.
    """
    if os.environ.get(PRETRAINED_ENV):
        return Path(os.environ[PRETRAINED_ENV])
    root = Path(__file__).resolve().parent.parent
    if (root / "pretrained").is_dir() and (root / "pyproject.toml").is_file():
        return root / "pretrained"
    for base in (sys.prefix, site.USER_BASE):
        if base and (Path(base) / SHARED_PRETRAINED).is_dir():
            return Path(base) / SHARED_PRETRAINED
    return root / "pretrained"


PRETRAINED_DIR = find_pretrained_dir()


def list_models(family: str | None = None) -> list[str]:
    """Registered model names, optionally only one family's (by its key)."""
    return [m.name for f in families() if family in (None, f.key) for m in f.models]


def entry(name: str) -> ModelEntry:
    """A registered model's record. Raises KeyError naming the known models."""
    return family_of(name).model(name)


def rebuild_command(name: str) -> str:
    return f"python -m attention_viz train {name}"


def weights_stem(name: str, directory: Path | None = None) -> Path:
    return (directory or PRETRAINED_DIR) / name


_LOADING = threading.Lock()


def load_model(name: str, device: str | None = None) -> Any:
    """Build a registered model from its shipped weights, on the best device, in eval mode.

    Cached per (name, device): every caller shares one read-only instance; predict() runs
    under torch.inference_mode() and never mutates it. The checkpoint's metadata (training
    record: history, metrics, ...) is on `model.training_record`. Thread-safe: sessions
    that ask for a model at the same moment wait for one load instead of each loading it.

    Raises:
        KeyError: unknown name. WeightsError: missing or corrupt weights (the message names
        the file and the command that rebuilds it).
    """
    with _LOADING:
        return _load(name, device)


@functools.cache
def _load(name: str, device: str | None) -> Any:
    fam = family_of(name)
    checkpoint = load_checkpoint(weights_stem(name), rebuild_command(name))
    try:
        model = resolve(fam.build)(checkpoint)
    except (KeyError, RuntimeError, TypeError, ValueError) as e:
        stem = weights_stem(name)
        raise WeightsError(
            f"{paths(stem)[0]} does not fit model {name!r} ({e}); "
            f"rebuild it with: {rebuild_command(name)}"
        ) from e
    model.training_record = {k: v for k, v in checkpoint.meta.items() if k != "vocab"}
    target = torch.device(device) if device else pick_device()[0]
    return model.to(target).eval()


load_model.cache_clear = _load.cache_clear  # type: ignore[attr-defined]  # tests reset it
