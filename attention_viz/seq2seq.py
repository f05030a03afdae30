"""One contract for every sequence-to-sequence family: text in, Predictions out.

A family subclasses `Seq2Seq` and supplies three things:

    prepare(texts) -> Source            check and tokenize inputs (ValueError names the limit)
    encode(ids, valid_lens) -> Encoded  the encoder
    self.decoder                        init_state(enc) / step(y_prev, state, enc), as in
                                        attention_viz.decoding; optionally forward_all(target_in,
                                        enc) -> (logits, weights) for fast teacher forcing

plus the class attributes below (vocabulary, <bos>/<eos> ids, output length). The base
gives predict (greedy or beam), predict_batch, teacher forcing (`forward` for training,
`teacher_forced` for pages) and the Prediction with its maps, top candidates and
log-probability; `checks()` adds the family's own checks of an output, `extra_maps()` maps beyond
the decoder's attention (self-attention), and `cross_maps()` says what the keys are (tokens by
default; a captioner's image regions).

Shape symbols: B batch size, T_k source length, T_q output length, V target vocabulary,
A leading attention axes (none, or e.g. layer, head).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import torch
from torch import nn

from attention_viz.decoding import Decoded, Encoded, beam_search, greedy
from attention_viz.prediction import AttentionMap, Axis, Prediction

MAX_BEAM = 10
CHUNK = 4096  # inputs per forward pass in predict_batch (bounds memory for big uploads)


class Source(NamedTuple):
    """Checked, tokenized inputs and their ids."""

    tokens: list[list[str]]  # what the heatmap's columns show, per input
    ids: torch.Tensor  # (B, T_k) right-padded with 0
    valid_lens: torch.Tensor  # (B,) int64, on the CPU
    warnings: list[list[str]]  # per input, for the user (e.g. unknown characters)


class Seq2Seq(nn.Module):
    """Encoder + decoder with the shared decoding; subclasses define the hooks below."""

    target_vocab: Sequence[str]  # id -> output token
    bos_id: int  # the start symbol fed at the first step
    eos_id: int | None  # ends an output; None: every output has max_target_len tokens
    max_target_len: int
    leading_axes: tuple[str, ...] = ()  # names of the step weights' leading axes, if any

    # --- hooks ---

    def prepare(self, texts: list[str]) -> Source:
        raise NotImplementedError

    def encode(self, ids: torch.Tensor, valid_lens: torch.Tensor) -> Encoded:
        raise NotImplementedError

    def reference_ids(self, reference: str | list[str]) -> list[int]:
        """A reference output as target ids (no <bos>/<eos>); ValueError if malformed."""
        raise NotImplementedError

    def output_text(self, tokens: list[str]) -> str:
        """Output tokens as the text a user reads."""
        return "".join(tokens)

    def checks(self, source: list[str], target: list[str]) -> dict[str, Any]:
        """The family's checks of one output (e.g. is it a real date)."""
        return {}

    def extra_maps(self, source: list[str], target: list[str]) -> dict[str, AttentionMap]:
        """Maps beyond the decoder's attention over the source (e.g. self-attention)."""
        return {}

    # --- teacher forcing: training and the page's comparison ---

    def forward(
        self, ids: torch.Tensor, valid_lens: torch.Tensor, target_in: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Teacher forcing: every step is fed the true previous token.

        Args:
            ids: (B, T_k); valid_lens: (B,); target_in: (B, T_q), <bos> then the reference.
        Returns:
            (logits (B, T_q, V), weights (B, T_q, *A, T_k) or None).
        """
        enc = self.encode(ids, valid_lens)
        if hasattr(self.decoder, "forward_all"):
            return self.decoder.forward_all(target_in, enc)
        state = self.decoder.init_state(enc)
        logits, rows = [], []
        for t in range(target_in.shape[1]):
            out = self.decoder.step(target_in[:, t], state, enc)
            state = out.state
            logits.append(out.logits)
            if out.weights is not None:
                rows.append(out.weights)
        weights = torch.stack(rows, 1) if rows else None
        return torch.stack(logits, 1), weights

    # --- text in, Predictions out ---

    def predict(self, text: str, beam: int = 1) -> Prediction:
        """One input, greedily (beam=1) or with beam search of that width."""
        if not 1 <= beam <= MAX_BEAM:
            raise ValueError(f"beam width must be between 1 and {MAX_BEAM}, got {beam}")
        if beam == 1:
            return self.predict_batch([text], detail=True)[0]
        source = self._source([text])
        with torch.inference_mode():
            enc = self.encode(source.ids, source.valid_lens)
            decoded = beam_search(
                self.decoder, enc, self.bos_id, self.eos_id, self.max_target_len, beam
            )
        return self._predictions(source, decoded, detail=True)[0]

    def predict_batch(self, texts: list[str], detail: bool = False) -> list[Prediction]:
        """Greedy outputs of many inputs, in chunks. detail: per-step top candidates and maps.

        Raises:
            ValueError: an input is refused (the message names its line and the limit).
        """
        out: list[Prediction] = []
        for start in range(0, len(texts), CHUNK):
            source = self._source(texts[start : start + CHUNK], first_line=start + 1)
            with torch.inference_mode():
                enc = self.encode(source.ids, source.valid_lens)
                decoded = greedy(self.decoder, enc, self.bos_id, self.eos_id, self.max_target_len)
            out.extend(self._predictions(source, decoded, detail))
        return out

    def teacher_forced(self, text: str, reference: str | list[str]) -> Prediction:
        """Decode `text` feeding the reference's previous token at every step.

        The Prediction's target tokens are the reference; its `predicted` is what the model
        would write at each step given the true prefix.
        """
        source = self._source([text])
        gold = self.reference_ids(reference)
        target_in = torch.tensor([[self.bos_id, *gold]], device=self.device)  # (1, 1 + T_q)
        with torch.inference_mode():
            logits, weights = self(source.ids, source.valid_lens, target_in)
        logp = torch.log_softmax(logits, -1)  # (1, T_q + 1, V)
        steps = len(gold) + (self.eos_id is not None)  # the <eos> step counts when there is one
        logp = logp[:, :steps]
        scored = [*gold, self.eos_id] if self.eos_id is not None else gold
        chosen = torch.tensor(scored[:steps], device=logp.device)
        log_prob = float(logp[0, torch.arange(steps, device=logp.device), chosen].sum())
        tl, ti = logp.topk(min(3, logp.shape[-1]), -1)
        decoded = Decoded(
            torch.tensor([gold], device=logp.device),
            [len(gold)],
            None if weights is None else weights[:, : len(gold)],
            [log_prob],
            ti[:, : len(gold)],
            tl[:, : len(gold)].exp(),
        )
        return self._predictions(source, decoded, detail=True, forced=True)[0]

    # --- helpers ---

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def _source(self, texts: list[str], first_line: int = 1) -> Source:
        if not texts:
            raise ValueError("no input given")
        try:
            source = self.prepare(texts)
        except IndexedError as e:
            if len(texts) == 1:
                raise e.original from None  # its own type (e.g. with suggestions)
            raise ValueError(f"line {first_line + e.index}: {e}") from None
        device = self.device
        return source._replace(ids=source.ids.to(device))

    def _predictions(
        self,
        source: Source,
        d: Decoded,
        detail: bool,
        forced: bool = False,
        extra: list[dict[str, AttentionMap]] | None = None,
    ) -> list[Prediction]:
        """extra: per input, maps already computed (then extra_maps() is not called)."""
        vocab = self.target_vocab
        ids = d.ids.cpu().tolist()
        weights = None if d.weights is None else d.weights.float().cpu().numpy()
        if detail:
            top_i, top_p = d.top_ids.cpu().tolist(), d.top_probs.float().cpu().round(decimals=4)
            top_p = top_p.tolist()
        out = []
        for b, tokens_in in enumerate(source.tokens):
            n = d.lengths[b]
            tokens_out = [vocab[i] for i in ids[b][:n]]
            attention, maps = None, {}
            if weights is not None:
                w = weights[b, :n, ..., : len(tokens_in)]  # (T_q, *A, T_k) unpadded
                attention, maps = self.cross_maps(w, tokens_in, tokens_out)
            top = []
            if detail:
                top = [
                    [(vocab[i], p) for i, p in zip(ii, pp, strict=True)]
                    for ii, pp in zip(top_i[b][:n], top_p[b][:n], strict=True)
                ]
                maps.update(self.extra_maps(tokens_in, tokens_out) if extra is None else extra[b])
            out.append(
                Prediction(
                    self.output_text(tokens_out),
                    list(tokens_in),
                    tokens_out,
                    attention,
                    maps=maps,
                    top=top,
                    log_prob=d.log_prob[b],
                    checks=self.checks(tokens_in, tokens_out),
                    warnings=list(source.warnings[b]),
                    forced=forced,
                )
            )
        return out

    def cross_maps(self, w: np.ndarray, tokens_in: list[str], tokens_out: list[str]):
        """Hook: one output's step weights w (T_q, *A, T_k) -> (main map, {"cross": map}).

        By default the keys are the source tokens; with leading axes (layer, head) the main
        map is the mean over the last layer's heads. A family whose keys are something else
        (image regions on a grid) overrides this."""
        queries, keys = Axis.tokens(tokens_out), Axis.tokens(tokens_in)
        if w.ndim == 2:
            return w, {"cross": AttentionMap(w, queries, keys)}
        full = np.moveaxis(w, 0, -2)  # (T_q, *A, T_k) -> (*A, T_q, T_k)
        last = full[(-1,) * (full.ndim - 3)]  # the last layer's heads: (heads, T_q, T_k)
        main = last.mean(0)  # (T_q, T_k); also right for an empty output (T_q = 0)
        return main, {"cross": AttentionMap(full, queries, keys, self.leading_axes)}


class IndexedError(ValueError):
    """A refused input, with its position in the batch (for 'line N: ...' messages)."""

    def __init__(self, index: int, original: ValueError):
        super().__init__(str(original))
        self.index, self.original = index, original


def check_each(texts: list[str], check) -> list:
    """Apply check(text) to each input; a ValueError becomes an IndexedError at its index."""
    out = []
    for i, text in enumerate(texts):
        try:
            out.append(check(text))
        except ValueError as e:
            raise IndexedError(i, e) from None
    return out
