"""From typed words to the input matrix X: tokens, word vectors, positional encodings.

Word vectors are deterministic (seeded by a hash of the word) and leave dimensions 0 and 1
at zero: there the sinusoidal positional encoding turns fastest (sin(pos), cos(pos)), so a
head that reads only those two dimensions sees the position and nothing of the word. A
trained transformer learns such a split; here it is built in so that the presets "previous
token" and "same token" work exactly for every input.

Shape symbols: T tokens, D = d_model.
"""

from __future__ import annotations

import hashlib
import unicodedata

import numpy as np

MAX_TOKENS = 6  # every number fits on screen, and cos(n) < 0.6 for 0 < |n| < 6 keeps
# the positional presets sharp (cos 6 = 0.96 would let a token six back compete)
MAX_WORD_LENGTH = 24  # characters per word
POSITION_DIMS = 2  # dims 0 and 1: position only (word vectors are 0 there)
MIN_D_MODEL = 4
BASE = 10000.0  # the sinusoid wavelengths' base in "Attention is all you need"


class TokenError(ValueError):
    """Input text that cannot be turned into tokens; the message names the limit."""


def parse_tokens(text: str) -> list[str]:
    """Split text on whitespace into at most MAX_TOKENS words.

    Raises:
        TokenError: no word, too many words, or a word over MAX_WORD_LENGTH characters.
    """
    words = [w for w in text.split() if w.isprintable()] if text else []
    if len(words) != len(text.split()):
        raise TokenError("Words may not contain control characters.")
    if not words:
        raise TokenError(f"Type at least one word (up to {MAX_TOKENS}, separated by spaces).")
    if len(words) > MAX_TOKENS:
        raise TokenError(
            f"{len(words)} words is too many: this page shows at most {MAX_TOKENS} tokens "
            "so that every number fits on screen."
        )
    long = [w for w in words if len(w) > MAX_WORD_LENGTH]
    if long:
        raise TokenError(
            f"A word may have at most {MAX_WORD_LENGTH} characters; one has {len(long[0])}."
        )
    return words


def word_vector(word: str, d_model: int) -> np.ndarray:
    """The word's vector (D,): 0 in the position dims, norm sqrt(D - 2) spread over the rest.

    Equal norms make "attend to the same token" exact: by Cauchy–Schwarz a word's vector has
    a larger dot product with itself than with any other word's. Entries are about ±1, so
    dot products grow like D, as in the argument for the 1/sqrt(d) scaling.
    """
    if d_model < MIN_D_MODEL or d_model % 2:
        raise ValueError(f"d_model must be even and at least {MIN_D_MODEL}, not {d_model}")
    digest = hashlib.sha256(unicodedata.normalize("NFC", word).encode("utf-8")).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
    content = rng.standard_normal(d_model - POSITION_DIMS)
    content *= np.sqrt(d_model - POSITION_DIMS) / np.linalg.norm(content)
    return np.concatenate([np.zeros(POSITION_DIMS), content])


def embed(words: list[str], d_model: int) -> np.ndarray:
    """X (T, D): one word vector per row."""
    return np.stack([word_vector(w, d_model) for w in words])


def positional_encoding(n_positions: int, d_model: int, base: float = BASE) -> np.ndarray:
    """Sinusoidal encoding P (T, D): P[t, 2i] = sin(t / base^(2i/D)), P[t, 2i+1] = cos(same)."""
    positions = np.arange(n_positions, dtype=np.float64)[:, None]  # (T, 1)
    frequencies = base ** (-np.arange(0, d_model, 2, dtype=np.float64) / d_model)  # (D/2,)
    angles = positions * frequencies  # (T, D/2)
    encoding = np.empty((n_positions, d_model))
    encoding[:, 0::2] = np.sin(angles)
    encoding[:, 1::2] = np.cos(angles)
    return encoding


def shuffle_order(n: int, seed: int) -> np.ndarray:
    """A seeded permutation of range(n) that moves something whenever n > 1."""
    order = np.random.default_rng(seed).permutation(n)
    if n > 1 and np.array_equal(order, np.arange(n)):
        order = np.roll(order, 1)
    return order
