"""Character-level encoder-decoder that turns human-written dates into ISO YYYY-MM-DD.

Embedding + LSTM encoder; one of the decoders of `date_decoders`. The output always has 10
characters, so decoding runs a fixed 10 steps from the start symbol "_" (as in the book).

Shape symbols:
    B    batch size
    T_q  decoder steps (10 for a whole date)
    T_k  input characters (padded)
    H    LSTM hidden size
    D    embedding size
    V    target vocabulary size
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from attention_viz.checkpoint import Checkpoint
from attention_viz.data import dates as data
from attention_viz.models.date_decoders import EncoderOutput, initial_state, make_decoder
from attention_viz.prediction import Prediction

_START_ID = data.TARGET_VOCAB.index(data.START)
_CHUNK = 4096  # inputs per forward pass in predict_batch (bounds memory for big uploads)


@dataclass
class DateSeq2SeqConfig:
    decoder: str = "attention"  # baseline | peeky | attention (dot, the book) | additive
    source_vocab_size: int = len(data.SOURCE_VOCAB)  # case-folded characters + <pad>, <unk>
    target_vocab_size: int = len(data.TARGET_VOCAB)  # digits, "-", start symbol "_"
    embed_size: int = 32  # D: character embedding size
    hidden_size: int = 64  # H: encoder and decoder LSTM size (64 keeps weights ~100-200 KB)
    score_hidden: int = 64  # hidden size of the additive score (additive decoder only)
    # Two directions of H/2 each (same state size H): the state at "3" in "May 3," then knows
    # the day ends there, so the "0" of "03" can be read at the day itself. The book's
    # one-direction encoder (False) attends to the comma after it instead.
    bidirectional: bool = True
    max_input_chars: int = data.MAX_INPUT_CHARS  # longer inputs are refused
    output_chars: int = data.OUTPUT_CHARS  # YYYY-MM-DD


class Encoder(nn.Module):
    """Embedding + LSTM over the input characters; padding does not reach the final state.

    Bidirectional: H/2 per direction; states and final (h, c) concatenate the two, so the
    decoders see size H either way.
    """

    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int, bidirectional: bool):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size, padding_idx=0)
        size = hidden_size // 2 if bidirectional else hidden_size
        self.lstm = nn.LSTM(embed_size, size, batch_first=True, bidirectional=bidirectional)

    def forward(self, source: torch.Tensor, valid_lens: torch.Tensor) -> EncoderOutput:
        """source: (B, T_k) ids, right-padded; valid_lens: (B,) on the CPU."""
        x = self.embed(source)  # (B, T_k, D)
        T_k = source.shape[1]
        padded = not bool((valid_lens == T_k).all())
        if not padded:  # e.g. a single input: no packing, no mask
            states, final = self.lstm(x)  # (B, T_k, H)
        else:
            packed = pack_padded_sequence(x, valid_lens, batch_first=True, enforce_sorted=False)
            states, final = self.lstm(packed)
            states, _ = pad_packed_sequence(states, batch_first=True, total_length=T_k)
        if self.lstm.bidirectional:  # (2, B, H/2) forward and backward -> (1, B, H)
            final = tuple(torch.cat([x[0], x[1]], dim=-1).unsqueeze(0) for x in final)
        mask = None
        if padded:
            mask = torch.arange(T_k, device=source.device) < valid_lens.to(source.device)[:, None]
        return EncoderOutput(states, mask, final)  # states: (B, T_k, H), mask: (B, T_k)


class DateSeq2Seq(nn.Module):
    """Encoder + decoder; `predict`/`predict_batch` take text and return Predictions."""

    def __init__(self, config: DateSeq2SeqConfig, source_vocab: tuple[str, ...] | list[str]):
        super().__init__()
        self.config = config
        self.source_vocab = tuple(source_vocab)
        self.training_record: dict = {}  # filled by build(): history, metrics, snapshot inputs
        self.encoder = Encoder(
            config.source_vocab_size, config.embed_size, config.hidden_size, config.bidirectional
        )
        self.decoder = make_decoder(
            config.decoder,
            config.target_vocab_size,
            config.embed_size,
            config.hidden_size,
            config.score_hidden,
        )

    @property
    def has_attention(self) -> bool:
        return self.config.decoder in ("attention", "additive")

    def forward(
        self, source: torch.Tensor, valid_lens: torch.Tensor, target_in: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Teacher forcing: every step is fed the true previous character.

        Args:
            source: (B, T_k) ids; valid_lens: (B,) CPU int64; target_in: (B, T_q) ids, START
                followed by the first T_q - 1 true characters.
        Returns:
            (logits (B, T_q, V), attention weights (B, T_q, T_k) or None).
        """
        out = self.decoder(target_in, self.encoder(source, valid_lens))
        return out.logits, out.weights

    def generate(
        self, source: torch.Tensor, valid_lens: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """Free running (greedy): each step is fed the model's own previous character.

        Returns:
            (ids (B, T_q), probabilities (B, T_q, V), weights (B, T_q, T_k) or None).
        """
        enc = self.encoder(source, valid_lens)
        state = initial_state(enc)  # (h, c), each (B, H)
        prev = torch.full((source.shape[0],), _START_ID, device=source.device)  # (B,)
        ids, logits, weights = [], [], []
        for _ in range(self.config.output_chars):
            step = self.decoder.step(prev, enc, state)  # logits (B, V), weights (B, T_k)
            state, prev = step.state, step.logits.argmax(-1)  # prev: (B,)
            ids.append(prev)
            logits.append(step.logits)
            if step.weights is not None:
                weights.append(step.weights)
        attention = torch.stack(weights, dim=1) if weights else None  # (B, T_q, T_k)
        probs = torch.softmax(torch.stack(logits, dim=1), dim=-1)  # (B, T_q, V)
        return torch.stack(ids, dim=1), probs, attention

    # --- text in, Predictions out ---

    def predict(self, text: str) -> Prediction:
        """Convert one date. Raises ValueError for empty input or input over the length limit."""
        return self.predict_batch([text], detail=True)[0]

    def predict_batch(self, texts: list[str], detail: bool = False) -> list[Prediction]:
        """Convert many dates (in chunks of 4096). detail: add each step's top 3 characters.

        Raises:
            ValueError: an empty or too long input (the message names its line and the limit).
        """
        cleaned = []
        for i, text in enumerate(texts):
            try:
                cleaned.append(data.check_input(text, self.config.max_input_chars))
            except ValueError as e:
                raise ValueError(f"line {i + 1}: {e}" if len(texts) > 1 else str(e)) from None
        out: list[Prediction] = []
        for start in range(0, len(cleaned), _CHUNK):
            out.extend(self._predict_chunk(cleaned[start : start + _CHUNK], detail))
        return out

    def teacher_forced(self, text: str, target: str) -> Prediction:
        """Decode `text` feeding the true previous character of `target` at every step."""
        text = data.check_input(text, self.config.max_input_chars)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", target):
            raise ValueError(f"the target must look like YYYY-MM-DD, got {target!r}")
        ids, lens, unknown = data.encode_sources([text], self.source_vocab)
        device = self._device()
        target_in = torch.from_numpy(data.encode_targets([target])[:, :-1]).to(device)
        with torch.inference_mode():
            logits, weights = self(
                torch.from_numpy(ids).to(device), torch.from_numpy(lens), target_in
            )
            probs = torch.softmax(logits, -1)
        return self._to_predictions([text], probs.argmax(-1), probs, weights, unknown, True)[0]

    def _predict_chunk(self, texts: list[str], detail: bool) -> list[Prediction]:
        ids, lens, unknown = data.encode_sources(texts, self.source_vocab)
        device = self._device()
        with torch.inference_mode():
            out, probs, weights = self.generate(
                torch.from_numpy(ids).to(device), torch.from_numpy(lens)
            )
        return self._to_predictions(texts, out, probs, weights, unknown, detail)

    def _to_predictions(self, texts, out, probs, weights, unknown, detail) -> list[Prediction]:
        vocab = data.TARGET_VOCAB
        out_np = out.cpu().numpy()  # (B, T_q)
        confidence = probs.max(-1).values.min(-1).values.cpu().numpy()  # (B,) weakest step
        weights_np = None if weights is None else weights.float().cpu().numpy()  # (B, T_q, T_k)
        if detail:
            top_p, top_i = probs.topk(3, dim=-1)  # (B, T_q, 3)
            top_p, top_i = top_p.cpu().numpy(), top_i.cpu().numpy()
        preds = []
        for b, text in enumerate(texts):
            iso = "".join(vocab[i] for i in out_np[b])
            extra = {
                "valid_date": data.is_real_date(iso),
                "confidence": round(float(confidence[b]), 4),
                "unknown_chars": len(unknown[b]),
            }
            if unknown[b]:
                extra["unknown_positions"] = unknown[b]
                extra["warning"] = (
                    f"{len(unknown[b])} character(s) outside the model's vocabulary were read as "
                    f"unknown: {', '.join(repr(text[i]) for i in unknown[b][:5])}"
                )
            if detail:
                extra["top3"] = [
                    [(vocab[i], p) for i, p in zip(ii, pp, strict=True)]
                    for ii, pp in zip(top_i[b].tolist(), top_p[b].round(4).tolist(), strict=True)
                ]
            attention = None if weights_np is None else weights_np[b, :, : len(text)]
            preds.append(Prediction(iso, list(text), list(iso), attention, extra))
        return preds

    def _device(self) -> torch.device:
        return self.encoder.embed.weight.device


def build(checkpoint: Checkpoint) -> DateSeq2Seq:
    """Rebuild a model from its checkpoint (config + weights + vocabulary in the JSON)."""
    config = DateSeq2SeqConfig(**checkpoint.config)
    model = DateSeq2Seq(config, checkpoint.meta["vocab"]["source"])
    model.load_state_dict(checkpoint.state_dict)
    # How it was trained (learning curve, per-epoch attention, test metrics), for the page.
    model.training_record = {k: v for k, v in checkpoint.meta.items() if k != "vocab"}
    return model


def count_parameters(model: nn.Module) -> int:
    return int(sum(p.numel() for p in model.parameters()))
