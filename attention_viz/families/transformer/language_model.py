"""The decoder-only transformer of the induction task: next-token guesses with their maps.

Head ablation is an argument, as for the encoder–decoder: `lm.predict(text,
ablate={("decoder-self", 1, 2)})` zeroes head 2 of layer 1 for that call only.

Shape symbols: B batch, T sequence length, L layers, H heads, V vocabulary size.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from attention_viz.families.transformer import tasks
from attention_viz.families.transformer.model import TransformerConfig, _stack_args
from attention_viz.families.transformer.stacks import DecoderOnly
from attention_viz.prediction import AttentionMap, Axis, Prediction
from attention_viz.seq2seq import check_each


class InductionLM(nn.Module):
    """Decoder-only transformer predicting the next token at every position."""

    leading_axes = ("layer", "head")

    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.config = config
        self.task = tasks.TASKS[config.task]
        self.vocab = self.task.vocab
        self.stack = DecoderOnly(*_stack_args(config, len(self.vocab), config.decoder_layers))

    def forward(self, ids: torch.Tensor, ablate=frozenset(), need_weights: bool = True):
        """ids (B, T) -> DecoderOutput(logits (B, T, V), self weights (B, L, H, T, T), None);
        need_weights=False (training): fused attention, weights None."""
        return self.stack(ids, ablate, need_weights)

    def predict(self, text: str, ablate=frozenset(), detail: bool = True) -> Prediction:
        """One input; detail=False leaves out the per-step top candidates."""
        return self.predict_batch([text], detail=detail, ablate=ablate)[0]

    def predict_batch(
        self, texts: list[str], detail: bool = False, ablate=frozenset()
    ) -> list[Prediction]:
        """Each Prediction: target token t is the model's guess of input token t + 1."""
        if not texts:
            raise ValueError("no input given")
        cleaned = check_each(texts, self.task.check)
        ids, lens = self.task.encode(cleaned)
        device = next(self.parameters()).device
        with torch.inference_mode():
            out = self(torch.from_numpy(ids).to(device), frozenset(ablate))
            logp = torch.log_softmax(out.logits.float(), -1)  # (B, T, V)
            top_l, top_i = logp.topk(3, -1)
        weights = out.self_weights.float().cpu().numpy()
        top_p, top_i = top_l.exp().cpu().numpy(), top_i.cpu().numpy()
        preds = []
        for b, text in enumerate(cleaned):
            n = int(lens[b])
            guess = [self.vocab[i] for i in top_i[b, :n, 0]]
            w = weights[b, :, :, :n, :n]  # (L, H, T, T)
            tokens = Axis.tokens(text)
            maps = (
                {"decoder-self": AttentionMap(w, tokens, tokens, self.leading_axes)}
                if detail
                else {}
            )
            top = [self._candidates(top_i[b, t], top_p[b, t]) for t in range(n)] if detail else []
            preds.append(
                Prediction(
                    "".join(guess),
                    list(text),
                    guess,
                    w[-1].mean(0),
                    maps=maps,
                    top=top,
                    log_prob=float(logp[b, np.arange(n - 1), ids[b, 1:n]].sum()) if n > 1 else 0.0,
                    checks=_induction_checks(text, guess),
                )
            )
        return preds

    def _candidates(self, ids: np.ndarray, probs: np.ndarray) -> list[tuple[str, float]]:
        return [(self.vocab[i], round(float(p), 4)) for i, p in zip(ids, probs, strict=True)]


def _induction_checks(text: str, guess: list[str]) -> dict:
    """Second-half accuracy when the input is a repeated sequence."""
    half = tasks.repeat_period(text)
    if half is None:
        return {"repeated": False}
    right = [guess[t] == text[t + 1] for t in range(half, 2 * half - 1)]
    return {"repeated": True, "second_half_accuracy": float(np.mean(right)) if right else None}
