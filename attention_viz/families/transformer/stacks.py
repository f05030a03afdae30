"""Transformer stacks: encoder, decoder with cross-attention, decoder-only.

Every forward returns the attention weights of all layers and heads. Head ablation is an
argument: a set of (stack, layer, head) triples whose outputs are zeroed, where stack is one
of STACKS (the names of the Prediction maps they produce).

Shape symbols: B batch, T_k source length, T_q target length, T one sequence's length,
D d_model, L layers, H heads, V vocabulary size.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import torch
from torch import nn

from attention_viz.families.transformer.layers import Block, PositionalEncoding, causal_mask

STACKS = ("encoder-self", "decoder-self", "cross")

Ablation = frozenset  # of (stack, layer, head)


def head_masks(
    ablate: Iterable[tuple[str, int, int]], stack: str, layers: int, heads: int, device=None
) -> list[torch.Tensor | None]:
    """Per layer, a (H,) multiplier that is 0 at the ablated heads of `stack` (None: none)."""
    out: list[torch.Tensor | None] = [None] * layers
    for s, layer, head in ablate:
        if s != stack or not (0 <= layer < layers and 0 <= head < heads):
            continue
        if out[layer] is None:
            out[layer] = torch.ones(heads, device=device)
        out[layer][head] = 0.0
    return out


class _Stack(nn.Module):
    """Embedding + positions + L blocks (+ a final LayerNorm when pre-LN)."""

    def __init__(
        self,
        vocab_size: int,
        d_model: int,
        num_heads: int,
        num_layers: int,
        d_ff: int,
        positions: str,
        max_len: int,
        pre_ln: bool,
        dropout: float,
        cross: bool = False,
    ):
        super().__init__()
        self.num_heads, self.num_layers = num_heads, num_layers
        self.embed = nn.Embedding(vocab_size, d_model)
        self.positions = PositionalEncoding(positions, d_model, max_len)
        self.blocks = nn.ModuleList(
            Block(d_model, num_heads, d_ff, cross, pre_ln, dropout) for _ in range(num_layers)
        )
        self.norm = nn.LayerNorm(d_model) if pre_ln else nn.Identity()
        self.dropout = nn.Dropout(dropout)

    def _input(self, ids: torch.Tensor, offset: int = 0) -> torch.Tensor:
        return self.dropout(self.positions(self.embed(ids), offset))  # (B, T, D)

    def _masks(self, ablate, stack: str, device) -> list[torch.Tensor | None]:
        return head_masks(ablate, stack, self.num_layers, self.num_heads, device)


class Encoder(_Stack):
    """Bidirectional self-attention over the source."""

    def forward(
        self,
        ids: torch.Tensor,
        mask: torch.Tensor | None = None,
        ablate=frozenset(),
        need_weights: bool = True,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """
        Args:
            ids: (B, T_k); mask: (B, T_k) bool, True at real positions (None: no padding).
            need_weights: False: fused attention, weights None (training).
        Returns:
            (memory (B, T_k, D), weights (B, L, H, T_k, T_k) or None).
        """
        x = self._input(ids)
        attend = None if mask is None else mask[:, None, None, :]  # (B, 1, 1, T_k)
        hm = self._masks(ablate, "encoder-self", ids.device)
        rows = []
        for block, m in zip(self.blocks, hm, strict=True):
            x, w, _ = block(x, attend, head_mask=m, need_weights=need_weights)
            rows.append(w)
        return self.norm(x), _stack(rows)


def _stack(rows: list[torch.Tensor | None]) -> torch.Tensor | None:
    """Per-layer weights (B, H, ...) -> (B, L, H, ...); None when they were not computed."""
    return None if rows[0] is None else torch.stack(rows, 1)


class DecoderOutput(NamedTuple):
    logits: torch.Tensor  # (B, T_q, V)
    self_weights: torch.Tensor  # (B, L, H, T_q, T_q)
    cross_weights: torch.Tensor | None  # (B, L, H, T_q, T_k); None for a decoder-only stack


class Decoder(_Stack):
    """Causal self-attention over the output so far, cross-attention over the memory."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs, cross=True)
        self.out = nn.Linear(self.embed.embedding_dim, self.embed.num_embeddings)

    def forward(
        self,
        target_in: torch.Tensor,
        memory: torch.Tensor,
        memory_mask: torch.Tensor | None = None,
        ablate=frozenset(),
        need_weights: bool = True,
    ) -> DecoderOutput:
        """Teacher forcing. target_in: (B, T_q); memory: (B, T_k, D); memory_mask: (B, T_k).

        need_weights=False (training): fused attention, both weights None."""
        x = self._input(target_in)
        causal = causal_mask(target_in.shape[1], device=target_in.device)  # (T_q, T_q)
        mem = None if memory_mask is None else memory_mask[:, None, None, :]  # (B, 1, 1, T_k)
        self_m = self._masks(ablate, "decoder-self", x.device)
        cross_m = self._masks(ablate, "cross", x.device)
        self_rows, cross_rows = [], []
        for block, sm, cm in zip(self.blocks, self_m, cross_m, strict=True):
            x, sw, cw = block(x, causal, memory, mem, sm, cm, need_weights)
            self_rows.append(sw)
            cross_rows.append(cw)
        logits = self.out(self.norm(x))
        return DecoderOutput(logits, _stack(self_rows), _stack(cross_rows))

    def empty_cache(self, memory: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """The decoding state before the first position: per layer, the self-attention's
        keys and values so far (none yet, (B, H, 0, d)) and the memory's, projected once
        (B, H, T_k, d): a flat tuple of 4 L tensors, batch first (beam search reorders it)."""
        B, H = memory.shape[0], self.num_heads
        d = self.embed.embedding_dim // H
        empty = memory.new_zeros(B, H, 0, d)
        cache: list[torch.Tensor] = []
        for block in self.blocks:
            cache += [empty, empty, *block.cross_attn.project_kv(memory, memory)]
        return tuple(cache)

    def step(
        self,
        y_prev: torch.Tensor,
        cache: tuple[torch.Tensor, ...],
        memory_mask: torch.Tensor | None = None,
        ablate=frozenset(),
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, ...], torch.Tensor, torch.Tensor]:
        """One position, given the cache of empty_cache() or of the previous step.

        Args:
            y_prev: (B,) the previous output token; memory_mask: (B, T_k) or None.
        Returns:
            (logits (B, V), the new cache, self weights (B, L, H, t + 1),
            cross weights (B, L, H, T_k)).
        """
        t = cache[0].shape[2]
        x = self._input(y_prev[:, None], offset=t)  # (B, 1, D)
        mem = None if memory_mask is None else memory_mask[:, None, None, :]
        self_m = self._masks(ablate, "decoder-self", x.device)
        cross_m = self._masks(ablate, "cross", x.device)
        new_cache: list[torch.Tensor] = []
        self_rows, cross_rows = [], []
        for i, (block, sm, cm) in enumerate(zip(self.blocks, self_m, cross_m, strict=True)):
            past, memory_kv = cache[4 * i : 4 * i + 2], cache[4 * i + 2 : 4 * i + 4]
            x, kv, sw, cw = block.step(x, past, memory_kv, mem, sm, cm)
            new_cache += [*kv, *memory_kv]
            self_rows.append(sw[:, :, 0])  # (B, H, t + 1)
            cross_rows.append(cw[:, :, 0])  # (B, H, T_k)
        logits = self.out(self.norm(x))[:, 0]  # (B, V)
        return logits, tuple(new_cache), torch.stack(self_rows, 1), torch.stack(cross_rows, 1)


class DecoderOnly(_Stack):
    """A causal language model over one sequence (GPT-style)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.out = nn.Linear(self.embed.embedding_dim, self.embed.num_embeddings)

    def forward(
        self, ids: torch.Tensor, ablate=frozenset(), need_weights: bool = True
    ) -> DecoderOutput:
        """ids: (B, T), right-padded (padding comes after every real token, so the causal
        mask alone keeps it out of every real position's view). need_weights=False: fused
        attention, self weights None (training)."""
        x = self._input(ids)
        causal = causal_mask(ids.shape[1], device=ids.device)  # (T, T)
        rows = []
        for block, m in zip(
            self.blocks, self._masks(ablate, "decoder-self", ids.device), strict=True
        ):
            x, w, _ = block(x, causal, head_mask=m, need_weights=need_weights)
            rows.append(w)
        return DecoderOutput(self.out(self.norm(x)), _stack(rows), None)
