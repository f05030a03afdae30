"""True functions and noisy samples for the kernel-regression page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TrueFunction:
    name: str
    latex: str  # shown in the page's formula
    f: Callable[[np.ndarray], np.ndarray]
    domain: tuple[float, float] = (0.0, 5.0)


# d2l's attention-pooling example first; the others stress different bandwidths:
# a step punishes wide kernels, a fast wave punishes them more, a line rewards them.
FUNCTIONS: dict[str, TrueFunction] = {
    f.name: f
    for f in (
        TrueFunction("d2l", r"2\sin x + x^{0.8}", lambda x: 2 * np.sin(x) + x**0.8),
        TrueFunction(
            "step", r"\mathbb{1}[x > 2.5]\cdot 2 - 1", lambda x: np.where(x > 2.5, 1.0, -1.0)
        ),
        TrueFunction("chirp", r"\sin(x^2)", lambda x: np.sin(x**2)),
        TrueFunction("line", r"0.8\,x - 1", lambda x: 0.8 * x - 1.0),
    )
}


def sample(function: str, n_train: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted inputs uniform on the function's domain and targets f(x) + N(0, noise^2).

    Returns:
        (x_train (n_train,), y_train (n_train,)), float64.
    """
    f = FUNCTIONS[function]
    rng = np.random.default_rng(seed)
    lo, hi = f.domain
    x = np.sort(rng.uniform(lo, hi, n_train))
    return x, f.f(x) + rng.normal(0.0, noise, n_train)


def query_grid(function: str, n_query: int) -> np.ndarray:
    """Evenly spaced query inputs over the function's domain, (n_query,)."""
    lo, hi = FUNCTIONS[function].domain
    return np.linspace(lo, hi, n_query)
