"""Weight presets that do what their names say, and a compact text form for the URL.

Shape symbols: D = d_model, H heads, E = D / H features per head (d_head).

The positional presets read only dims 0 and 1 of X + P, where word vectors are 0 and the
positional encoding is (sin t, cos t) (see tokens.py). So, with positions on:

    previous token: q_i = g (sin(i-1), cos(i-1)), k_j = g (sin j, cos j),  q_i·k_j = g² cos(i-1-j)
    same token:     q_i·k_j = g² cos(i-j) + c² (word part)

cos(n) < 1 for every whole n ≠ 0, so each row's largest score is at j = i-1 (resp. j = i).
"""

from __future__ import annotations

import math

import numpy as np

PRESETS = {
    "identity": "identity: Q = K = V = X (each head its own slice of dims)",
    "random": "random: entries N(0, 1/d_model), from the seed",
    "previous": "attend to the previous token (needs positions)",
    "same": "attend to the same token",
}
POSITION_GAIN = 3.0  # g: the positional presets' sharpness
CONTENT_GAIN = 1.0  # c: how much "same token" also compares the words themselves
MAX_ENCODED_CELLS = 256  # larger matrices are not written to the URL


class PresetError(ValueError):
    """A preset that cannot be built at this size (e.g. a positional one with d_head 1)."""


def head_weights(
    preset: str, d_model: int, n_heads: int, head: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(W_Q, W_K, W_V) of one head, each (D, E)."""
    if d_model % n_heads:
        raise PresetError(f"d_model {d_model} is not divisible by {n_heads} heads")
    d_head = d_model // n_heads
    own = np.eye(d_model)[:, head * d_head : (head + 1) * d_head]  # (D, E): this head's dims
    if preset == "identity":
        return own, own.copy(), own.copy()
    if preset == "random":
        rng = np.random.default_rng([seed, head])
        return tuple(rng.normal(0.0, 1.0 / math.sqrt(d_model), (3, d_model, d_head)))
    if preset not in ("previous", "same"):
        raise PresetError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    if d_head < 2:
        raise PresetError(
            f"the {preset!r} preset reads the two position dims and needs d_head ≥ 2 "
            f"(d_model {d_model} / {n_heads} heads = {d_head})"
        )
    # g grows like E^(1/4), so the scaled scores g² cos(..) / sqrt(E) keep their size.
    gain = POSITION_GAIN * (d_head / 4) ** 0.25
    w_k = np.zeros((d_model, d_head))
    w_k[:2, :2] = gain * np.eye(2)
    if preset == "previous":
        # Row vectors (sin t, cos t) @ R = (sin(t-1), cos(t-1)): a rotation by one step back.
        c, s = math.cos(1.0), math.sin(1.0)
        w_q = np.zeros((d_model, d_head))
        w_q[:2, :2] = gain * np.array([[c, s], [-s, c]])
        return w_q, w_k, own
    # Same token: the position dims, plus the word dims compared with themselves.
    n = min(d_model, d_head) - 2
    w_k[2 : 2 + n, 2 : 2 + n] = CONTENT_GAIN * np.eye(n)
    return w_k.copy(), w_k, own


def output_weights(d_model: int) -> np.ndarray:
    """W_O (H·E, D) preset: the identity, so one head's output is AV itself."""
    return np.eye(d_model)


# --- compact text form: rows joined by ";", numbers by "," (4 significant digits) ---


def encode_matrix(matrix: np.ndarray) -> str | None:
    """'1,0;0,1' for a matrix; None if it is too large for a URL."""
    if matrix.size > MAX_ENCODED_CELLS:
        return None
    return ";".join(",".join(f"{v:.4g}" for v in row) for row in matrix)


def decode_matrix(text: str, shape: tuple[int, int]) -> np.ndarray:
    """The matrix of encode_matrix's text; ValueError (with the reason) if it is not one."""
    rows = text.split(";")
    if len(rows) != shape[0]:
        raise ValueError(f"expected {shape[0]} rows separated by ';', found {len(rows)}")
    values = []
    for row in rows:
        cells = row.split(",")
        if len(cells) != shape[1]:
            raise ValueError(f"expected {shape[1]} numbers per row, found {len(cells)}")
        try:
            numbers = [float(c) for c in cells]
        except ValueError:
            raise ValueError("expected numbers") from None
        if not all(math.isfinite(v) and abs(v) <= 1e3 for v in numbers):
            raise ValueError("expected finite numbers between -1000 and 1000")
        values.append(numbers)
    return np.array(values)
