"""Nadaraya–Watson kernel regression: attention pooling in its simplest form.

Queries are test inputs, keys are training inputs, values are training targets; the
attention weight of key x_i for query x is K((x - x_i)/h) / sum_j K((x - x_j)/h).

Numpy in, numpy out; the work runs in float32 torch (half the memory traffic of float64,
which is what bounds the time at 10,000 keys x 1,000 queries).

Shape symbols: N training points (keys, values), M queries, C bandwidths scored at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from attention_viz.attention import KERNELS, kernel_scores, masked_softmax

COMPACT_KERNELS = ("epanechnikov", "boxcar")
MAX_CELLS = 200_000_000  # M x N weights above this would need > 800 MB: refused, not swapped
_BLOCK = 1 << 24  # elements per block of the leave-one-out computation (64 MB of float32)
_DTYPE = torch.float32


def nadaraya_watson(
    x_train: Sequence[float] | np.ndarray,
    y_train: Sequence[float] | np.ndarray,
    x_query: Sequence[float] | np.ndarray,
    kernel: str = "gaussian",
    bandwidth: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Kernel-weighted average of the training targets at each query.

    Args:
        x_train, y_train: (N,) training inputs (keys) and targets (values).
        x_query: (M,) query inputs.
        kernel: one of gaussian, laplace, epanechnikov, boxcar.
        bandwidth: kernel width h, > 0. As h -> 0 the prediction becomes the nearest
            neighbour's target (a query with no key inside a compact kernel's support takes its
            nearest neighbour's); as h -> inf it becomes the average of all targets.
    Returns:
        (y_hat (M,), weights (M, N)), float32; every row of weights sums to 1.
    """
    keys, values, queries = _check_xy(x_train, y_train, x_query)
    _check_kernel(kernel, bandwidth)
    distance = queries[:, None] - keys[None, :]  # (M, N)
    y_hat, weights = _pool(distance, values, kernel, bandwidth)
    return y_hat.numpy(), weights.numpy()


