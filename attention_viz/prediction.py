"""What a sequence model's predict() returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Prediction:
    """One input's decoding, with the attention that produced it.

    `attention` is (len(target_tokens), len(source_tokens)); each row sums to 1.
    It is None for models without attention (the date baseline and peeky decoders).
    """

    text: str  # the decoded output as one string
    source_tokens: list[str]  # what the heatmap's columns show
    target_tokens: list[str]  # what the heatmap's rows show
    attention: np.ndarray | None
    extra: dict[str, Any] = field(default_factory=dict)  # family-specific (flags, scores, beams)
