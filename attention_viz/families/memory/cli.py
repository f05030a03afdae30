"""The command line's view of the NTM: what `predict ntm-copy TEXT` takes and prints.

python -m attention_viz predict ntm-copy "01100110 10110001"   # rows of 8 bits
python -m attention_viz predict ntm-copy random:12:3           # 12 random rows, seed 3
"""

from __future__ import annotations

import numpy as np

from attention_viz.families.memory.data import format_bits, random_bits
from attention_viz.prediction import Prediction

SHADES = " .:-=+*#%@"  # light to heavy
RANDOM_PREFIX = "random:"
WIDTH = 8  # the shipped model's bits per row (random: input)


def read_input(text: str) -> str:
    """Bit rows pass through; "random:L[:SEED]" becomes L random rows of WIDTH bits.

    Raises:
        ValueError: a malformed random: spec.
    """
    text = text.strip()
    if not text.lower().startswith(RANDOM_PREFIX):
        return text
    parts = text[len(RANDOM_PREFIX) :].split(":")
    try:
        length = int(parts[0])
        seed = int(parts[1]) if len(parts) > 1 else 0
    except (ValueError, IndexError):
        raise ValueError("write random input as random:LENGTH or random:LENGTH:SEED") from None
    if length < 1:
        raise ValueError("random:LENGTH needs a length of at least 1")
    return format_bits(random_bits(length, WIDTH, seed))


def text_weights(weights: np.ndarray, steps: list[str], title: str) -> str:
    """Rows = steps, columns = memory slots (one shade character each)."""
    width = max(len(s) for s in steps)
    slots = weights.shape[1]
    header = "".join(str(i % 10) for i in range(slots))
    lines = [f"{title}: rows = steps, columns = memory slots 0..{slots - 1}"]
    lines.append(f"{'':>{width}} {header}")
    for step, row in zip(steps, weights, strict=True):
        shades = "".join(SHADES[min(int(w * len(SHADES)), len(SHADES) - 1)] for w in row)
        lines.append(f"{step:>{width}} {shades}  max {row.max():.2f} @ {int(row.argmax())}")
    return "\n".join(lines)


def describe(p: Prediction) -> str:
    """Output, target, wrong bits marked, then the write and read weights as text heatmaps."""
    output, target = p.text.split(), p.checks["target"].split()
    lines = ["step  target    output    wrong"]
    for i, (t, o) in enumerate(zip(target, output, strict=True), 1):
        marks = "".join("^" if a != b else " " for a, b in zip(t, o, strict=True))
        lines.append(f"{i:>4}  {t}  {o}  {marks.rstrip()}")
    c = p.checks
    lines.append(f"output: {p.text}")
    lines.append(f"target: {c['target']}")
    lines.append(f"wrong bits: {c['bit_errors']} of {c['bits']}")
    lines.extend(f"warning: {w}" for w in p.warnings)
    for name in ("write", "read"):
        lines.append("")
        lines.append(text_weights(p.maps[name].weights, p.target_tokens, f"{name} weights"))
    lines.append(f"(shade: '{SHADES[1]}' low ... '{SHADES[-1]}' high)")
    return "\n".join(lines)
