"""What every model's predict() returns: one type for every family.

    p = load_model("date-attention").predict("25 sept 1984")
    p.text, p.source_tokens, p.target_tokens   # output, and the main heatmap's axes
    p.attention                                # the main query x key map, (T_q, T_k)
    p.maps["cross"].weights                    # every map, each saying what its axes are
    p.top[t]                                   # the likeliest tokens at output step t
    p.log_prob, p.checks, p.warnings

A map's weights have shape (*leading, T_q, T_k): leading axes such as ("layer", "head")
come first, then one row per query and one column per key; each row sums to 1 (or is all
zeros where a query had nothing to attend to). The axes say what the queries and keys
are: tokens, image regions on a grid, or memory slots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

AXIS_KINDS = ("tokens", "regions", "slots", "steps")


@dataclass(frozen=True)
class Axis:
    """What one axis of an attention map indexes."""

    kind: str  # one of AXIS_KINDS
    labels: tuple[str, ...]  # one per position (regions: row-major over the grid)
    grid: tuple[int, int] | None = None  # (rows, cols) of image regions; None otherwise

    def __post_init__(self) -> None:
        if self.kind not in AXIS_KINDS:
            raise ValueError(f"unknown axis kind {self.kind!r}; one of {', '.join(AXIS_KINDS)}")
        if self.grid is not None and self.grid[0] * self.grid[1] != len(self.labels):
            raise ValueError(f"grid {self.grid} does not hold {len(self.labels)} labels")

    @classmethod
    def tokens(cls, labels) -> Axis:
        return cls("tokens", tuple(labels))

    @classmethod
    def regions(cls, rows: int, cols: int) -> Axis:
        return cls(
            "regions", tuple(f"({r},{c})" for r in range(rows) for c in range(cols)), (rows, cols)
        )

    @classmethod
    def slots(cls, count: int) -> Axis:
        return cls("slots", tuple(f"slot {i}" for i in range(count)))

    @classmethod
    def steps(cls, count: int) -> Axis:
        return cls("steps", tuple(f"t={i + 1}" for i in range(count)))

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class AttentionMap:
    """Attention weights with their axes: (*leading, len(queries), len(keys))."""

    weights: np.ndarray
    queries: Axis
    keys: Axis
    leading: tuple[str, ...] = ()  # names of the leading axes, e.g. ("layer", "head")

    def __post_init__(self) -> None:
        expected = (len(self.queries), len(self.keys))
        if self.weights.ndim != len(self.leading) + 2 or self.weights.shape[-2:] != expected:
            raise ValueError(
                f"weights of shape {self.weights.shape} do not fit leading axes "
                f"{self.leading} and (queries, keys) = {expected}"
            )

    @property
    def shape(self) -> tuple[int, ...]:
        return self.weights.shape

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return self.weights if dtype is None else self.weights.astype(dtype)


@dataclass(frozen=True)
class Prediction:
    """One input's output, with the attention that produced it.

    `attention` is the main query x key map (T_q, T_k) = (len(target_tokens),
    len(source_tokens)), what a page draws first and what existing notebooks read; None for
    models without attention. `maps` holds every map the model computed, named by role:
    "cross" (decoder over encoder), "encoder-self", "decoder-self", "read", "write", ...
    """

    text: str  # the output as one string
    source_tokens: list[str]  # what the main map's columns show
    target_tokens: list[str]  # what the main map's rows show
    attention: np.ndarray | None
    maps: dict[str, AttentionMap] = field(default_factory=dict)
    top: list[list[tuple[str, float]]] = field(default_factory=list)  # per step: (token, p)
    log_prob: float | None = None  # log probability of the output under the model
    checks: dict[str, Any] = field(default_factory=dict)  # the family's checks of the output
    warnings: list[str] = field(default_factory=list)  # for the user: unknown characters, ...
    forced: bool = False  # True: decoded under teacher forcing (fed the reference)

    @property
    def predicted(self) -> list[str]:
        """The model's own likeliest token at each step (its choice under teacher forcing)."""
        return [step[0][0] for step in self.top if step]

    @property
    def confidence(self) -> float | None:
        """The probability of the least certain step's likeliest token."""
        return min((step[0][1] for step in self.top if step), default=None)
