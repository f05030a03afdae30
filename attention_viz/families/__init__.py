"""The model families, one folder each; this list is the only shared file a family touches.

from attention_viz.families import families, family_of
[f.key for f in families()]          # navigation order
"""

from __future__ import annotations

import functools
import importlib

from attention_viz.family import Family

# Each module defines FAMILY; importing it imports no torch model code.
FAMILY_MODULES: tuple[str, ...] = (
    "attention_viz.families.kernel",
    "attention_viz.families.dates",
    "attention_viz.families.translation",
    "attention_viz.families.selfattention",
    "attention_viz.families.memory",
    "attention_viz.families.transformer",
    "attention_viz.families.captioning",
)


@functools.cache
def families() -> tuple[Family, ...]:
    """Every family record, in navigation order."""
    found = [importlib.import_module(m).FAMILY for m in FAMILY_MODULES]
    return tuple(sorted(found, key=lambda f: f.order))


def family(key: str) -> Family:
    for f in families():
        if f.key == key:
            return f
    raise KeyError(f"unknown family {key!r}; known: {', '.join(f.key for f in families())}")


def family_of(model_name: str) -> Family:
    """The family a registered model belongs to."""
    for f in families():
        if model_name in f.names():
            return f
    known = ", ".join(n for f in families() for n in f.names())
    raise KeyError(f"unknown model {model_name!r}; known models: {known}")


def task_models(task: str) -> list[str]:
    """Every registered model of one task, whatever its family (e.g. all date converters)."""
    return [m.name for f in families() for m in f.models if m.task == task]
