"""Transformer layers: multi-head attention, positional encodings and blocks.

Every forward returns its attention weights; nothing is stored on a module. Masks follow
attention_viz.attention: bool, True where a query may attend to a key.

Shape symbols:
    B    batch size
    T_q  number of queries, T_k number of keys (T when they are the same sequence)
    D    d_model
    H    number of heads; d = D / H the size of one head
    F    hidden size of the position-wise MLP
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from attention_viz.attention import masked_softmax


@dataclass
class AttentionSteps:
    """Every intermediate of one multi-head attention call (for the step-by-step views)."""

    query: torch.Tensor  # (B, H, T_q, d) projected and split into heads
    key: torch.Tensor  # (B, H, T_k, d)
    value: torch.Tensor  # (B, H, T_k, d)
    scores: torch.Tensor  # (B, H, T_q, T_k) q·k before scaling
    scaled: torch.Tensor  # (B, H, T_q, T_k) q·k / sqrt(d)
    masked: torch.Tensor  # (B, H, T_q, T_k) scaled, -inf where the mask forbids
    weights: torch.Tensor  # (B, H, T_q, T_k) softmax of masked; rows sum to 1
    heads: torch.Tensor  # (B, H, T_q, d) weights @ value, after any head ablation
    output: torch.Tensor  # (B, T_q, D) heads concatenated and projected by W_o


class MultiHeadAttention(nn.Module):
    """Scaled dot-product attention in H heads; forward returns (output, weights)."""

    def __init__(self, d_model: int, num_heads: int, dropout: float = 0.0, bias: bool = True):
        super().__init__()
        if d_model % num_heads:
            raise ValueError(f"d_model {d_model} is not divisible by {num_heads} heads")
        self.num_heads = num_heads
        self.W_q = nn.Linear(d_model, d_model, bias=bias)
        self.W_k = nn.Linear(d_model, d_model, bias=bias)
        self.W_v = nn.Linear(d_model, d_model, bias=bias)
        self.W_o = nn.Linear(d_model, d_model, bias=bias)
        self.dropout = nn.Dropout(dropout)

    def forward(
        self,
        query: torch.Tensor,
        key: torch.Tensor,
        value: torch.Tensor,
        mask: torch.Tensor | None = None,
        head_mask: torch.Tensor | None = None,
        kv: tuple[torch.Tensor, torch.Tensor] | None = None,
        need_weights: bool = True,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """
        Args:
            query: (B, T_q, D); key, value: (B, T_k, D).
            mask: bool broadcastable to (B, H, T_q, T_k), True = attend.
            head_mask: (H,) multiplier of each head's output; 0 switches a head off.
            kv: keys and values already projected by project_kv (then key and value are
                ignored): a decoder projects the memory once, and each position once.
            need_weights: False computes the same output with torch's fused
                F.scaled_dot_product_attention and returns no weights (training, and
                decoding steps whose weights nobody reads); every query must see a key.
        Returns:
            (output (B, T_q, D), weights (B, H, T_q, T_k) or None); the weights are those
            before dropout and before ablation (what the head computed).
        """
        if need_weights:
            steps = self.steps(query, key, value, mask, head_mask, kv)
            return steps.output, steps.weights
        q = self._split(self.W_q(query))  # (B, H, T_q, d)
        k, v = self.project_kv(key, value) if kv is None else kv  # (B, H, T_k, d)
        p = self.dropout.p if self.training else 0.0
        heads = F.scaled_dot_product_attention(q, k, v, mask, p)  # (B, H, T_q, d)
        return self._merge(heads, head_mask), None

    def project_kv(
        self, key: torch.Tensor, value: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, T_k, D) inputs -> keys and values split into heads, each (B, H, T_k, d)."""
        return self._split(self.W_k(key)), self._split(self.W_v(value))

    def steps(
        self,
        query: torch.Tensor,
        key: torch.Tensor,
        value: torch.Tensor,
        mask: torch.Tensor | None = None,
        head_mask: torch.Tensor | None = None,
        kv: tuple[torch.Tensor, torch.Tensor] | None = None,
    ) -> AttentionSteps:
        """The same computation as forward, keeping every intermediate."""
        q = self._split(self.W_q(query))  # (B, H, T_q, d)
        k, v = self.project_kv(key, value) if kv is None else kv  # (B, H, T_k, d)
        scores = q @ k.transpose(-2, -1)  # (B, H, T_q, d) @ (B, H, d, T_k) -> (B, H, T_q, T_k)
        scaled = scores / math.sqrt(q.shape[-1])
        masked = scaled if mask is None else scaled.masked_fill(~mask, float("-inf"))
        weights = masked_softmax(masked)  # (B, H, T_q, T_k)
        dropped = self.dropout(weights) if self.training else weights
        heads = dropped @ v  # (B, H, T_q, T_k) @ (B, H, T_k, d) -> (B, H, T_q, d)
        if head_mask is not None:
            heads = heads * head_mask.view(1, -1, 1, 1).to(heads.dtype)
        output = self._merge(heads)
        return AttentionSteps(q, k, v, scores, scaled, masked, weights, heads, output)

    def _merge(self, heads: torch.Tensor, head_mask: torch.Tensor | None = None) -> torch.Tensor:
        """(B, H, T_q, d) heads, optionally ablated -> concatenated and projected (B, T_q, D)."""
        if head_mask is not None:
            heads = heads * head_mask.view(1, -1, 1, 1).to(heads.dtype)
        B, H, T_q, d = heads.shape
        return self.W_o(heads.transpose(1, 2).reshape(B, T_q, H * d))  # (B, T_q, D)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        B, T, D = x.shape
        return x.view(B, T, self.num_heads, D // self.num_heads).transpose(1, 2)  # (B, H, T, d)


def causal_mask(T_q: int, T_k: int | None = None, device=None) -> torch.Tensor:
    """(T_q, T_k) bool, True on and below the diagonal: position i sees keys 0..i.

    With T_k > T_q the queries are the last T_q positions (decoding with a cache).
    """
    T_k = T_q if T_k is None else T_k
    q = torch.arange(T_k - T_q, T_k, device=device)
    return torch.arange(T_k, device=device)[None, :] <= q[:, None]


# --- positional encodings: (B, T, D) -> (B, T, D) ---


def sinusoidal_table(length: int, d_model: int, offset: int = 0) -> torch.Tensor:
    """The "Attention is all you need" table: (length, D), rows for positions offset.."""
    position = torch.arange(offset, offset + length, dtype=torch.float32)[:, None]  # (T, 1)
    rate = torch.exp(-math.log(10_000.0) * torch.arange(0, d_model, 2) / d_model)  # (D/2,)
    table = torch.zeros(length, d_model)
    table[:, 0::2] = torch.sin(position * rate)
    table[:, 1::2] = torch.cos(position * rate[: d_model // 2])
    return table


class PositionalEncoding(nn.Module):
    """Adds position information: "sinusoidal" (any length), "learned" (up to max_len), "none"."""

    def __init__(self, kind: str, d_model: int, max_len: int):
        super().__init__()
        if kind not in ("sinusoidal", "learned", "none"):
            raise ValueError(f"unknown positional encoding {kind!r}")
        self.kind, self.max_len = kind, max_len
        self.table = nn.Embedding(max_len, d_model) if kind == "learned" else None
        # The fixed table, computed once (not saved: it is no weight); longer inputs extend it.
        fixed = sinusoidal_table(max_len, d_model) if kind == "sinusoidal" else torch.zeros(0)
        self.register_buffer("fixed", fixed, persistent=False)

    def forward(self, x: torch.Tensor, offset: int = 0) -> torch.Tensor:
        """x: (B, T, D) embeddings of positions offset..offset + T - 1."""
        T, D = x.shape[1], x.shape[2]
        if self.kind == "none":
            return x
        if self.kind == "learned":
            if offset + T > self.max_len:
                raise ValueError(
                    f"{offset + T} positions; learned positions stop at {self.max_len}"
                )
            return x + self.table.weight[offset : offset + T]
        if offset + T <= self.fixed.shape[0]:
            return x + self.fixed[offset : offset + T].to(x.dtype)
        return x + sinusoidal_table(T, D, offset).to(x.device, x.dtype)


# --- blocks ---


class MLP(nn.Module):
    """Position-wise feed-forward network: Linear, ReLU, Linear (D -> F -> D)."""

    def __init__(self, d_model: int, d_ff: int, dropout: float = 0.0):
        super().__init__()
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.linear1(x))
        return self.linear2(self.dropout(h) if self.training else h)


class Block(nn.Module):
    """Self-attention, optional cross-attention, optional MLP; each a residual sub-layer.

    pre_ln: x + f(LN(x)) (stable, no warmup needed); otherwise LN(x + f(x)) (the paper's).
    d_ff = 0 gives an attention-only block.
    """

    def __init__(
        self,
        d_model: int,
        num_heads: int,
        d_ff: int,
        cross: bool = False,
        pre_ln: bool = True,
        dropout: float = 0.0,
    ):
        super().__init__()
        self.pre_ln = pre_ln
        self.self_attn = MultiHeadAttention(d_model, num_heads, dropout)
        self.norm1 = nn.LayerNorm(d_model)
        self.cross_attn = MultiHeadAttention(d_model, num_heads, dropout) if cross else None
        self.norm2 = nn.LayerNorm(d_model) if cross else None
        self.mlp = MLP(d_model, d_ff, dropout) if d_ff else None
        self.norm3 = nn.LayerNorm(d_model) if d_ff else None
        self.dropout = nn.Dropout(dropout)

    def forward(
        self,
        x: torch.Tensor,
        mask: torch.Tensor | None = None,
        memory: torch.Tensor | None = None,
        memory_mask: torch.Tensor | None = None,
        head_mask: torch.Tensor | None = None,
        cross_head_mask: torch.Tensor | None = None,
        need_weights: bool = True,
    ) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
        """
        Args:
            x: (B, T_q, D) the queries' inputs.
            mask: bool broadcastable to (B, H, T_q, T), True = attend (padding and/or causal).
            memory: (B, T_k, D) encoder output for cross-attention; memory_mask (B, 1, 1, T_k).
            head_mask, cross_head_mask: (H,) per-head multipliers (0 ablates a head).
            need_weights: False: the fused attention, no weights (None in their place).
        Returns:
            (output (B, T_q, D), self weights (B, H, T_q, T), cross weights (B, H, T_q, T_k)
            or None).
        """
        x, self_w = self._sublayer(
            x,
            self.norm1,
            lambda h: self.self_attn(h, h, h, mask, head_mask, need_weights=need_weights),
        )
        cross_w = None
        if self.cross_attn is not None:
            x, cross_w = self._sublayer(
                x,
                self.norm2,
                lambda h: self.cross_attn(
                    h, memory, memory, memory_mask, cross_head_mask, need_weights=need_weights
                ),
            )
        if self.mlp is not None:
            x, _ = self._sublayer(x, self.norm3, lambda h: (self.mlp(h), None))
        return x, self_w, cross_w

    def step(
        self,
        x: torch.Tensor,
        past: tuple[torch.Tensor, torch.Tensor],
        memory_kv: tuple[torch.Tensor, torch.Tensor] | None = None,
        memory_mask: torch.Tensor | None = None,
        head_mask: torch.Tensor | None = None,
        cross_head_mask: torch.Tensor | None = None,
    ):
        """One new position, decoding with a cache (the same numbers as forward's last row).

        Args:
            x: (B, 1, D) the new position's input.
            past: the self-attention's keys and values of the earlier positions, (B, H, t, d).
            memory_kv: the cross-attention's keys and values of the memory, (B, H, T_k, d).
        Returns:
            (output (B, 1, D), past with this position appended, self weights (B, H, 1, t + 1),
            cross weights (B, H, 1, T_k) or None).
        """
        cache = []

        def attend(h):
            k, v = self.self_attn.project_kv(h, h)  # (B, H, 1, d)
            kv = (torch.cat([past[0], k], 2), torch.cat([past[1], v], 2))  # (B, H, t + 1, d)
            cache.append(kv)
            return self.self_attn(h, None, None, None, head_mask, kv)

        x, self_w = self._sublayer(x, self.norm1, attend)
        cross_w = None
        if self.cross_attn is not None:
            x, cross_w = self._sublayer(
                x,
                self.norm2,
                lambda h: self.cross_attn(h, None, None, memory_mask, cross_head_mask, memory_kv),
            )
        if self.mlp is not None:
            x, _ = self._sublayer(x, self.norm3, lambda h: (self.mlp(h), None))
        return x, cache[0], self_w, cross_w

    def _sublayer(self, x, norm, f):
        if self.pre_ln:
            out, w = f(norm(x))
            return x + (self.dropout(out) if self.training else out), w
        out, w = f(x)
        return norm(x + (self.dropout(out) if self.training else out)), w
