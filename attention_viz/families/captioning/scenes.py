"""Generated scenes: one to three coloured shapes on a lightly textured background.

A scene holds at most one circle, one square and one triangle, each in one of six colours
and two sizes, at positions where they neither overlap nor sit too diagonally to name.

Everything is deterministic: a scene is a list of shapes (kind, colour, size, centre) and a
seed for the background texture; `render` draws it with Pillow (4x supersampled, so edges
are anti-aliased) and returns each shape's gold mask beside the pixels.

Split (stated here, used by training and evaluation): a scene's *layout* is the set of
coarse 4x4 cells (16 px each; 8x8 cells for one-shape scenes) that hold its shapes'
centres. A fixed hash of the layout puts 10% of layouts in "test", 10% in "val" and the
rest in "train", so test scenes place their shapes in arrangements training never showed.
Test figures come from seeds training never uses (TEST_SEED and up).

Shape symbols: N scenes, S shapes in a scene, P image side in pixels (64), G grid side (8).
"""

from __future__ import annotations

import itertools
import zlib
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

IMAGE_SIZE = 64  # P: scenes are P x P RGB
SUPERSAMPLE = 4  # drawn at 4P and reduced: anti-aliased edges
SHAPES = ("circle", "square", "triangle")
COLOURS = {
    "red": (220, 40, 40),
    "green": (40, 160, 60),
    "blue": (40, 80, 220),
    "yellow": (235, 205, 30),
    "purple": (140, 60, 180),
    "orange": (245, 135, 20),
}
SIZES = {"small": 12, "big": 22}  # side of the shape's bounding box, in pixels
MAX_SHAPES = 3
SHAPE_COUNT_P = (0.1, 0.35, 0.55)  # chance of 1, 2, 3 shapes
GAP = 3  # minimum pixels between two shapes' bounding boxes
MARGIN = 2  # minimum pixels between a shape and the image border
MIN_SEPARATION = 12  # pixels along the axis a relation names
DOMINANCE = 1.5  # that axis' offset must be at least this times the other one
COARSE = 4  # layout cells per side (the split's unit)
SPLITS = ("train", "val", "test")
TRAIN_SEED, VAL_SEED, TEST_SEED = 0, 5_000, 10_000  # test seeds are never used in training


