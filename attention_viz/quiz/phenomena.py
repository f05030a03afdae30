"""What a quiz question tests: a phenomenon label for an output step, its gold keys, and why.

Labels and gold keys come from what the generator knows about the example (the date's
format and field spans, the translation's gold word alignment, the task's rule, the caption
word's kind), never from the model's weights: the weights decide the right answer, the
label says what kind of step it is, and the gold keys say where the output comes from.
A step with no label (a date's dash, a French word with no English source, a caption's
"a") is never asked about.
"""

from __future__ import annotations

import numpy as np

from attention_viz.families.captioning.captions import KIND_OF
from attention_viz.families.dates import data
from attention_viz.families.translation.grammar import Translation
from attention_viz.families.translation.lexicon import ADJECTIVES, NOUNS

DATES = ("year digit", "two-digit year", "month from a name", "month from digits", "day")
TRANSLATION = (
    "reordered adjective–noun",
    "reordered verb–adverb",
    "one-to-one word",
    "multi-word alignment",
)
TRANSFORMER = ("reverse: anti-diagonal", "sort: picks its element", *DATES)
IMAGES = ("colour word", "size word", "shape word")
ORDER = {
    "dates": DATES,
    "translation": TRANSLATION,
    "transformer": TRANSFORMER,
    "captioning": IMAGES,
}

EXPLANATIONS = {
    "year digit": "A year digit is copied from the four-digit year: the model looks at the "
    "digit it copies (its encoder state knows where in the year it sits).",
    "two-digit year": "From a two-digit year the model must also infer the century (69–99 → "
    "19xx, 00–68 → 20xx), so even the century digits look at the two year digits.",
    "month from a name": "The month's digits come from a name (Sept, March): the model looks "
    "at the name's letters, usually where the name becomes unambiguous.",
    "month from digits": "The month is copied from digits; in m/d forms a lone digit gets a "
    "leading zero, so the first month digit may look at the digit after it.",
    "day": "The day's digits are copied from the day field (with or without an ordinal "
    "suffix); the bidirectional encoder tells the digits of the day from those of the month.",
    "reordered adjective–noun": "French puts most adjectives after the noun: this word's "
    "English source is out of order, so the attention leaves the diagonal here.",
    "reordered verb–adverb": "French puts the adverb (and the pas of ne … pas) after the "
    "verb: this word's link crosses another, so the attention jumps off the diagonal.",
    "one-to-one word": "One English word gives exactly this French word, in the same relative "
    "order: attention follows the diagonal.",
    "multi-word alignment": "Several words are aligned together here (ne … pas around the "
    "verb, au = à + le, does not): the weight may sit on any of them.",
    "reverse: anti-diagonal": "Reversing: output position t copies input position n − 1 − t, "
    "so the cross-attention is an anti-diagonal, found by position, not by content.",
    "sort: picks its element": "Sorting: each output step looks up the input character it "
    "writes next, wherever it is: attention by content, not by position.",
    "colour word": "A colour word: the model looks at the shape of that colour.",
    "size word": "A size word comes first in its phrase: the model finds the shape it is "
    "about to describe before naming its size.",
    "shape word": "A shape word ends its phrase: the model often already knows the shape and "
    "looks at it, or moves on towards the next one.",
}


def date_phenomenon(example: data.Example, step: int) -> str | None:
    """The phenomenon of ISO output character `step` (0-based); None for the dashes."""
    field = data.OUTPUT_FIELDS[step]
    template = data.FORMAT_BY_NAME[example.format].template
    if field == "year":
        return "two-digit year" if "{yy}" in template else "year digit"
    if field == "month":
        named = "{Month}" in template or "{Mon}" in template
        return "month from a name" if named else "month from digits"
    return "day" if field == "day" else None


def date_gold(example: data.Example, step: int) -> tuple[int, ...]:
    """The input characters of the field output character `step` comes from."""
    span = example.output_spans()[step]
    return () if span is None else tuple(range(*span))


_REORDERABLE = {a.english for a in ADJECTIVES} | {
    w for n in NOUNS for w in (n.english, n.english_plural)
}


def translation_gold(reference: Translation, step: int) -> tuple[int, ...]:
    """The English positions the gold alignment links to French word `step`."""
    return tuple(sorted(i for i, j in reference.alignment if j == step))


def translation_phenomenon(reference: Translation, step: int) -> str | None:
    """From the gold alignment: several links -> multi-word; a link that crosses another ->
    reordered (adjective–noun for those words; else the verb and its adverb or pas, the
    grammar's only other reordering); one link -> one-to-one; no English source -> None."""
    sources = translation_gold(reference, step)
    if not sources:
        return None
    (i,) = sources if len(sources) == 1 else (None,)
    if i is None or sum(1 for s, _ in reference.alignment if s == i) > 1:
        return "multi-word alignment"
    crossing = any((s - i) * (j - step) < 0 for s, j in reference.alignment)
    if not crossing:
        return "one-to-one word"
    if reference.source_tokens[i] in _REORDERABLE:
        return "reordered adjective–noun"
    return "reordered verb–adverb"


def reverse_gold(text: str, step: int) -> tuple[int, ...]:
    return (len(text) - 1 - step,)


def sort_gold(text: str, output: str, step: int) -> tuple[int, ...]:
    """Every input position that holds the character sorted output step `step` writes."""
    return tuple(k for k, c in enumerate(text) if c == output[step])


def caption_phenomenon(word: str) -> str | None:
    kind = KIND_OF.get(word)
    return None if kind is None else f"{kind} word"


def cell_weights(weights: np.ndarray, cells: int) -> np.ndarray:
    """(G, G) region weights -> (cells * cells,) weights of coarse cells, row-major.

    Each cell sums the (G / cells)^2 regions it covers, so the cells still sum to 1.
    """
    G = weights.shape[-1]
    k = G // cells
    return weights.reshape(cells, k, cells, k).sum(axis=(1, 3)).ravel()


def cell_gold(mask: np.ndarray, cells: int) -> tuple[int, ...]:
    """The coarse cells (row-major) that hold any pixel of a (P, P) shape mask."""
    P = mask.shape[0]
    k = P // cells
    hit = mask.reshape(cells, k, cells, k).any(axis=(1, 3)).ravel()
    return tuple(int(c) for c in np.flatnonzero(hit))


def cell_labels(cells: int) -> tuple[str, ...]:
    """Chessboard names of the cells, row-major: A1 A2 … (rows A.., columns 1..)."""
    return tuple(f"{chr(ord('A') + r)}{c + 1}" for r in range(cells) for c in range(cells))
