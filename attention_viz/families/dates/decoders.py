"""The four decoders of the date seq2seq, as in the attention chapter of "Deep Learning from
Scratch 2": baseline, peeky, attention (dot score, as the book) and an additive-score variant.

All four share the seq2seq decoder interface (attention_viz.decoding): init_state(), step()
one free-running step from the decoder's own previous output, and forward_all() teacher forcing
(all T_q steps in one nn.LSTM call).

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
import torch.nn.functional as F
from torch import nn

from attention_viz.attention import AdditiveScore, attention_pool, dot_scores
from attention_viz.decoding import Encoded, StepOutput

DECODERS = ("baseline", "peeky", "attention", "additive")


class DecoderOutput(NamedTuple):
    logits: torch.Tensor  # (B, T_q, V)
    weights: torch.Tensor | None  # (B, T_q, T_k) attention weights; None without attention


def initial_state(enc: Encoded) -> tuple[torch.Tensor, torch.Tensor]:
    """The decoder starts from the encoder's final (h, c): each (1, B, H) -> (B, H)."""
    return enc.final[0][0], enc.final[1][0]


def lstm_step(
    lstm: nn.LSTM, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]
) -> tuple[torch.Tensor, torch.Tensor]:
    """One step of a one-layer nn.LSTM with its own weights: x (B, D), (h, c) (B, H) each.

    The fused cell does nn.LSTM's arithmetic without its per-call checks, which cost more
    than the step itself at this size (free running is 10 such steps per date).
    """
    w = (lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0)
    return torch.lstm_cell(x, state, *w)  # (h, c): (B, H) each


# Each decoder has forward_all() for teacher forcing (all T_q steps in one nn.LSTM call) and
# step() for free running (one step, fed its previous output). A test checks they agree.


class _StartsFromEncoder(nn.Module):
    def init_state(self, enc: Encoded) -> tuple[torch.Tensor, torch.Tensor]:
        return initial_state(enc)


class BaselineDecoder(_StartsFromEncoder):
    """Context = the encoder's final state only, handed over as the initial LSTM state."""

    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward_all(self, prev: torch.Tensor, enc: Encoded) -> DecoderOutput:
        """prev: (B, T_q) ids: START, then the true characters but the last."""
        h, _ = self.lstm(self.embed(prev), enc.final)  # (B, T_q, H)
        return DecoderOutput(self.out(h), None)

    def step(self, prev: torch.Tensor, state, enc: Encoded) -> StepOutput:
        """prev: (B,) ids of the previous output; state: (h, c), each (B, H)."""
        h, c = lstm_step(self.lstm, F.embedding(prev, self.embed.weight), state)
        return StepOutput(F.linear(h, self.out.weight, self.out.bias), (h, c), None)


class PeekyDecoder(_StartsFromEncoder):
    """The book's peeky decoder: the encoder's final h is fed to every step and to the output."""

    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size + hidden_size, hidden_size, batch_first=True)
        self.out = nn.Linear(2 * hidden_size, vocab_size)

    def forward_all(self, prev: torch.Tensor, enc: Encoded) -> DecoderOutput:
        x = self.embed(prev)  # (B, T_q, D)
        context = enc.final[0][-1].unsqueeze(1).expand(-1, x.shape[1], -1)  # (B, T_q, H)
        x = torch.cat([x, context], dim=-1)  # (B, T_q, D + H)
        h, _ = self.lstm(x, enc.final)  # (B, T_q, H)
        return DecoderOutput(self.out(torch.cat([h, context], dim=-1)), None)

    def step(self, prev: torch.Tensor, state, enc: Encoded) -> StepOutput:
        context = enc.final[0][-1]  # (B, H)
        x = torch.cat([F.embedding(prev, self.embed.weight), context], dim=-1)  # (B, D + H)
        h, c = lstm_step(self.lstm, x, state)
        logits = F.linear(torch.cat([h, context], dim=-1), self.out.weight, self.out.bias)
        return StepOutput(logits, (h, c), None)


class AttentionDecoder(_StartsFromEncoder):
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

    def forward_all(self, prev: torch.Tensor, enc: Encoded) -> DecoderOutput:
        h, _ = self.lstm(self.embed(prev), enc.final)  # (B, T_q, H)
        context, weights = self._attend(h, enc)  # (B, T_q, H), (B, T_q, T_k)
        return DecoderOutput(self.out(torch.cat([context, h], dim=-1)), weights)

    def step(self, prev: torch.Tensor, state, enc: Encoded) -> StepOutput:
        h, c = lstm_step(self.lstm, F.embedding(prev, self.embed.weight), state)  # (B, H)
        context, weights = self._attend(h.unsqueeze(1), enc)  # (B, 1, H), (B, 1, T_k)
        x = torch.cat([context[:, 0], h], dim=-1)  # (B, 2H)
        return StepOutput(F.linear(x, self.out.weight, self.out.bias), (h, c), weights[:, 0])

    def _attend(self, query: torch.Tensor, enc: Encoded):
        """query (B, T_q, H) -> (context (B, T_q, H), weights (B, T_q, T_k))."""
        # dot: (B, T_q, H) @ (B, H, T_k); additive: tanh over (B, T_q, T_k, H) -> (B, T_q, T_k)
        score = self.score or dot_scores
        scores = score(query, enc.memory)  # (B, T_q, T_k)
        if enc.mask is None:
            # Nothing padded (one date): a plain softmax. attention_pool's guards against
            # all-masked rows cost more than the pooling itself, 10 times per date.
            weights = torch.softmax(scores, dim=-1)  # (B, T_q, T_k)
            return weights @ enc.memory, weights  # (B, T_q, T_k) @ (B, T_k, H) -> (B, T_q, H)
        mask = enc.mask.unsqueeze(1)  # (B, 1, T_k): padding gets weight 0
        return attention_pool(scores, enc.memory, mask)


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