@dataclass(frozen=True)
class Shape:
    kind: str  # one of SHAPES
    colour: str  # one of COLOURS
    size: str  # one of SIZES
    x: int  # centre, pixels from the left
    y: int  # centre, pixels from the top

    @property
    def side(self) -> int:
        return SIZES[self.size]

    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) in pixels."""
        h = self.side / 2
        return self.x - h, self.y - h, self.x + h, self.y + h

    def words(self) -> tuple[str, str, str]:
        return self.size, self.colour, self.kind


@dataclass(frozen=True)
class Scene:
    shapes: tuple[Shape, ...]
    texture_seed: int = 0  # the background's grey level and noise
    tint: tuple[tuple[int, int, int], ...] = ()  # per shape: small colour jitter (or none)

    def rgb(self, i: int) -> tuple[int, int, int]:
        """The colour shape i is drawn in."""
        base = COLOURS[self.shapes[i].colour]
        d = self.tint[i] if i < len(self.tint) else (0, 0, 0)
        return tuple(int(np.clip(c + e, 0, 255)) for c, e in zip(base, d, strict=True))


def render(scene: Scene) -> tuple[np.ndarray, np.ndarray]:
    """Draw a scene.

    Returns:
        (image (P, P, 3) uint8, masks (S, P, P) bool): mask i is where shape i covers at
        least half of a pixel.
    """
    P = IMAGE_SIZE
    rng = np.random.default_rng(scene.texture_seed)
    grey = int(rng.integers(200, 246))
    noise = rng.integers(-6, 7, size=(P, P, 1))  # light texture, the same in every channel
    image = np.clip(grey + noise, 0, 255).astype(np.float32).repeat(3, axis=2)  # (P, P, 3)
    masks = np.zeros((len(scene.shapes), P, P), dtype=bool)
    for i, shape in enumerate(scene.shapes):
        left, top = int(np.floor(shape.box()[0])), int(np.floor(shape.box()[1]))
        alpha = coverage(shape, left, top)  # (h, w) in [0, 1]
        h, w = alpha.shape
        window = image[top : top + h, left : left + w]  # (h, w, 3), a view
        colour = np.array(scene.rgb(i), dtype=np.float32)
        window += alpha[..., None] * (colour - window)  # alpha blending, in place
        masks[i, top : top + h, left : left + w] = alpha >= 0.5
    return np.rint(image).astype(np.uint8), masks


def coverage(shape: Shape, left: int, top: int) -> np.ndarray:
    """How much of each pixel of the shape's box (from pixel (left, top)) the shape covers.

    Drawn with Pillow at SUPERSAMPLE times the size and averaged down, so edges are
    anti-aliased. Returns (side + 1, side + 1) floats in [0, 1].
    """
    k, n = SUPERSAMPLE, shape.side + 1
    big = Image.new("L", (n * k, n * k), 0)
    x0, y0, x1, y1 = ((v - o) * k for v, o in zip(shape.box(), (left, top, left, top), strict=True))
    draw = ImageDraw.Draw(big)
    box = (x0, y0, x1 - 1, y1 - 1)
    if shape.kind == "circle":
        draw.ellipse(box, fill=255)
    elif shape.kind == "square":
        draw.rectangle(box, fill=255)
    elif shape.kind == "triangle":
        draw.polygon([(x0, y1 - 1), (x1 - 1, y1 - 1), ((x0 + x1) / 2, y0)], fill=255)
    else:
        raise ValueError(f"unknown shape {shape.kind!r}; one of {', '.join(SHAPES)}")
    alpha = np.asarray(big.reduce(k), dtype=np.float32) / 255.0  # (n, n)
    h, w = min(n, IMAGE_SIZE - top), min(n, IMAGE_SIZE - left)
    return alpha[:h, :w]


def canonical(shapes: tuple[Shape, ...] | list[Shape]) -> tuple[Shape, ...]:
    """The order captions mention shapes in: circle, then square, then triangle.

    A scene has at most one shape of each kind, so this is a strict order. It depends on
    what the shapes are, never on where they are, so the word order and the layout
    disagree and the decoder has to look for each shape.
    """
    return tuple(sorted(shapes, key=lambda s: SHAPES.index(s.kind)))


def relation(a: Shape, b: Shape) -> str | None:
    """Where a is relative to b ("left of", "right of", "above", "below"); None if the
    offset is too small or too diagonal to say."""
    dx, dy = b.x - a.x, b.y - a.y
    big, small = max(abs(dx), abs(dy)), min(abs(dx), abs(dy))
    if big < MIN_SEPARATION or big < DOMINANCE * small:
        return None
    if abs(dx) > abs(dy):
        return "left of" if dx > 0 else "right of"
    return "above" if dy > 0 else "below"


def problems(shapes: tuple[Shape, ...] | list[Shape]) -> list[str]:
    """Why a list of shapes is not a valid scene (empty list: it is one)."""
    out = []
    if not 1 <= len(shapes) <= MAX_SHAPES:
        out.append(f"a scene has 1 to {MAX_SHAPES} shapes, not {len(shapes)}")
    for i, s in enumerate(shapes):
        left, top, right, bottom = s.box()
        if min(left, top) < MARGIN or max(right, bottom) > IMAGE_SIZE - MARGIN:
            out.append(f"shape {i + 1} ({' '.join(s.words())}) reaches past the image's edge")
    for i, a in enumerate(shapes):
        for j in range(i + 1, len(shapes)):
            if _overlap(a, shapes[j]):
                out.append(f"shapes {i + 1} and {j + 1} overlap (or are closer than {GAP} px)")
    kinds = [s.kind for s in shapes]
    for kind in sorted({k for k in kinds if kinds.count(k) > 1}):
        out.append(f"there are {kinds.count(kind)} {kind}s: a scene has at most one of each kind")
    ordered = canonical(shapes)
    for a, b in itertools.pairwise(ordered):
        if relation(a, b) is None:
            out.append(
                f"the {a.colour} {a.kind} and the {b.colour} {b.kind} are too close to diagonal: "
                f"move one so that it is clearly left, right, above or below the other"
            )
    return out


def _overlap(a: Shape, b: Shape) -> bool:
    al, at, ar, ab = a.box()
    bl, bt, br, bb = b.box()
    return not (ar + GAP <= bl or br + GAP <= al or ab + GAP <= bt or bb + GAP <= at)


def layout_split(shapes: tuple[Shape, ...] | list[Shape]) -> str:
    """'train', 'val' or 'test' from the coarse cells of the shapes' centres (see above).

    One-shape scenes use cells half as wide (8 x 8 of them): 16 layouts are too few for a
    tenth of them to land in "test".
    """
    cell = IMAGE_SIZE // (COARSE if len(shapes) > 1 else 2 * COARSE)
    layout = sorted((s.y // cell, s.x // cell) for s in shapes)
    bucket = zlib.crc32(repr(layout).encode()) % 10
    return "test" if bucket == 0 else "val" if bucket == 1 else "train"


def sample_scene(rng: np.random.Generator, split: str | None = None, n_shapes: int | None = None):
    """One random valid scene (of `split`, and with n_shapes shapes, when given)."""
    while True:
        n = n_shapes or int(rng.choice([1, 2, 3], p=SHAPE_COUNT_P))
        kinds = rng.choice(SHAPES, size=n, replace=False)
        colours = rng.choice(list(COLOURS), size=n)
        sizes = rng.choice(list(SIZES), size=n)
        shapes: list[Shape] = []
        for kind, colour, size in zip(
            kinds.tolist(), colours.tolist(), sizes.tolist(), strict=True
        ):
            half = SIZES[size] // 2
            lo, hi = MARGIN + half, IMAGE_SIZE - MARGIN - half
            for _ in range(100):
                x, y = (int(v) for v in rng.integers(lo, hi + 1, size=2))
                candidate = Shape(kind, colour, size, x, y)
                if not any(_overlap(candidate, s) for s in shapes):
                    shapes.append(candidate)
                    break
        if len(shapes) < n or problems(shapes):
            continue
        if split is not None and layout_split(shapes) != split:
            continue
        tint = tuple(tuple(int(v) for v in rng.integers(-12, 13, size=3)) for _ in shapes)
        return Scene(tuple(shapes), int(rng.integers(2**31)), tint)


def random_scene(seed: int, split: str = "test", n_shapes: int | None = None) -> Scene:
    """The scene a seed names (the page's "random" and the CLI's --scene)."""
    return sample_scene(np.random.default_rng([seed, 7]), split, n_shapes)


def generate(n: int, split: str, seed: int) -> list[Scene]:
    """n scenes of one split."""
    rng = np.random.default_rng(seed)
    return [sample_scene(rng, split) for _ in range(n)]


def described(description: tuple) -> Scene:
    """A scene from a plain description (what a page keeps in its URL, never pixels):
    ("random", seed, n_shapes or 0) or ("builder", seed, ((kind, colour, size, x, y), ...)).

    Raises:
        ValueError: the shapes do not make a valid scene (the message says why).
    """
    kind, seed, rest = description
    if kind == "random":
        return random_scene(seed, "test", rest or None)
    shapes = tuple(Shape(*spec) for spec in rest)
    found = problems(shapes)
    if found:
        raise ValueError("; ".join(found))
    return Scene(shapes, texture_seed=seed)
