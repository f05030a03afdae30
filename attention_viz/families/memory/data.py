"""The copy task: random binary vectors, a delimiter, then the network must write them back.

An episode of a length-L sequence lasts 2L + 1 steps. The input has W bit channels and one
delimiter channel:

    steps 1..L       the bits, delimiter 0          (the network reads and stores them)
    step L + 1       all bits 0, delimiter 1         ("now copy")
    steps L+2..2L+1  all zeros                       (the network outputs the L vectors)

Shape symbols used in the comments:
    B    batch size
    L    sequence length (vectors to copy)
    T    episode length, 2L + 1
    W    bits per vector
"""

from __future__ import annotations

import re

import numpy as np
import torch

SEPARATORS = re.compile(r"[\s,;|/]+")


def random_bits(length: int, width: int, seed: int) -> np.ndarray:
    """A (L, W) array of random 0/1 bits (uint8), reproducible from the seed."""
    return np.random.default_rng(seed).integers(0, 2, size=(length, width), dtype=np.uint8)


def episode(bits: torch.Tensor) -> torch.Tensor:
    """The network's input for a batch of sequences: (B, L, W) bits -> (T, B, W + 1)."""
    batch, length, width = bits.shape
    inputs = torch.zeros(2 * length + 1, batch, width + 1)  # (T, B, W + 1)
    inputs[:length, :, :width] = bits.transpose(0, 1).float()  # (L, B, W)
    inputs[length, :, width] = 1.0  # the delimiter
    return inputs


def copy_batch(
    batch: int, length: int, width: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """A batch of copy episodes of one length: (inputs (T, B, W + 1), targets (L, B, W))."""
    bits = torch.randint(0, 2, (batch, length, width), generator=generator)  # (B, L, W)
    return episode(bits), bits.transpose(0, 1).float()


def parse_bits(text: str, width: int, max_length: int) -> np.ndarray:
    """Rows of bits such as "0110 1011" (separated by spaces, commas or newlines) -> (L, W).

    Raises:
        ValueError: a character other than 0/1, rows of the wrong width, no rows, or more
            rows than `max_length`; the message names the limit.
    """
    rows = [r for r in SEPARATORS.split(text.strip()) if r]
    if not rows:
        raise ValueError(f"no bits given: type rows of {width} bits such as {'01' * (width // 2)}")
    for i, row in enumerate(rows, start=1):
        if set(row) - {"0", "1"}:
            raise ValueError(f"row {i} ({row[:20]!r}) has characters other than 0 and 1")
        if len(row) != width:
            raise ValueError(f"row {i} has {len(row)} bits; every row must have exactly {width}")
    if len(rows) > max_length:
        raise ValueError(f"{len(rows)} rows is too long: at most {max_length} rows are allowed")
    return np.array([[int(c) for c in row] for row in rows], dtype=np.uint8)


def check_bits(bits: np.ndarray, width: int, max_length: int) -> np.ndarray:
    """Validate a (L, W) array of 0/1; returns it as uint8. Raises ValueError naming the limit."""
    bits = np.asarray(bits)
    if bits.ndim != 2 or bits.shape[1] != width:
        raise ValueError(f"expected bits of shape (length, {width}), got {bits.shape}")
    if not 1 <= bits.shape[0] <= max_length:
        raise ValueError(f"length {bits.shape[0]} is outside 1..{max_length} rows")
    if not np.isin(bits, (0, 1)).all():
        raise ValueError("bits must be 0 or 1")
    return bits.astype(np.uint8)


def format_bits(bits: np.ndarray, separator: str = " ") -> str:
    """(L, W) bits -> "0110 1011"."""
    return separator.join("".join(str(int(b)) for b in row) for row in bits)
