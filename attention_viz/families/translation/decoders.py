"""Attention decoders of the translation models: one step of decoding each.

Every decoder has the same two methods, so greedy and beam search work with all of them:

    init_state(enc)                 -> state (tuple of (B, ...) tensors)
    step(y_prev, state, enc)        -> StepOutput(logits, state, weights)

with enc = Encoded(memory (B, T_k, D), mask (B, T_k), final (B, D)) (attention_viz.decoding).

Shape symbols:
    B    batch size (or beam width)         T_k  source length (keys = values = encoder states)
    E    word embedding size                D    encoder state size (2 x encoder hidden)
    H    decoder hidden size                A    hidden size of the additive score
    L    max_source_len (location-based attention scores this many positions)
    V    target vocabulary size
"""

from __future__ import annotations

import torch
from torch import nn

from attention_viz.attention import AdditiveAttention, GeneralScore, attention_pool, dot_scores
from attention_viz.decoding import Encoded, StepOutput

State = tuple[torch.Tensor, ...]


class AdditiveDecoder(nn.Module):
    """Bahdanau et al. (2015): the query is the previous decoder state s_{t-1}.

    a_t = softmax_j v^T tanh(W_q s_{t-1} + W_k h_j);  c_t = sum_j a_tj h_j
    s_t = GRU([e(y_{t-1}); c_t], s_{t-1});  p(y_t) = softmax(W_o [s_t; c_t; e(y_{t-1})])
    """

    def __init__(
        self,
        vocab_size: int,
        embed: int,
        memory: int,
        hidden: int,
        attn_hidden: int,
        dropout: float,
    ):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed, padding_idx=0)
        self.bridge = nn.Linear(memory, hidden)
        self.attention = AdditiveAttention(hidden, memory, attn_hidden)
        self.cell = nn.GRUCell(embed + memory, hidden)
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(hidden + memory + embed, vocab_size)

    def init_state(self, enc: Encoded) -> State:
        s = torch.tanh(self.bridge(enc.final))  # (B, D) -> (B, H)
        # W_k h_j is the same at every step: project the keys once per sentence.
        return s, self.attention.score.project_keys(enc.memory)  # (B, H), (B, T_k, A)

    def step(self, y_prev: torch.Tensor, state: State, enc: Encoded) -> StepOutput:
        """y_prev (B,), memory (B, T_k, D), mask (B, T_k) -> logits (B, V), state, (B, T_k)."""
        memory, mask = enc.memory, enc.mask
        s, keys = state
        e = self.dropout(self.embedding(y_prev))  # (B, E)
        scores = self.attention.score.from_projected(s.unsqueeze(1), keys)  # (B, 1, T_k)
        context, weights = attention_pool(scores, memory, mask.unsqueeze(1))  # (B,1,D), (B,1,T_k)
        context, weights = context.squeeze(1), weights.squeeze(1)  # (B, D), (B, T_k)
        s = self.cell(torch.cat([e, context], -1), s)  # (B, E + D) -> (B, H)
        logits = self.output(self.dropout(torch.cat([s, context, e], -1)))  # (B, V)
        return StepOutput(logits, (s, keys), weights)


class LuongDecoder(nn.Module):
    """Luong et al. (2015), global attention with input feeding; score "dot" or "general".

    h_t = GRU([e(y_{t-1}); h~_{t-1}], h_{t-1});  a_t = softmax_j score(h_t, h_j)
    c_t = sum_j a_tj h_j;  h~_t = tanh(W_c [c_t; h_t]);  p(y_t) = softmax(W_o h~_t)
    """

    def __init__(
        self, vocab_size: int, embed: int, memory: int, hidden: int, score: str, dropout: float
    ):
        super().__init__()
        if score == "dot" and memory != hidden:
            raise ValueError(f"dot score needs decoder hidden {hidden} == encoder states {memory}")
        self.embedding = nn.Embedding(vocab_size, embed, padding_idx=0)
        self.bridge = nn.Linear(memory, hidden)
        self.score = GeneralScore(hidden, memory) if score == "general" else None
        self.cell = nn.GRUCell(embed + hidden, hidden)
        self.combine = nn.Linear(memory + hidden, hidden)
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(hidden, vocab_size)

    def init_state(self, enc: Encoded) -> State:
        h = torch.tanh(self.bridge(enc.final))  # (B, D) -> (B, H)
        return h, torch.zeros_like(h)  # (decoder state, attentional vector h~)

    def step(self, y_prev: torch.Tensor, state: State, enc: Encoded) -> StepOutput:
        """y_prev (B,), memory (B, T_k, D), mask (B, T_k) -> logits (B, V), state, (B, T_k)."""
        memory, mask = enc.memory, enc.mask
        h, h_tilde = state
        e = self.dropout(self.embedding(y_prev))  # (B, E)
        h = self.cell(torch.cat([e, h_tilde], -1), h)  # (B, E + H) -> (B, H)
        query = h.unsqueeze(1)  # (B, 1, H)
        scores = self.score(query, memory) if self.score else dot_scores(query, memory)
        context, weights = attention_pool(scores, memory, mask.unsqueeze(1))  # (B, 1, D), (B,1,T_k)
        context, weights = context.squeeze(1), weights.squeeze(1)
        h_tilde = torch.tanh(self.combine(torch.cat([context, h], -1)))  # (B, D + H) -> (B, H)
        return StepOutput(self.output(self.dropout(h_tilde)), (h, h_tilde), weights)


class LocationDecoder(nn.Module):
    """The attention of the PyTorch seq2seq tutorial: location-based, blind to encoder states.

    The weights over the L source positions come from the decoder's input word and state alone:
    a_t = softmax(W_a [e(y_{t-1}); s_{t-1}])  (masked to the sentence);  c_t = sum_j a_tj h_j
    s_t = GRU(relu(W_c [e(y_{t-1}); c_t]), s_{t-1});  p(y_t) = softmax(W_o s_t)
    """

    def __init__(
        self, vocab_size: int, embed: int, memory: int, hidden: int, max_len: int, dropout: float
    ):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed, padding_idx=0)
        self.bridge = nn.Linear(memory, hidden)
        self.locate = nn.Linear(embed + hidden, max_len)
        self.combine = nn.Linear(embed + memory, hidden)
        self.cell = nn.GRUCell(hidden, hidden)
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(hidden, vocab_size)

    def init_state(self, enc: Encoded) -> State:
        return (torch.tanh(self.bridge(enc.final)),)  # (B, D) -> (B, H)

    def step(self, y_prev: torch.Tensor, state: State, enc: Encoded) -> StepOutput:
        """y_prev (B,), memory (B, T_k, D), mask (B, T_k) -> logits (B, V), state, (B, T_k)."""
        memory, mask = enc.memory, enc.mask
        (s,) = state
        e = self.dropout(self.embedding(y_prev))  # (B, E)
        # Scores for all L positions; those past this batch's T_k are padding and masked anyway.
        scores = self.locate(torch.cat([e, s], -1))[:, : memory.shape[1]]  # (B, L) -> (B, T_k)
        context, weights = attention_pool(scores.unsqueeze(1), memory, mask.unsqueeze(1))
        context, weights = context.squeeze(1), weights.squeeze(1)  # (B, D), (B, T_k)
        x = torch.relu(self.combine(torch.cat([e, context], -1)))  # (B, E + D) -> (B, H)
        s = self.cell(x, s)  # (B, H)
        return StepOutput(self.output(self.dropout(s)), (s,), weights)
