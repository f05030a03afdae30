"""The addressing sandbox's inputs, from a few plain numbers: a memory, a key, a shift.

    memory = sandbox_memory(10, 6, seed=0)                 # (N, M)
    key = sandbox_key(memory, slot=3, noise=0.3, seed=0)  # (M,) near slot 3
    stages = run_stages(memory, previous_slot=0, key=key, beta=5, gate=1,
                        shift=shift_distribution(0.5), gamma=2)   # numpy weightings by name

Shape symbols used in the comments:
    N    number of memory slots
    M    width of one memory slot
"""

from __future__ import annotations

import numpy as np
import torch

from attention_viz.families.memory.addressing import address


def sandbox_memory(slots: int, width: int, seed: int) -> np.ndarray:
    """A (N, M) memory of random values (rounded to 2 decimals, so a formula can quote them)."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(slots, width)).round(2)


def sandbox_key(memory: np.ndarray, slot: int, noise: float, seed: int) -> np.ndarray:
    """A key that looks like memory row `slot` plus Gaussian noise of std `noise` (M,)."""
    rng = np.random.default_rng(seed + 1)
    return (memory[slot] + noise * rng.normal(size=memory.shape[1])).round(2)


def shift_distribution(amount: float) -> np.ndarray:
    """s over offsets (-1, 0, +1) that moves `amount` of the weight (negative: backwards)."""
    if not -1.0 <= amount <= 1.0:
        raise ValueError(f"shift amount {amount} is outside -1..1")
    back, forward = max(-amount, 0.0), max(amount, 0.0)
    return np.array([back, 1.0 - back - forward, forward])


def one_hot(slots: int, slot: int) -> np.ndarray:
    w = np.zeros(slots)
    w[slot] = 1.0
    return w


def run_stages(
    memory: np.ndarray,
    previous: np.ndarray,
    key: np.ndarray,
    beta: float,
    gate: float,
    shift: np.ndarray,
    gamma: float,
) -> dict[str, np.ndarray]:
    """Every stage of one head's addressing as numpy (N,) arrays, in order, by name.

    Keys: previous, similarity, content, gated, shifted, sharpened.
    """

    def t(x) -> torch.Tensor:
        return torch.as_tensor(np.asarray(x, dtype=np.float64)).unsqueeze(0)  # (1, ...)

    scalar = lambda v: torch.tensor([[float(v)]], dtype=torch.float64)  # noqa: E731
    a = address(t(memory), t(previous), t(key), scalar(beta), scalar(gate), t(shift), scalar(gamma))
    return {
        "previous": np.asarray(previous, dtype=float),
        "similarity": a.similarity[0].numpy(),
        "content": a.content[0].numpy(),
        "gated": a.gated[0].numpy(),
        "shifted": a.shifted[0].numpy(),
        "sharpened": a.weights[0].numpy(),
    }
