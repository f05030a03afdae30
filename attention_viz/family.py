"""A model family is one folder under attention_viz/families/ plus one `Family` record.

The record is all the shared code knows about a family: the registry reads its models and
its build/train/evaluate functions, the router and the home page its page, title and icon,
the plots its colours and the pages its score formulas. Functions are named as
"module:function" strings so that reading the records imports no torch model code.

A new family: add a folder with `__init__.py` defining FAMILY, and its module name to
attention_viz.families.FAMILY_MODULES.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ModelEntry:
    """One registered model of a family."""

    name: str  # registry name, e.g. "date-attention"
    summary: str  # one line for `list`, the home page and pickers
    label: str = ""  # short picker label, e.g. "dot-product attention (the book)"
    colour: str = "#1f77b4"  # the model's colour in every comparison chart
    score: str | None = None  # key of its score in attention.SCORES; None without attention
    example: str = ""  # an input it takes (CLI help, contract tests); default: the family's
    task: str = ""  # models of one task can be compared on one page, e.g. "dates"
    options: dict[str, Any] = field(default_factory=dict)  # family-specific (e.g. decoder kind)


@dataclass(frozen=True)
class Family:
    """Everything the shared code needs to know about one model family."""

    key: str  # folder name and URL path of its page, e.g. "dates"
    title: str  # page title in the navigation
    icon: str  # material icon of the page, e.g. ":material/calendar_month:"
    blurb: str  # one line on the home page, after the link
    page: str | None  # page script, relative to the package (None: no page of its own)
    models: tuple[ModelEntry, ...] = ()
    build: str = ""  # "module:function": (Checkpoint) -> model with predict()/predict_batch()
    train: str = ""  # "module:function": (name, stem: Path, quick: bool, seed: int) -> None
    evaluate: str = ""  # "module:function": (model, file: str | None) -> exit code; prints
    bench: str = ""  # "module:function": (quick: bool) -> None, run by `bench NAME`
    bench_name: str = ""  # NAME in `python -m attention_viz bench NAME` (default: key)
    read_input: str = ""  # "module:function": CLI text -> what predict() takes (default: the text)
    describe: str = ""  # "module:function": (Prediction) -> str the CLI prints (default: heatmap)
    examples: tuple[tuple[str, str], ...] = ()  # (label, input) pairs for pages and the CLI
    order: int = 100  # position in the navigation and on the home page

    def page_path(self) -> Path | None:
        return None if self.page is None else PACKAGE_DIR / self.page

    def model(self, name: str) -> ModelEntry:
        for m in self.models:
            if m.name == name:
                return m
        raise KeyError(f"{name!r} is not a {self.key} model; known: {self.names()}")

    def names(self) -> list[str]:
        return [m.name for m in self.models]

    def example_of(self, name: str) -> str:
        """An input the model takes: its own example, else the family's first."""
        return self.model(name).example or self.examples[0][1]


def resolve(target: str) -> Callable[..., Any]:
    """Import "package.module:function"."""
    module, _, function = target.partition(":")
    return getattr(importlib.import_module(module), function)
