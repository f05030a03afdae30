"""Caption decoders of the seq2seq contract (attention_viz.decoding): with and without attention.

The attention decoder is "Show, Attend and Tell" (Xu et al. 2015) with soft attention: at
step t the previous LSTM state h_{t-1} scores every region a_i with Bahdanau's additive
score, z_t = beta_t * sum_i alpha_{t,i} a_i is the context (beta_t = sigmoid(f_beta(h_{t-1})),
the paper's gate), and the word comes from the paper's deep output
L_o(E y_{t-1} + L_h h_t + L_z z_t). alpha_t is where the model looked to write word t.

The paper's LSTM reads z_t (reads="what"), so it remembers a shape's colour and kind once it
has looked at the shape for its first word, and the attention of the later words can go
anywhere: trained that way, colour words pointed at their shape 45% of the time, with nearly
uniform weights (see pretrained/README.md). With reads="where" (the shipped model) the LSTM
never sees what is in the image: it starts from a learned state instead of the mean region,
and at each step reads only *where* it looked, w_t = sum_i alpha_{t,i} c_i (c_i the region
centre's (x, y) in [-1, 1]), which the relation words need. What the image shows reaches a
word only through z_t in the deep output, so every size, colour and kind word has to look at
its shape to be said.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from attention_viz.attention import AdditiveScore
from attention_viz.decoding import Encoded, StepOutput


class _Decoder(nn.Module):
    """What both decoders share: the initial state from the mean region, the deep output."""

    def __init__(
        self,
        vocab_size: int,
        feature_size: int,
        embed_size: int,
        hidden_size: int,
        remembered_size: int | None = None,
    ):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.init_h = nn.Linear(feature_size, hidden_size)
        self.init_c = nn.Linear(feature_size, hidden_size)
        remembered_size = feature_size if remembered_size is None else remembered_size
        self.cell = nn.LSTMCell(embed_size + remembered_size, hidden_size)
        self.L_h = nn.Linear(hidden_size, embed_size)
        self.L_z = nn.Linear(feature_size, embed_size, bias=False)
        self.L_o = nn.Linear(embed_size, vocab_size)

    def init_state(self, enc: Encoded) -> tuple[torch.Tensor, torch.Tensor]:
        """h_0, c_0 = tanh(W mean_i a_i): each (B, H). enc.final[0] is the mean region."""
        mean = enc.final[0]  # (B, D)
        return torch.tanh(self.init_h(mean)), torch.tanh(self.init_c(mean))

    def _advance(self, y_prev, state, z, w):
        """One LSTM step on [E y; w] and the deep output.

        z: (B, D) the context read (what); w: (B, D) what the LSTM remembers of it.
        """
        e = self.embed(y_prev)  # (B, E)
        h, c = self.cell(torch.cat([e, w], dim=-1), state)  # (B, H) each
        logits = self.L_o(e + self.L_h(h) + self.L_z(z))  # (B, V)
        return logits, (h, c)


class AttentionDecoder(_Decoder):
    """LSTM decoder with soft additive attention over the regions (weights returned)."""

    def __init__(
        self,
        vocab_size: int,
        feature_size: int,
        embed_size: int,
        hidden_size: int,
        score: int,
        reads: str = "what",
    ):
        if reads not in ("what", "where"):
            raise ValueError(f"reads is 'what' or 'where', not {reads!r}")
        super().__init__(
            vocab_size, feature_size, embed_size, hidden_size, 2 if reads == "where" else None
        )
        self.score = AdditiveScore(hidden_size, feature_size, score)
        self.f_beta = nn.Linear(hidden_size, 1)
        self.reads = reads
        if reads == "where":  # the LSTM starts from a learned state, not from the image
            self.h_0 = nn.Parameter(torch.zeros(hidden_size))
            self.c_0 = nn.Parameter(torch.zeros(hidden_size))

    def init_state(self, enc: Encoded) -> tuple[torch.Tensor, torch.Tensor]:
        if self.reads == "what":
            return super().init_state(enc)
        B = enc.memory.shape[0]
        return self.h_0.expand(B, -1), self.c_0.expand(B, -1)  # (B, H) each

    def step(self, y_prev: torch.Tensor, state, enc: Encoded) -> StepOutput:
        """y_prev: (B,) ids; state: (h, c) each (B, H). weights: (B, L)."""
        h_prev = state[0]
        keys = enc.final[1]  # (B or 1, L, A): the regions projected once by encode
        if keys.shape[0] != h_prev.shape[0]:  # beam search shares one image's keys
            keys = keys.expand(h_prev.shape[0], -1, -1)
        scores = self.score.from_projected(h_prev.unsqueeze(1), keys)  # (B, 1, L)
        alpha = torch.softmax(scores, dim=-1)  # (B, 1, L); no region is ever masked
        context = (alpha @ enc.memory).squeeze(1)  # (B, 1, L) @ (B, L, D) -> (B, D)
        z = torch.sigmoid(self.f_beta(h_prev)) * context  # the paper's gate beta_t
        remembered = z
        if self.reads == "where":
            remembered = (alpha @ enc.final[2]).squeeze(1)  # (B, 1, L) @ (L, 2) -> (B, 2)
        logits, state = self._advance(y_prev, state, z, remembered)
        return StepOutput(logits, state, alpha.squeeze(1))


class MeanDecoder(_Decoder):
    """The baseline: the mean of all regions is the context at every step (no attention)."""

    def step(self, y_prev: torch.Tensor, state, enc: Encoded) -> StepOutput:
        mean = enc.final[0].expand(y_prev.shape[0], -1)  # (B, D); beam search shares one image's
        logits, state = self._advance(y_prev, state, mean, mean)  # (B, V)
        return StepOutput(logits, state, None)


def project_keys(decoder: nn.Module, memory: torch.Tensor) -> torch.Tensor | None:
    """The regions projected by the attention's W_k once per image (None without attention)."""
    if isinstance(decoder, AttentionDecoder):
        return decoder.score.project_keys(memory)  # (B, L, A)
    return None


def doubly_stochastic(weights: torch.Tensor, steps: torch.Tensor) -> torch.Tensor:
    """The paper's regulariser sum_i (1 - sum_t alpha_{t,i})^2, mean over the batch.

    Args:
        weights: (B, T, L) attention of every step; steps: (B, T) bool, the steps that count
            (the words and the <eos> step, not the padding after it).
    """
    total = (weights * steps.unsqueeze(-1)).sum(1)  # (B, L): attention each region received
    return (1.0 - total).square().sum(-1).mean()


def loss_terms(logits, targets, weights, penalty: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(cross-entropy over real steps, penalty * doubly stochastic term (0 without weights)).

    logits: (B, T, V); targets: (B, T) ids with <pad> = 0 after <eos>.
    """
    ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=0)
    if weights is None or penalty == 0:
        return ce, torch.zeros((), device=logits.device)
    return ce, penalty * doubly_stochastic(weights, targets != 0)