def average_pooling(
    x_train: Sequence[float] | np.ndarray,
    y_train: Sequence[float] | np.ndarray,
    x_query: Sequence[float] | np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The attention-free baseline: every query gets the mean target, weights 1/N."""
    keys, values, queries = _check_xy(x_train, y_train, x_query)
    weights = torch.full((len(queries), len(keys)), 1.0 / len(keys), dtype=_DTYPE)  # (M, N)
    return (weights @ values).numpy(), weights.numpy()


@dataclass(frozen=True)
class LOOCurve:
    """Leave-one-out mean squared error of the kernel regression at each bandwidth."""

    bandwidths: np.ndarray  # (C,)
    errors: np.ndarray  # (C,)

    @property
    def best_bandwidth(self) -> float:
        return float(self.bandwidths[int(np.argmin(self.errors))])

    @property
    def best_error(self) -> float:
        return float(np.min(self.errors))


def loo_curve(
    x_train: Sequence[float] | np.ndarray,
    y_train: Sequence[float] | np.ndarray,
    bandwidths: Sequence[float] | np.ndarray,
    kernel: str = "gaussian",
    max_queries: int | None = None,
    seed: int = 0,
) -> LOOCurve:
    """Leave-one-out cross-validation error for many bandwidths at once.

    Each training point is predicted from all the others. Memory is bounded: bandwidths and
    query rows are taken in blocks of at most 2^24 weights, never C x N x N at once.

    Args:
        max_queries: estimate the error from this many randomly chosen held-out points
            (each still predicted from all other N - 1); None uses all N.
    """
    keys, values, _ = _check_xy(x_train, y_train, x_train)
    if len(keys) < 2:
        raise ValueError("leave-one-out needs at least 2 training points")
    grid = np.asarray(bandwidths, dtype=np.float64)
    hs = torch.as_tensor(grid, dtype=_DTYPE)
    for h in hs.tolist():
        _check_kernel(kernel, h)
    n = len(keys)
    held_out = torch.arange(n)
    if max_queries is not None and max_queries < n:
        held_out = torch.randperm(n, generator=torch.Generator().manual_seed(seed))[:max_queries]
    rows_per_block = max(1, min(len(held_out), _BLOCK // n))
    hs_per_block = max(1, _BLOCK // (rows_per_block * n))
    squared = torch.zeros(len(hs), dtype=torch.float64)
    for rows in held_out.split(rows_per_block):
        distance = keys[rows, None] - keys[None, :]  # (R, N)
        self_mask = rows[:, None] == torch.arange(n)[None, :]  # (R, N), each row's own key
        for c0 in range(0, len(hs), hs_per_block):
            h = hs[c0 : c0 + hs_per_block, None, None]  # (C, 1, 1)
            if kernel in COMPACT_KERNELS:
                y_hat, _ = _pool(distance, values, kernel, h, self_mask, keep_distance=True)
            else:
                y_hat = _loo_smooth(distance, values, kernel, h, self_mask)  # (C, R)
            squared[c0 : c0 + len(h)] += ((y_hat - values[rows]) ** 2).sum(-1, dtype=torch.float64)
    return LOOCurve(grid, (squared / len(held_out)).numpy())


def _loo_smooth(
    distance: torch.Tensor,
    values: torch.Tensor,
    kernel: str,
    bandwidth: torch.Tensor,
    exclude: torch.Tensor,
) -> torch.Tensor:
    """Leave-one-out predictions (C, R) of the Gaussian or Laplace kernel, in three passes.

    The same numbers as _pool's masked softmax, computed with less memory traffic: a row's
    largest score belongs to its nearest other key for every bandwidth, so the softmax's
    shift is known before the bandwidth is (the gap to that key), and exp(-gap / (2 h^2))
    is at most 1 and exactly 1 there: no overflow, no empty row, no max pass. Numerator
    and denominator then come out of one product with [values, 1].
    distance, exclude: (R, N); bandwidth: (C, 1, 1).
    """
    gap = distance.square() if kernel == "gaussian" else distance.abs()  # (R, N)
    gap.masked_fill_(exclude, float("inf"))  # the held-out key itself: weight exp(-inf) = 0
    gap -= gap.amin(-1, keepdim=True)  # 0 at each row's nearest other key
    scale = -0.5 / bandwidth.square() if kernel == "gaussian" else -1.0 / bandwidth
    kernel_values = (gap * scale).exp_()  # (C, R, N), unnormalised weights in [0, 1]
    ones = torch.ones_like(values)
    sums = kernel_values @ torch.stack([values, ones], dim=-1)  # (C, R, N) @ (N, 2) -> (C, R, 2)
    return sums[..., 0] / sums[..., 1]


@dataclass(frozen=True)
class ParametricFit:
    """A learned kernel width and how training got there."""

    bandwidth: float
    losses: np.ndarray  # (steps,) leave-one-out MSE on each step's batch, before the update
    bandwidths: np.ndarray  # (steps + 1,) width before each step and after the last


def fit_parametric(
    x_train: Sequence[float] | np.ndarray,
    y_train: Sequence[float] | np.ndarray,
    kernel: str = "gaussian",
    init_bandwidth: float = 1.0,
    steps: int = 100,
    lr: float = 0.5,
    batch_size: int = 512,
    seed: int = 0,
    callback: Callable[[int, int, float, float], None] | None = None,
) -> ParametricFit:
    """Learn the kernel width by SGD on leave-one-out keys (d2l's parametric attention pooling).

    Each training input is a query over all *other* training points, so the width cannot
    shrink to zero and memorise its own target. The parameter is log h, which keeps h > 0
    and makes a step mean the same relative change at every scale.

    Args:
        steps: SGD steps; batch_size: queries per step (all of them when N <= batch_size).
        callback: called after each step with (step, steps, loss, bandwidth), for progress.
    """
    keys, values, _ = _check_xy(x_train, y_train, x_train)
    _check_kernel(kernel, init_bandwidth)
    if kernel == "boxcar":
        raise ValueError(
            "the boxcar kernel is flat inside its support, so its width has no "
            "gradient to learn from; use gaussian, laplace or epanechnikov"
        )
    if len(keys) < 2:
        raise ValueError("leave-one-out needs at least 2 training points")
    n = len(keys)
    log_h = torch.tensor(float(np.log(init_bandwidth)), dtype=_DTYPE, requires_grad=True)
    optimizer = torch.optim.SGD([log_h], lr=lr)
    generator = torch.Generator().manual_seed(seed)
    losses, widths = [], [init_bandwidth]
    for step in range(steps):
        rows = torch.randperm(n, generator=generator)[:batch_size]  # (R,)
        distance = keys[rows, None] - keys[None, :]  # (R, N)
        self_mask = rows[:, None] == torch.arange(n)[None, :]  # (R, N)
        y_hat, _ = _pool(distance, values, kernel, log_h.exp(), exclude=self_mask)  # (R,)
        loss = F.mse_loss(y_hat, values[rows])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            log_h.clamp_(np.log(1e-3), np.log(1e3))  # the range the page and the tests cover
        losses.append(loss.item())
        widths.append(float(log_h.detach().exp()))
        if callback is not None:
            callback(step + 1, steps, losses[-1], widths[-1])
    return ParametricFit(widths[-1], np.array(losses), np.array(widths))


def _pool(
    distance: torch.Tensor,
    values: torch.Tensor,
    kernel: str,
    bandwidth: float | torch.Tensor,
    exclude: torch.Tensor | None = None,
    keep_distance: bool = False,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Attention pooling of `values` (N,) with kernel scores of `distance` (M, N).

    A bandwidth tensor (C, 1, 1) gives (C, M) predictions and (C, M, N) weights.
    `exclude` (M, N) marks keys a query may not see (its own key, for leave-one-out).
    `distance` is overwritten for the Gaussian and Laplace kernels unless `keep_distance`.
    """
    # Only the compact kernels' nearest-key fallback reads the distances again.
    overwrite = not keep_distance and kernel not in COMPACT_KERNELS
    scores = kernel_scores(distance, bandwidth, kernel, overwrite=overwrite)
    weights = masked_softmax(scores, None if exclude is None else ~exclude)  # (..., M, N)
    if kernel in COMPACT_KERNELS:
        weights = _nearest_where_empty(weights, distance, exclude)
    return weights @ values, weights  # (..., M, N) @ (N,) -> (..., M)


def _nearest_where_empty(
    weights: torch.Tensor, distance: torch.Tensor, exclude: torch.Tensor | None
) -> torch.Tensor:
    """A query with no key inside a compact kernel's support takes its nearest key (h -> 0)."""
    empty = weights.sum(-1, keepdim=True) == 0  # (..., M, 1)
    if not bool(empty.any()):
        return weights
    gap = distance.abs()
    if exclude is not None:
        gap = gap.masked_fill(exclude, float("inf"))
    nearest = F.one_hot(gap.argmin(-1), distance.shape[-1]).to(weights.dtype)  # (M, N)
    return torch.where(empty, nearest, weights)


def _vector(name: str, x: Sequence[float] | np.ndarray) -> torch.Tensor:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.isfinite(a).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return torch.from_numpy(a).to(_DTYPE)


def _check_xy(x_train, y_train, x_query) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    keys, values, queries = (
        _vector("x_train", x_train),
        _vector("y_train", y_train),
        _vector("x_query", x_query),
    )
    if len(keys) != len(values):
        raise ValueError(f"x_train has {len(keys)} points but y_train has {len(values)}")
    if len(keys) * len(queries) > MAX_CELLS:
        raise ValueError(
            f"{len(queries)} queries x {len(keys)} keys is over the {MAX_CELLS:,}-weight limit"
        )
    return keys, values, queries


def _check_kernel(kernel: str, bandwidth: float | torch.Tensor) -> None:
    if kernel not in KERNELS:
        raise ValueError(f"unknown kernel {kernel!r}; choose one of {', '.join(KERNELS)}")
    h = float(bandwidth) if not isinstance(bandwidth, torch.Tensor) else float(bandwidth.min())
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"bandwidth must be a positive number, got {bandwidth!r}")
