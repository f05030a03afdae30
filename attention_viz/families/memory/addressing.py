"""Neural Turing Machine addressing (Graves et al. 2014, section 3.3), one pure function per stage.

A head turns its parameters into a weighting over the N memory slots in four stages; each
function returns its weighting and `address` returns all of them, so a page can draw every
stage and a test can check each against a hand computation:

    content      w^c_i = softmax_i(β · cos(k, M_i))                        (focus by content)
    interpolate  w^g   = g · w^c + (1 − g) · w_{t−1}                       (keep or replace)
    shift        w̃_i   = Σ_j w^g_j · s_{(i − j) mod N}                     (move by location)
    sharpen      w_i   = w̃_i^γ / Σ_j w̃_j^γ                               (undo the blur)

Every weighting is non-negative and sums to 1 over the slots.

Shape symbols used in the comments:
    B    batch size
    H    heads addressed at once (an optional axis after B)
    N    number of memory slots
    M    width of one memory slot (= key size)
    S    number of allowed shifts (offsets -(S//2) .. S//2)
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

EPS = 1e-8  # keeps cosine similarity and sharpening finite on all-zero rows


@dataclass(frozen=True)
class Addressing:
    """Every intermediate weighting of one addressing step, each (B, [H,] N), summing to 1."""

    similarity: torch.Tensor  # cos(k, M_i), in [-1, 1]; not a weighting
    content: torch.Tensor  # w^c
    gated: torch.Tensor  # w^g
    shifted: torch.Tensor  # w̃
    weights: torch.Tensor  # w, the final weighting


def shift_offsets(num_shifts: int) -> list[int]:
    """The offsets a shift distribution of `num_shifts` entries covers, e.g. 3 -> [-1, 0, 1]."""
    if num_shifts < 1 or num_shifts % 2 == 0:
        raise ValueError(f"the number of shifts must be odd and positive, got {num_shifts}")
    half = num_shifts // 2
    return list(range(-half, half + 1))


def cosine_similarity(key: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
    """cos(k, M_i) for every slot i: (B, M) or (B, H, M) keys, (B, N, M) memory -> (B, [H,] N)."""
    single = key.dim() == memory.dim() - 1
    k = key.unsqueeze(-2) if single else key  # (B, H, M)
    dot = k @ memory.transpose(-2, -1)  # (B, H, M) @ (B, M, N) -> (B, H, N)
    norms = k.norm(dim=-1, keepdim=True) * memory.norm(dim=-1).unsqueeze(-2)  # (B, H, N)
    similarity = dot / (norms + EPS)
    return similarity.squeeze(-2) if single else similarity


def content_weights(
    key: torch.Tensor, beta: torch.Tensor, memory: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Focus by content: softmax over slots of β times the cosine similarity.

    Args:
        key: (B, [H,] M); beta: (B, [H,] 1), β ≥ 0 (0: uniform, large: the best match only);
        memory: (B, N, M).
    Returns:
        (w^c (B, [H,] N), similarity (B, [H,] N)).
    """
    similarity = cosine_similarity(key, memory)  # (B, [H,] N)
    return torch.softmax(beta * similarity, dim=-1), similarity


def interpolate(content: torch.Tensor, previous: torch.Tensor, gate: torch.Tensor) -> torch.Tensor:
    """w^g = g·w^c + (1−g)·w_{t−1}; gate (..., 1) in [0, 1]: 1 uses content, 0 keeps the last."""
    return gate * content + (1 - gate) * previous


def circular_shift(weights: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Circular convolution of (..., N) weights with a (..., S) shift distribution.

    shift[..., k] is the probability of moving by offset shift_offsets(S)[k] slots: offset +1
    moves all the weight from slot i to slot i + 1 (wrapping around).
    """
    half = len(shift_offsets(shift.shape[-1])) // 2
    padded = torch.cat([weights[..., -half:], weights, weights[..., :half]], -1)  # (..., N + 2h)
    windows = padded.unfold(-1, shift.shape[-1], 1)  # (..., N, S): w_{i-h} .. w_{i+h}
    # window entry j holds w_{i-h+j}, which offset o = h - j brings to slot i: flip s to match
    return (windows * shift.flip(-1).unsqueeze(-2)).sum(-1)  # (..., N)


def sharpen(weights: torch.Tensor, gamma: torch.Tensor) -> torch.Tensor:
    """w_i = w̃_i^γ / Σ_j w̃_j^γ with gamma (..., 1) ≥ 1: undoes the blur that shifting adds."""
    powered = (weights + EPS) ** gamma  # (..., N); EPS keeps 0^γ and its gradient finite
    return powered / powered.sum(dim=-1, keepdim=True)


def address(
    memory: torch.Tensor,
    previous: torch.Tensor,
    key: torch.Tensor,
    beta: torch.Tensor,
    gate: torch.Tensor,
    shift: torch.Tensor,
    gamma: torch.Tensor,
) -> Addressing:
    """All four stages, in order.

    Args:
        memory: (B, N, M); previous: w_{t−1} (B, N); key: (B, M); beta, gate, gamma: (B, 1);
        shift: (B, S), a distribution over shift_offsets(S). Several heads at once: an extra
        head axis H after B on everything but the memory ((B, H, N), (B, H, M), (B, H, 1)).
    Returns:
        Addressing with every intermediate weighting; `.weights` is the head's w_t.
    """
    content, similarity = content_weights(key, beta, memory)
    gated = interpolate(content, previous, gate)
    shifted = circular_shift(gated, shift)
    return Addressing(similarity, content, gated, shifted, sharpen(shifted, gamma))


def head_parameters(raw: torch.Tensor, key_size: int, num_shifts: int) -> dict[str, torch.Tensor]:
    """Split a head's raw controller output into its constrained addressing parameters.

    raw: (..., M + 3 + S) -> key (..., M) unconstrained, β = softplus ≥ 0, g = sigmoid in
    [0, 1], s = softmax over S shifts, γ = 1 + softplus ≥ 1 (each scalar as (..., 1)).
    """
    key, beta, gate, shift, gamma = torch.split(raw, [key_size, 1, 1, num_shifts, 1], dim=-1)
    return {
        "key": key,
        "beta": F.softplus(beta),
        "gate": torch.sigmoid(gate),
        "shift": torch.softmax(shift, dim=-1),
        "gamma": 1 + F.softplus(gamma),
    }
