"""Attention scoring functions and attention pooling.

Every function here returns the attention weights it computed; nothing is stored on a module.

Shape symbols used in the comments:
    B    batch size
    T_q  number of queries
    T_k  number of keys (= number of values)
    D    query/key feature size (D_q, D_k where they differ); D_v value size
    H    hidden size of the additive (Bahdanau) score
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

KERNELS = ("gaussian", "laplace", "epanechnikov", "boxcar")


@dataclass(frozen=True)
class ScoreFormula:
    """A score as the pages write it: s_t is the decoder state (query), h_j an encoder
    state (key), e_{t,j} the score; the weights are a_{t,j} = softmax_j e_{t,j}."""

    latex: str
    note: str


# Each score's formula, beside the code that computes it (the ModelEntry.score keys).
SCORES = {
    "dot": ScoreFormula(
        r"e_{t,j} = s_t^\top h_j",
        "Dot score (Luong; the book's date model): the decoder state against each encoder state.",
    ),
    "scaled-dot": ScoreFormula(
        r"e_{t,j} = \frac{q_t^\top k_j}{\sqrt{d}}",
        "Scaled dot score (transformers): dividing by sqrt(d) keeps the scores' variance near 1.",
    ),
    "general": ScoreFormula(r"e_{t,j} = s_t^\top W\, h_j", "Luong's general score."),
    "additive": ScoreFormula(
        r"e_{t,j} = v^\top \tanh\!\left(W_q\, s_t + W_k\, h_j\right)",
        "Additive score (Bahdanau): a small network of the decoder state and each encoder state.",
    ),
    "additive-previous": ScoreFormula(
        r"e_{t,j} = v^\top \tanh\!\left(W_q\, s_{t-1} + W_k\, h_j\right)",
        "Bahdanau's additive score: the previous decoder state against each encoder state.",
    ),
    "location": ScoreFormula(
        r"e_t = W_a\,[\mathrm{emb}(y_{t-1});\, s_{t-1}]",
        "Location-based (the PyTorch tutorial): the scores of all positions come from "
        "the decoder's input word and state alone; no encoder state h_j enters them, so "
        "it can only learn where words usually are.",
    ),
}


def masked_softmax(
    scores: torch.Tensor, mask: torch.Tensor | None = None, dim: int = -1
) -> torch.Tensor:
    """Softmax over `dim` that ignores masked positions.

    Args:
        scores: any shape; entries may be -inf (a key outside a kernel's support).
        mask: bool, broadcastable to `scores`; True marks the positions that take part
            (the convention of `F.scaled_dot_product_attention`).
    Returns:
        weights of the shape of `scores`; masked positions are exactly 0 and a row with no
        unmasked finite score is all zeros, never NaN, and has zero gradient.
    """
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    peak = scores.amax(dim=dim, keepdim=True).detach()
    if bool(torch.isfinite(peak).all()):
        return torch.softmax(scores, dim=dim)  # every row has a key: the fused kernel is exact
    # Shifting by the row maximum keeps exp() from overflowing; the shift cancels in the
    # ratio, so it carries no gradient. A fully masked row has max -inf: shift it by 0.
    peak = peak.masked_fill(~torch.isfinite(peak), 0.0)
    weights = (scores - peak).exp_()
    total = weights.sum(dim=dim, keepdim=True)
    return weights / torch.where(total > 0, total, torch.ones_like(total))


def length_mask(valid_lens: torch.Tensor, num_keys: int) -> torch.Tensor:
    """Bool mask (..., num_keys) that is True for the first valid_lens[...] keys."""
    positions = torch.arange(num_keys, device=valid_lens.device)
    return positions < valid_lens.unsqueeze(-1)  # (..., T_k)


# --- scoring functions: (B, T_q, D) queries x (B, T_k, D) keys -> (B, T_q, T_k) scores ---


def dot_scores(query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
    """Luong's dot score q·k."""
    return query @ key.transpose(-2, -1)  # (B, T_q, D) @ (B, D, T_k) -> (B, T_q, T_k)


def scaled_dot_scores(query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
    """Transformer score q·k / sqrt(D): keeps the score variance near 1 as D grows."""
    return dot_scores(query, key) / math.sqrt(query.shape[-1])


class GeneralScore(nn.Module):
    """Luong's general score q^T W k with a learnable W (D_q, D_k)."""

    def __init__(self, query_size: int, key_size: int):
        super().__init__()
        self.W = nn.Linear(key_size, query_size, bias=False)

    def forward(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        return dot_scores(query, self.W(key))  # W k: (B, T_k, D_q) -> (B, T_q, T_k)


class AdditiveScore(nn.Module):
    """Bahdanau's additive score v^T tanh(W_q q + W_k k)."""

    def __init__(self, query_size: int, key_size: int, hidden_size: int):
        super().__init__()
        self.W_q = nn.Linear(query_size, hidden_size, bias=False)
        self.W_k = nn.Linear(key_size, hidden_size, bias=False)
        self.v = nn.Linear(hidden_size, 1, bias=False)

    def forward(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        return self.from_projected(query, self.project_keys(key))

    def project_keys(self, key: torch.Tensor) -> torch.Tensor:
        """W_k k: (B, T_k, D_k) -> (B, T_k, H); a decoder that queries the same keys at
        every step projects them once."""
        return self.W_k(key)

    def from_projected(self, query: torch.Tensor, projected_keys: torch.Tensor) -> torch.Tensor:
        """Scores against keys already projected by project_keys: -> (B, T_q, T_k)."""
        q = self.W_q(query).unsqueeze(2)  # (B, T_q, 1, H)
        k = projected_keys.unsqueeze(1)  # (B, 1, T_k, H)
        return self.v(torch.tanh(q + k)).squeeze(-1)  # (B, T_q, T_k, 1) -> (B, T_q, T_k)


def kernel_scores(
    distance: torch.Tensor,
    bandwidth: float | torch.Tensor,
    kernel: str = "gaussian",
    overwrite: bool = False,
) -> torch.Tensor:
    """Log-kernel scores log K(d / h) of distances d for bandwidth h.

    softmax(log K) = K / sum K, so Nadaraya–Watson pooling is attention with these scores.
    Compact kernels (Epanechnikov, boxcar) score -inf outside their support |d| < h.

    Args:
        distance: query-key distances, any shape (usually (T_q, T_k)).
        bandwidth: h > 0; a tensor broadcastable to `distance` scores several at once.
        kernel: one of KERNELS.
        overwrite: reuse `distance`'s memory for the scores when the caller no longer needs
            it (Gaussian and Laplace with a scalar bandwidth): at 10^7 weights a fresh buffer
            costs as much as the arithmetic.
    Returns:
        scores of the shape of `distance` broadcast with `bandwidth`.
    """
    h = torch.as_tensor(bandwidth, dtype=distance.dtype, device=distance.device)
    if kernel == "gaussian":
        return _times(distance.square_() if overwrite else distance.square(), -0.5 / h.square())
    if kernel == "laplace":
        return _times(distance.abs_() if overwrite else distance.abs(), -1.0 / h)
    u = _times(distance.abs(), 1.0 / h)  # |d| / h
    if kernel == "epanechnikov":
        u2 = u.square_()
        return torch.log1p(-u2.clamp(max=1.0)).masked_fill_(u2 >= 1.0, float("-inf"))
    if kernel == "boxcar":
        return torch.zeros_like(u).masked_fill_(u > 1.0, float("-inf"))
    raise ValueError(f"unknown kernel {kernel!r}; choose one of {', '.join(KERNELS)}")


def _times(owned: torch.Tensor, factor: torch.Tensor) -> torch.Tensor:
    """owned * factor, in place when no broadcasting grows `owned` (halves memory traffic)."""
    if factor.dim() == 0:
        return owned.mul_(factor)
    return owned * factor


# --- attention pooling: scores -> weights -> weighted sum of values ---


def attention_pool(
    scores: torch.Tensor, value: torch.Tensor, mask: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pool values with softmax(scores).

    Args:
        scores: (B, T_q, T_k); mask: bool, broadcastable to scores, True = attend.
        value: (B, T_k, D_v).
    Returns:
        (output (B, T_q, D_v), weights (B, T_q, T_k)).
    """
    weights = masked_softmax(scores, mask)  # (B, T_q, T_k)
    return weights @ value, weights  # (B, T_q, T_k) @ (B, T_k, D_v) -> (B, T_q, D_v)


def dot_product_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    mask: torch.Tensor | None = None,
    scaled: bool = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(Scaled) dot-product attention; returns (output (B, T_q, D_v), weights (B, T_q, T_k))."""
    scores = scaled_dot_scores(query, key) if scaled else dot_scores(query, key)
    return attention_pool(scores, value, mask)


class GeneralAttention(nn.Module):
    """Attention with Luong's general score; forward returns (output, weights)."""

    def __init__(self, query_size: int, key_size: int):
        super().__init__()
        self.score = GeneralScore(query_size, key_size)

    def forward(self, query, key, value, mask=None) -> tuple[torch.Tensor, torch.Tensor]:
        return attention_pool(self.score(query, key), value, mask)


class AdditiveAttention(nn.Module):
    """Attention with Bahdanau's additive score; forward returns (output, weights)."""

    def __init__(self, query_size: int, key_size: int, hidden_size: int):
        super().__init__()
        self.score = AdditiveScore(query_size, key_size, hidden_size)

    def forward(self, query, key, value, mask=None) -> tuple[torch.Tensor, torch.Tensor]:
        return attention_pool(self.score(query, key), value, mask)
