"""The tiny transformers' tasks: reverse, sort, induction (repeat a random sequence), dates.

Each task says which inputs it accepts (a ValueError names the limit), how text becomes
ids, and what the right output is. Data is generated; seeds fix it. The dates task reads
the date family's data with its splits (attention_viz.families.dates.data).

Shape symbols: B batch size, T_k source length, T one sequence's length.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"  # reverse and sort; sorted order is this order
LETTERS = "abcdefghijklmnopqrstuvwxyz"  # induction
PAD, BOS, EOS = "<pad>", "<bos>", "<eos>"

TRAIN_SEED_BASE = 1_000  # training batches use seeds from here up
VAL_SEED = 77_777  # the validation set during training
TEST_SEED = 3_000_017  # fresh test data: no training run uses it


def checked(text: str, limit: int, trained: str, alphabet: str, name: str, example: str) -> str:
    """`text` without outer whitespace, or a ValueError naming what is wrong and the limit."""
    if not isinstance(text, str):
        raise ValueError(f"input must be text, not {type(text).__name__}")
    s = text.strip()
    if not s:
        raise ValueError(f"empty input: type characters of {name}, e.g. '{example}'")
    if len(s) > limit:
        raise ValueError(
            f"input is {len(s)} characters long; this model reads at most {limit} ({trained})"
        )
    bad = sorted({c for c in s if c not in alphabet})
    if bad:
        shown = ", ".join(repr(c) for c in bad[:5])
        raise ValueError(f"characters outside the alphabet {name}: {shown}")
    return s


@dataclass(frozen=True)
class CharTask:
    """Sequence in, sequence out over ALPHABET: "reverse" or "sort"."""

    name: str
    min_len: int = 1
    max_len: int = 12  # longest trained input
    max_input: int = 24  # longest accepted input (beyond max_len: untrained, reported)

    @property
    def source_vocab(self) -> tuple[str, ...]:
        return (PAD, *ALPHABET)

    @property
    def target_vocab(self) -> tuple[str, ...]:
        return (PAD, BOS, EOS, *ALPHABET)

    def target(self, text: str) -> str:
        return text[::-1] if self.name == "reverse" else "".join(sorted(text, key=ALPHABET.index))

    def check(self, text: str) -> str:
        """The text the model reads (outer whitespace stripped). ValueError names the limit."""
        trained = f"trained on 1 to {self.max_len}"
        return checked(text, self.max_input, trained, ALPHABET, "0-9 a-z", "abc123")

    bos: str = BOS
    eos: str | None = EOS

    @property
    def max_target_len(self) -> int:
        return self.max_input + 1  # the <eos> step included

    def checks(self, source: str, output: str) -> dict:
        return {"correct": output == self.target(source)}

    def source(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
        """(ids (B, T_k) right-padded with 0, valid_lens (B,), warnings per input: none)."""
        return *self.encode(texts), [[] for _ in texts]

    def encode(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(ids (B, T_k) right-padded with 0, valid_lens (B,))."""
        index = {c: i for i, c in enumerate(self.source_vocab)}
        width = max(len(t) for t in texts)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        for row, t in enumerate(texts):
            ids[row, : len(t)] = [index[c] for c in t]
        return ids, np.array([len(t) for t in texts], dtype=np.int64)

    def encode_targets(self, targets: list[str]) -> np.ndarray:
        """(B, 2 + max len) ids: <bos>, the target, <eos>, then <pad>."""
        index = {c: i for i, c in enumerate(self.target_vocab)}
        width = max(len(t) for t in targets) + 2
        ids = np.zeros((len(targets), width), dtype=np.int64)
        for row, t in enumerate(targets):
            ids[row, : len(t) + 2] = [index[BOS], *(index[c] for c in t), index[EOS]]
        return ids

    def generate(
        self, n: int, seed: int, lo: int | None = None, hi: int | None = None
    ) -> list[str]:
        """n random inputs with lengths uniform in [lo, hi] (default: the trained range)."""
        rng = random.Random(seed)
        lo, hi = lo or self.min_len, hi or self.max_len
        return ["".join(rng.choices(ALPHABET, k=rng.randint(lo, hi))) for _ in range(n)]


@dataclass(frozen=True)
class InductionTask:
    """A random sequence of distinct letters, then the same sequence again.

    The second half is predictable only by copying: find the current letter earlier and
    emit the one that followed it (what an induction head does).
    """

    name: str = "induction"
    min_half: int = 4
    max_half: int = 13  # longest trained half: sequences up to 26 tokens
    max_input: int = 26  # 26 distinct letters at most per half; longer inputs are refused

    @property
    def vocab(self) -> tuple[str, ...]:
        return (PAD, *LETTERS)

    def check(self, text: str) -> str:
        trained = f"trained on 2 × {self.min_half} to 2 × {self.max_half}"
        return checked(text, self.max_input, trained, LETTERS, "a-z", "qwertyqwe")

    def encode(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        index = {c: i for i, c in enumerate(self.vocab)}
        width = max(len(t) for t in texts)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        for row, t in enumerate(texts):
            ids[row, : len(t)] = [index[c] for c in t]
        return ids, np.array([len(t) for t in texts], dtype=np.int64)

    def generate(
        self, n: int, seed: int, lo: int | None = None, hi: int | None = None
    ) -> list[str]:
        """n sequences half + half, half of distinct letters, len(half) uniform in [lo, hi]."""
        rng = random.Random(seed)
        lo, hi = lo or self.min_half, hi or self.max_half
        out = []
        for _ in range(n):
            half = "".join(rng.sample(LETTERS, rng.randint(lo, hi)))
            out.append(half + half)
        return out


def repeat_period(text: str) -> int | None:
    """The half length when text = half + half (the induction input), else None."""
    n = len(text)
    return n // 2 if n >= 2 and n % 2 == 0 and text[: n // 2] == text[n // 2 :] else None


TASKS = {
    "reverse": CharTask("reverse"),
    "sort": CharTask("sort"),
    "induction": InductionTask(),
}
