"""The dates task for a transformer: the date family's data, splits and vocabulary.

Inputs are checked and encoded exactly as the LSTM date models do (strip, case-fold,
unknown characters read as <unk> with a warning), and the output is the 10 ISO characters
decoded from the start symbol "_", so a transformer-dates Prediction has the same source
and target tokens as a date-attention one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attention_viz.families.dates import data, vocab


@dataclass(frozen=True)
class DateTask:
    name: str = "dates"
    max_input: int = vocab.MAX_INPUT_CHARS
    bos: str = vocab.START
    eos: str | None = None  # every output has exactly 10 characters
    max_target_len: int = data.OUTPUT_CHARS

    @property
    def source_vocab(self) -> tuple[str, ...]:
        return vocab.SOURCE_VOCAB

    @property
    def target_vocab(self) -> tuple[str, ...]:
        return vocab.TARGET_VOCAB

    def check(self, text: str) -> str:
        return vocab.check_input(text, self.max_input)

    def source(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
        ids, lens, unknown = vocab.encode_sources(texts, self.source_vocab)
        warnings = vocab.unknown_warnings(texts, unknown)
        return ids, lens, warnings

    def checks(self, source: str, output: str) -> dict:
        return {"valid_date": vocab.is_real_date(output)}

    def target(self, text: str) -> str | None:
        """The right ISO date when `text` is in a known format, else None."""
        example = data.parse(text.strip())
        return None if example is None else example.target
