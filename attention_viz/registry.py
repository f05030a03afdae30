"""Model names -> how to build, train and evaluate them; loading, once per process.

This is the only layer that knows about weights files and devices. Each model family adds
its names to SPECS; the functions are named as "module:function" strings so that listing
models imports no model code.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from attention_viz.checkpoint import WeightsError, load_checkpoint, paths
from attention_viz.device import pick_device

PRETRAINED_DIR = Path(__file__).resolve().parent.parent / "pretrained"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    family: str  # which page shows it: "dates", "translation"
    summary: str  # one line for `list` and the pages
    build: str  # "module:function", (Checkpoint) -> nn.Module with predict() and predict_batch()
    train: str  # "module:function", (name, stem: Path, quick: bool, seed: int) -> None
    evaluate: str  # "module:function", (model, file: str | None) -> exit code; prints a report


SPECS: dict[str, ModelSpec] = {}


def register(*specs: ModelSpec) -> None:
    for spec in specs:
        SPECS[spec.name] = spec


def list_models(family: str | None = None) -> list[str]:
    """Registered model names, optionally only one family's."""
    _register_families()
    return [n for n, s in SPECS.items() if family is None or s.family == family]


def spec(name: str) -> ModelSpec:
    _register_families()
    if name not in SPECS:
        known = ", ".join(SPECS) or "none"
        raise KeyError(f"unknown model {name!r}; known models: {known}")
    return SPECS[name]


def rebuild_command(name: str) -> str:
    return f"python -m attention_viz train {name}"


def weights_stem(name: str, directory: Path | None = None) -> Path:
    return (directory or PRETRAINED_DIR) / name


@functools.cache
def load_model(name: str, device: str | None = None) -> Any:
    """Build a registered model from its shipped weights, on the best device, in eval mode.

    Cached per (name, device): every caller shares one read-only instance; predict() runs
    under torch.inference_mode() and never mutates it.

    Raises:
        KeyError: unknown name. WeightsError: missing or corrupt weights (the message names
        the file and the command that rebuilds it).
    """
    s = spec(name)
    checkpoint = load_checkpoint(weights_stem(name), rebuild_command(name))
    try:
        model = resolve(s.build)(checkpoint)
    except (KeyError, RuntimeError, TypeError, ValueError) as e:
        stem = weights_stem(name)
        raise WeightsError(
            f"{paths(stem)[0]} does not fit model {name!r} ({e}); "
            f"rebuild it with: {rebuild_command(name)}"
        ) from e
    target = torch.device(device) if device else pick_device()[0]
    return model.to(target).eval()


def resolve(target: str) -> Callable[..., Any]:
    """Import "package.module:function"."""
    module, _, function = target.partition(":")
    return getattr(importlib.import_module(module), function)


def _register_families() -> None:
    """Import the model families, each of which calls register() for its names."""
    for module in FAMILY_MODULES:
        importlib.import_module(module)


# Modules that register model names; each is small and imports no torch model code itself.
FAMILY_MODULES: tuple[str, ...] = (
    "attention_viz.models.dates",
    "attention_viz.models.translation_names",
)
