"""What the date models read and write: the character vocabularies, input checks and ids.

The encoder reads case-folded characters ("SEPT", "Sept" and "sept" are one word); the
decoder writes the 10 characters of YYYY-MM-DD after a start symbol, as in the book.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import numpy as np

MAX_INPUT_CHARS = 40  # longest input a model reads; predict() refuses longer ones
PAD, UNK = "<pad>", "<unk>"
SOURCE_CHARS = " abcdefghijklmnopqrstuvwxyz0123456789,./-'"
SOURCE_VOCAB: tuple[str, ...] = (PAD, UNK, *SOURCE_CHARS)
START = "_"  # the decoder's first input, as in the book
TARGET_VOCAB: tuple[str, ...] = (*"0123456789-", START)


def is_real_date(iso: str) -> bool:
    """The calendar check: is `iso` a YYYY-MM-DD date that exists?"""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return False
    try:
        dt.date.fromisoformat(iso)
    except ValueError:
        return False
    return True


# --- characters -> ids ---


def check_input(text: str, max_chars: int = MAX_INPUT_CHARS) -> str:
    """The text a model reads: `text` without outer whitespace.

    Raises:
        ValueError: empty, or longer than `max_chars` (the message names the limit).
    """
    if not isinstance(text, str):
        raise ValueError(f"input must be text, not {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise ValueError("empty input: type a date such as 'September 25, 1984'")
    if len(stripped) > max_chars:
        raise ValueError(
            f"input is {len(stripped)} characters long; the date models read at most "
            f"{max_chars} characters"
        )
    return stripped


def encode_sources(
    texts: list[str], vocab: tuple[str, ...] | list[str] = SOURCE_VOCAB
) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    """Case-folded character ids, right-padded with PAD (id 0).

    Returns:
        (ids (B, T_k) int64, valid_lens (B,) int64, unknown: for each text the positions of
        characters outside the vocabulary, which were mapped to UNK).
    """
    index = _index(tuple(vocab))
    unk = index[UNK]
    width = max((len(t) for t in texts), default=1) or 1
    ids = np.zeros((len(texts), width), dtype=np.int64)
    lens = np.array([len(t) for t in texts], dtype=np.int64)
    unknown: list[list[int]] = []
    for row, text in enumerate(texts):
        codes = [index.get(c.lower(), unk) for c in text]
        ids[row, : len(codes)] = codes
        unknown.append([i for i, code in enumerate(codes) if code == unk])
    return ids, lens, unknown


@functools.cache
def _index(vocab: tuple[str, ...]) -> dict[str, int]:
    return {c: i for i, c in enumerate(vocab)}


def encode_targets(targets: list[str]) -> np.ndarray:
    """(B, 1 + OUTPUT_CHARS) ids: START followed by the ISO characters."""
    index = {c: i for i, c in enumerate(TARGET_VOCAB)}
    return np.array([[index[START]] + [index[c] for c in t] for t in targets], dtype=np.int64)


def unknown_warnings(texts: list[str], unknown: list[list[int]]) -> list[list[str]]:
    """Per text, a warning naming the characters encode_sources read as unknown (or none)."""
    return [
        [
            f"{len(u)} character(s) outside the model's vocabulary were read as unknown: "
            + ", ".join(repr(text[i]) for i in u[:5])
        ]
        if u
        else []
        for text, u in zip(texts, unknown, strict=True)
    ]
