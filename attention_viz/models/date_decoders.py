"""The four decoders of the date seq2seq, as in the attention chapter of "Deep Learning from
Scratch 2": baseline, peeky, attention (dot score, as the book) and an additive-score variant.

All four share one interface, so teacher forcing (all steps at once) and free running (one
step at a time) are the same code with T_q = 10 or T_q = 1.

Shape symbols:
    B    batch size
    T_q  decoder steps (output characters) in this call
    T_k  encoder positions (input characters)
    H    LSTM hidden size
    D    embedding size
    V    target vocabulary size
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from attention_viz.attention import AdditiveScore, attention_pool, dot_scores

DECODERS = ("baseline", "peeky", "attention", "additive")


class EncoderOutput(NamedTuple):
    states: torch.Tensor  # (B, T_k, H) hidden state at every input character
    mask: torch.Tensor | None  # (B, T_k) bool, True at real characters; None if no padding
    final: tuple[torch.Tensor, torch.Tensor]  # (h, c), each (1, B, H): state after the last char


class DecoderStep(NamedTuple):
    logits: torch.Tensor  # (B, T_q, V)
    state: tuple[torch.Tensor, torch.Tensor]  # (h, c), each (1, B, H)
    weights: torch.Tensor | None  # (B, T_q, T_k) attention weights; None without attention


def run_lstm(
    lstm: nn.LSTM, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]
) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
    """A one-layer LSTM over x (B, T_q, D) from state (h, c), each (1, B, H).

    One step (T_q = 1, free running) calls the fused cell directly: the same arithmetic
    without nn.LSTM's per-call checks, which cost more than the step itself at this size.
    Returns:
        (h at every step (B, T_q, H), final (h, c)).
    """
    if x.shape[1] != 1:
        return lstm(x, state)
    h, c = torch.lstm_cell(
        x[:, 0], (state[0][0], state[1][0]),
        lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0,
    )  # fmt: skip
    return h.unsqueeze(1), (h.unsqueeze(0), c.unsqueeze(0))  # (B, 1, H), ((1, B, H), (1, B, H))


class BaselineDecoder(nn.Module):
    """Context = the encoder's final state only, handed over as the initial LSTM state."""

    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, prev: torch.Tensor, enc: EncoderOutput, state) -> DecoderStep:
        """prev: (B, T_q) previous output ids; state: (h, c) or None (start from enc.final)."""
        h, state = run_lstm(self.lstm, self.embed(prev), state or enc.final)  # (B, T_q, H)
        return DecoderStep(self.out(h), state, None)


class PeekyDecoder(nn.Module):
    """The book's peeky decoder: the encoder's final h is fed to every step and to the output."""

    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size + hidden_size, hidden_size, batch_first=True)
        self.out = nn.Linear(2 * hidden_size, vocab_size)

    def forward(self, prev: torch.Tensor, enc: EncoderOutput, state) -> DecoderStep:
        x = self.embed(prev)  # (B, T_q, D)
        context = enc.final[0][-1].unsqueeze(1).expand(-1, x.shape[1], -1)  # (B, T_q, H)
        x = torch.cat([x, context], dim=-1)  # (B, T_q, D + H)
        h, state = run_lstm(self.lstm, x, state or enc.final)  # (B, T_q, H)
        return DecoderStep(self.out(torch.cat([h, context], dim=-1)), state, None)


class AttentionDecoder(nn.Module):
    """The book's attention decoder: the LSTM state h_t queries all encoder states.

    score(h_t, s_j) is the dot product h_t·s_j (the book) or Bahdanau's additive
    v^T tanh(W_q h_t + W_k s_j); the context c_t = sum_j a_tj s_j and h_t together predict
    the next character. As in the book the context is not fed back into the LSTM, so all
    steps' attention can be computed at once under teacher forcing.
    """

    def __init__(
        self, vocab_size: int, embed_size: int, hidden_size: int, score: str, score_hidden: int
    ):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size, hidden_size, batch_first=True)
        self.score = AdditiveScore(hidden_size, hidden_size, score_hidden) if score else None
        self.out = nn.Linear(2 * hidden_size, vocab_size)

    def forward(self, prev: torch.Tensor, enc: EncoderOutput, state) -> DecoderStep:
        h, state = run_lstm(self.lstm, self.embed(prev), state or enc.final)  # (B, T_q, H)
        # dot: (B, T_q, H) @ (B, H, T_k); additive: tanh over (B, T_q, T_k, H) -> (B, T_q, T_k)
        score = self.score or dot_scores
        scores = score(h, enc.states)  # (B, T_q, T_k)
        mask = None if enc.mask is None else enc.mask.unsqueeze(1)  # (B, 1, T_k): pads get 0
        context, weights = attention_pool(scores, enc.states, mask)  # (B, T_q, H), (B, T_q, T_k)
        return DecoderStep(self.out(torch.cat([context, h], dim=-1)), state, weights)


def make_decoder(
    kind: str, vocab_size: int, embed_size: int, hidden_size: int, score_hidden: int
) -> nn.Module:
    """A decoder by name: one of DECODERS."""
    if kind == "baseline":
        return BaselineDecoder(vocab_size, embed_size, hidden_size)
    if kind == "peeky":
        return PeekyDecoder(vocab_size, embed_size, hidden_size)
    if kind == "attention":
        return AttentionDecoder(vocab_size, embed_size, hidden_size, "", score_hidden)
    if kind == "additive":
        return AttentionDecoder(vocab_size, embed_size, hidden_size, "additive", score_hidden)
    raise ValueError(f"unknown decoder {kind!r}; choose one of {', '.join(DECODERS)}")
