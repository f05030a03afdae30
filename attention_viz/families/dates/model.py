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
from attention_viz.decoding import Decoded, Encoded
from attention_viz.families.dates import data, outside, vocab
from attention_viz.families.dates.decoders import make_decoder
from attention_viz.prediction import Prediction
from attention_viz.seq2seq import Seq2Seq, Source, check_each

_START_ID = vocab.TARGET_VOCAB.index(vocab.START)


@dataclass
class DateSeq2SeqConfig:
    decoder: str = "attention"  # baseline | peeky | attention (dot, the book) | additive
    source_vocab_size: int = len(vocab.SOURCE_VOCAB)  # case-folded characters + <pad>, <unk>
    target_vocab_size: int = len(vocab.TARGET_VOCAB)  # digits, "-", start symbol "_"
    embed_size: int = 32  # D: character embedding size
    hidden_size: int = 64  # H: encoder and decoder LSTM size (64 keeps weights ~100-200 KB)
    score_hidden: int = 64  # hidden size of the additive score (additive decoder only)
    # Two directions of H/2 each (same state size H): the state at "3" in "May 3," then knows
    # the day ends there, so the "0" of "03" can be read at the day itself. The book's
    # one-direction encoder (False) attends to the comma after it instead.
    bidirectional: bool = True
    max_input_chars: int = vocab.MAX_INPUT_CHARS  # longer inputs are refused
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

    def forward(self, source: torch.Tensor, valid_lens: torch.Tensor) -> Encoded:
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
        return Encoded(states, mask, final)  # states: (B, T_k, H), mask: (B, T_k)


class DateSeq2Seq(Seq2Seq):
    """Encoder + one of the four decoders; text in, Predictions out (attention_viz.seq2seq)."""

    target_vocab = vocab.TARGET_VOCAB
    bos_id = _START_ID
    eos_id = None  # every output is YYYY-MM-DD: exactly 10 steps
    max_target_len = data.OUTPUT_CHARS

    def __init__(self, config: DateSeq2SeqConfig, source_vocab: tuple[str, ...] | list[str]):
        super().__init__()
        self.config = config
        self.source_vocab = tuple(source_vocab)
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
        # Below this weakest-step probability an output gets a warning; chosen from the
        # test dates (evaluate.confidence_threshold) and kept in the checkpoint's metrics.
        self.confidence_threshold: float | None = None
        self.confidence_quantile = 0.001  # the share of right test answers below it

    @property
    def has_attention(self) -> bool:
        return self.config.decoder in ("attention", "additive")

    def prepare(self, texts: list[str]) -> Source:
        limit = self.config.max_input_chars
        cleaned = check_each(texts, lambda t: vocab.check_input(t, limit))
        ids, lens, unknown = vocab.encode_sources(cleaned, self.source_vocab)
        warnings = vocab.unknown_warnings(cleaned, unknown)
        for text, notes in zip(cleaned, warnings, strict=True):
            year = outside.year_outside_range(text)
            if year is not None:
                first, last = data.FIRST_DATE.year, data.LAST_DATE.year
                notes.append(
                    f"the year {year} is outside the years the model was trained on "
                    f"({first}–{last}): do not trust the output for it"
                )
        return Source(
            [list(t) for t in cleaned], torch.from_numpy(ids), torch.from_numpy(lens), warnings
        )

    def encode(self, ids: torch.Tensor, valid_lens: torch.Tensor) -> Encoded:
        return self.encoder(ids, valid_lens)

    def reference_ids(self, reference: str | list[str]) -> list[int]:
        target = "".join(reference)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", target):
            raise ValueError(f"the target must look like YYYY-MM-DD, got {target!r}")
        return [vocab.TARGET_VOCAB.index(c) for c in target]

    def checks(self, source: list[str], target: list[str]) -> dict:
        return {"valid_date": vocab.is_real_date("".join(target))}

    def _predictions(
        self, source: Source, d: Decoded, detail: bool, forced: bool = False
    ) -> list[Prediction]:
        """The base's Predictions, plus a warning on each free-running output whose weakest
        step's probability is below the model's confidence threshold."""
        out = super()._predictions(source, d, detail, forced)
        if forced or self.confidence_threshold is None:
            return out
        weakest = d.top_probs[:, :, 0].min(dim=1).values.float().cpu().tolist()  # (B,)
        for p, conf in zip(out, weakest, strict=True):
            if conf < self.confidence_threshold:
                threshold, quantile = self.confidence_threshold, self.confidence_quantile
                p.warnings.append(low_confidence_warning(conf, threshold, quantile))
        return out


def low_confidence_warning(confidence: float, threshold: float, quantile: float) -> str:
    return (
        f"low confidence: the least certain output character has probability {confidence:.1%}, "
        f"below this model's threshold of {threshold:.1%} (only {quantile:.1%} of its right "
        "answers on test dates are this unsure). The input may not be a date in a format the "
        "model was trained on: treat the output as a guess."
    )


def build(checkpoint: Checkpoint) -> DateSeq2Seq:
    """Rebuild a model from its checkpoint (config + weights + vocabulary in the JSON)."""
    config = DateSeq2SeqConfig(**checkpoint.config)
    model = DateSeq2Seq(config, checkpoint.meta["vocab"]["source"])
    model.load_state_dict(checkpoint.state_dict)
    confidence = checkpoint.meta.get("metrics", {}).get("confidence") or {}
    model.confidence_threshold = confidence.get("threshold")
    model.confidence_quantile = confidence.get("quantile", model.confidence_quantile)
    return model
