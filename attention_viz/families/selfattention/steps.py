"""One self-attention layer computed in the open: every intermediate matrix is returned.

    from attention_viz.families.selfattention.steps import Options, self_attention_steps
    s = self_attention_steps(x, w_q, w_k, w_v, w_o, Options(causal=True))
    s.weights[h]          # (T, T) attention weights of head h; rows sum to 1

Shape symbols: T tokens (queries = keys), D = d_model, H heads, E = D / H (d_head).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from attention_viz.attention import masked_softmax
from attention_viz.families.selfattention.tokens import positional_encoding


@dataclass(frozen=True)
class Options:
    scale: bool = True  # divide the scores by sqrt(d_head)
    causal: bool = False  # token i sees only tokens j <= i
    positions: bool = True  # add the sinusoidal positional encoding to X


@dataclass(frozen=True)
class Steps:
    """Every intermediate of one layer, as float64 numpy arrays."""

    x: np.ndarray  # (T, D) word vectors
    p: np.ndarray | None  # (T, D) positional encoding, None when positions are off
    xp: np.ndarray  # (T, D) X + P (or X)
    q: np.ndarray  # (H, T, E) queries  X W_Q
    k: np.ndarray  # (H, T, E) keys     X W_K
    v: np.ndarray  # (H, T, E) values   X W_V
    scores: np.ndarray  # (H, T, T) raw scores Q Kᵀ
    scaled: np.ndarray  # (H, T, T) scores / divisor
    masked: np.ndarray  # (H, T, T) scaled scores, -inf where the mask forbids
    weights: np.ndarray  # (H, T, T) softmax of the masked scores; rows sum to 1
    heads: np.ndarray  # (H, T, E) per-head outputs A V
    concat: np.ndarray  # (T, H·E) the heads side by side
    w_o: np.ndarray  # (H·E, D) output projection
    output: np.ndarray  # (T, D) concat W_O
    divisor: float  # sqrt(E) when scaling, else 1
    mask: np.ndarray | None  # (T, T) bool, True = may attend; None without a mask

    @property
    def n_heads(self) -> int:
        return self.q.shape[0]


def self_attention_steps(
    x: np.ndarray,
    w_q: np.ndarray,
    w_k: np.ndarray,
    w_v: np.ndarray,
    w_o: np.ndarray | None = None,
    options: Options = Options(),  # frozen, so one shared default is safe
) -> Steps:
    """Self-attention of the rows of x with every intermediate kept.

    Args:
        x: (T, D) input vectors (word vectors; the positional encoding is added here).
        w_q, w_k, w_v: (H, D, E) per-head projections, or (D, E) for one head.
        w_o: (H·E, D) output projection; None means the identity (needs H·E = D).
        options: scaling, causal mask, positional encoding.
    Returns:
        Steps with X, P, X+P, Q, K, V, scores, scaled, masked, weights, heads, concat, output.
    """
    x_t = torch.as_tensor(np.asarray(x, dtype=np.float64))
    n_tokens, d_model = x_t.shape
    w_q, w_k, w_v = (_per_head(w) for w in (w_q, w_k, w_v))
    n_heads, _, d_head = w_q.shape
    if w_o is None:
        w_o = np.eye(n_heads * d_head, d_model)
    w_o_t = torch.as_tensor(np.asarray(w_o, dtype=np.float64))
    p = positional_encoding(n_tokens, d_model) if options.positions else None
    xp = x_t + torch.as_tensor(p) if p is not None else x_t  # (T, D)

    # 1. Projections, one per head: (T, D) @ (H, D, E) -> (H, T, E)
    q, k, v = (torch.einsum("td,hde->hte", xp, w) for w in (w_q, w_k, w_v))
    # 2. Scores: (H, T, E) @ (H, E, T) -> (H, T, T)
    scores = q @ k.transpose(-2, -1)
    divisor = math.sqrt(d_head) if options.scale else 1.0
    scaled = scores / divisor
    # 3. Mask and softmax over the keys (last axis)
    mask = torch.ones(n_tokens, n_tokens, dtype=torch.bool).tril() if options.causal else None
    masked = scaled if mask is None else scaled.masked_fill(~mask, float("-inf"))
    weights = masked_softmax(scaled, mask)  # (H, T, T)
    # 4. Weighted sum of values, heads side by side, output projection
    heads = weights @ v  # (H, T, T) @ (H, T, E) -> (H, T, E)
    concat = heads.transpose(0, 1).reshape(n_tokens, n_heads * d_head)  # (T, H·E)
    output = concat @ w_o_t  # (T, H·E) @ (H·E, D) -> (T, D)
    return Steps(
        x=x_t.numpy(),
        p=p,
        xp=xp.numpy(),
        q=q.numpy(),
        k=k.numpy(),
        v=v.numpy(),
        scores=scores.numpy(),
        scaled=scaled.numpy(),
        masked=masked.numpy(),
        weights=weights.numpy(),
        heads=heads.numpy(),
        concat=concat.numpy(),
        w_o=w_o_t.numpy(),
        output=output.numpy(),
        divisor=divisor,
        mask=None if mask is None else mask.numpy(),
    )


def _per_head(w: np.ndarray) -> torch.Tensor:
    w = torch.as_tensor(np.asarray(w, dtype=np.float64))
    return w.unsqueeze(0) if w.dim() == 2 else w  # (D, E) -> (1, D, E)


def equivariance_gap(original: Steps, permuted: Steps, order: np.ndarray) -> float:
    """max |Attn(X[order]) - Attn(X)[order]|: 0 (to rounding) without positions and mask."""
    return float(np.abs(permuted.output - original.output[order]).max())


def mean_max_weight(d_model: int, scale: bool, n_seeds: int = 40, n_tokens: int = 6) -> float:
    """Average over rows and random draws of the largest attention weight.

    X has N(0, 1) entries and W entries N(0, 1/D), so q and k have unit-variance entries and
    q·k has variance D: unscaled, the softmax saturates (max weight -> 1) as D grows.
    The draws (S = n_seeds) are batched; tests check it against self_attention_steps.
    """
    g = torch.Generator().manual_seed(d_model)
    x = torch.randn(n_seeds, n_tokens, d_model, generator=g, dtype=torch.float64)
    w = torch.randn(n_seeds, 2, d_model, d_model, generator=g, dtype=torch.float64)
    w = w / math.sqrt(d_model)
    q, k = x @ w[:, 0], x @ w[:, 1]  # (S, T, D) @ (S, D, D) -> (S, T, D)
    scores = q @ k.transpose(-2, -1) / (math.sqrt(d_model) if scale else 1.0)  # (S, T, T)
    return float(masked_softmax(scores).amax(dim=-1).mean())
