"""Pointing accuracy: does the attention for a size, colour or shape word fall on that shape?

A word's gold region is the set of grid regions its shape touches, dilated by one region
(shapes cut across region borders, and a 3x3 convolution already mixes neighbours). A word
points right when the region with its largest weight lies in that set.

Shape symbols: S shapes, P image side, G grid side, T words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from attention_viz.families.captioning import captions
from attention_viz.families.captioning.scenes import Scene, canonical
from attention_viz.prediction import Prediction


def region_masks(masks: np.ndarray, grid: int) -> np.ndarray:
    """(S, P, P) pixel masks -> (S, G, G): True where a region holds any pixel of the shape."""
    S, P, _ = masks.shape
    k = P // grid
    return masks.reshape(S, grid, k, grid, k).any(axis=(2, 4))


def dilate(mask: np.ndarray) -> np.ndarray:
    """(..., G, G) bool grown by one region in every direction (3x3, diagonals included)."""
    padded = np.pad(mask, [(0, 0)] * (mask.ndim - 2) + [(1, 1), (1, 1)])
    G0, G1 = mask.shape[-2:]
    out = np.zeros_like(mask)
    for dr in range(3):
        for dc in range(3):
            out |= padded[..., dr : dr + G0, dc : dc + G1]
    return out


def word_objects(words: Sequence[str], scene: Scene) -> list[int | None]:
    """For each word of any caption, the index in scene.shapes of the shape it describes.

    A phrase "a SIZE COLOUR KIND" is matched to the unused shape that shares most of its
    words, ties going to the shape at the phrase's place in caption order, so a caption with
    one wrong word still has its other words scored. Non-content words get None.
    """
    order = [scene.shapes.index(s) for s in canonical(scene.shapes)]
    out: list[int | None] = [None] * len(words)
    used: set[int] = set()
    for k, (start, phrase) in enumerate(captions.phrases(list(words))):
        free = [i for i in range(len(scene.shapes)) if i not in used]
        if not free:
            break
        place = order[k] if k < len(order) else None

        def agreement(i: int, phrase=phrase, place=place) -> tuple[int, bool]:
            same = sum(a == b for a, b in zip(phrase, scene.shapes[i].words(), strict=True))
            return same, i == place

        best = max(free, key=agreement)
        used.add(best)
        for t in range(start, start + 3):
            if words[t] in captions.KIND_OF:
                out[t] = best
    return out


def pointing(
    attention: np.ndarray, words: Sequence[str], scene: Scene, masks: np.ndarray
) -> dict[str, list[bool]]:
    """Hits of each content word, by kind ("size", "colour", "shape").

    Args:
        attention: (T, G, G) weights of the caption's words; masks: (S, P, P) from render.
    """
    gold = dilate(region_masks(masks, attention.shape[-1]))  # (S, G, G)
    hits: dict[str, list[bool]] = {"size": [], "colour": [], "shape": []}
    for t, obj in enumerate(word_objects(words, scene)):
        if obj is None:
            continue
        peak = np.unravel_index(int(attention[t].argmax()), attention[t].shape)
        hits[captions.KIND_OF[words[t]]].append(bool(gold[obj][peak]))
    return hits


def pointing_rate(hits: dict[str, list[bool]]) -> float | None:
    every = [h for v in hits.values() for h in v]
    return float(np.mean(every)) if every else None


@dataclass
class Analysis:
    """One image captioned, with what a page or a notebook shows beside the caption."""

    prediction: Prediction  # attention (T, G, G) or None
    gold_caption: list[str] | None  # None for an image that is not a generated scene
    word_masks: list[np.ndarray | None]  # per word, the (P, P) mask of its gold shape
    hits: dict[str, list[bool]] | None  # pointing hits by word kind (None: nothing to score)

    @property
    def exact(self) -> bool | None:
        return (
            None
            if self.gold_caption is None
            else self.prediction.target_tokens == self.gold_caption
        )

    @property
    def pointing(self) -> float | None:
        return None if self.hits is None else pointing_rate(self.hits)


def analyse(model, image, scene: Scene | None = None, masks=None, beam: int = 1) -> Analysis:
    """Caption an image; with its scene and masks, score the caption and its pointing."""
    p = model.predict(image, beam=beam)
    if scene is None or masks is None:
        return Analysis(p, None, [None] * len(p.target_tokens), None)
    objects = word_objects(p.target_tokens, scene)
    word_masks = [None if o is None else masks[o] for o in objects]
    hits = None if p.attention is None else pointing(p.attention, p.target_tokens, scene, masks)
    return Analysis(p, captions.caption(scene), word_masks, hits)
