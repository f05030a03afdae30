"""The caption grammar over generated scenes, its vocabulary, and each word's gold shape.

    caption  = phrase (relation phrase)*      shapes in scenes.canonical order
    phrase   = "a" size colour kind           "a small red circle"
    relation = "above" | "below" | "left of" | "right of"   (the shape before it, relative
                                                             to the shape after it)

e.g. "a small red circle above a big blue square left of a small green triangle": the
circle is above the square, and the square is left of the triangle. Size, colour and kind
words are the content words; each carries its gold region, the mask of the shape it
describes.
"""

from __future__ import annotations

from attention_viz.families.captioning.scenes import (
    COLOURS,
    SHAPES,
    SIZES,
    Scene,
    canonical,
    relation,
)

SPECIALS = ("<pad>", "<bos>", "<eos>")
PAD, BOS, EOS = 0, 1, 2
RELATIONS = ("above", "below", "left of", "right of")
WORDS = ("a", *SIZES, *COLOURS, *SHAPES, "above", "below", "left", "right", "of")
VOCAB = (*SPECIALS, *WORDS)
MAX_WORDS = 4 * 3 + 2 * 2  # three phrases and two two-word relations
KIND_OF = {
    **dict.fromkeys(SIZES, "size"),
    **dict.fromkeys(COLOURS, "colour"),
    **dict.fromkeys(SHAPES, "shape"),
}  # the content words; every other word has no gold region


def caption(scene: Scene) -> list[str]:
    """The scene's one correct caption, as words."""
    words, _ = caption_with_objects(scene)
    return words


def caption_with_objects(scene: Scene) -> tuple[list[str], list[int | None]]:
    """(words, for each word the index in scene.shapes of the shape it describes or None).

    Raises:
        ValueError: two shapes in caption order are too diagonal to name a relation.
    """
    ordered = canonical(scene.shapes)
    index = {id(s): i for i, s in enumerate(scene.shapes)}
    words: list[str] = []
    objects: list[int | None] = []
    for k, shape in enumerate(ordered):
        if k > 0:
            rel = relation(ordered[k - 1], shape)
            if rel is None:
                raise ValueError("two shapes are too diagonal for a caption")
            words.extend(rel.split())
            objects.extend([None] * len(rel.split()))
        words.extend(["a", *shape.words()])
        objects.extend([None, *[index[id(shape)]] * 3])
    return words, objects


def phrases(words: list[str]) -> list[tuple[int, tuple[str, str, str]]]:
    """The object phrases of any caption: (position of its size word, (size, colour, kind)).

    Tolerant of a model's mistakes: a phrase is any "a" followed by three words.
    """
    out = []
    for t, word in enumerate(words):
        if word == "a" and t + 3 < len(words):
            out.append((t + 1, (words[t + 1], words[t + 2], words[t + 3])))
    return out


def is_grammatical(words: list[str]) -> bool:
    """Whether words follow the grammar (not whether they describe any scene)."""
    t, n_phrases = 0, 0
    while True:
        if t + 4 > len(words) or words[t] != "a":
            return False
        size, colour, kind = words[t + 1 : t + 4]
        if size not in SIZES or colour not in COLOURS or kind not in SHAPES:
            return False
        t, n_phrases = t + 4, n_phrases + 1
        if t == len(words):
            return n_phrases <= 3
        rel = next((r for r in RELATIONS if words[t : t + len(r.split())] == r.split()), None)
        if rel is None:
            return False
        t += len(rel.split())


def encode(words: list[str]) -> list[int]:
    """Word ids (ValueError for a word outside the vocabulary)."""
    unknown = [w for w in words if w not in WORDS]
    if unknown:
        raise ValueError(f"words outside the vocabulary: {', '.join(unknown)}")
    return [VOCAB.index(w) for w in words]
