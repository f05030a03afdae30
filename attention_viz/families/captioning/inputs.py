"""Images in: numpy arrays, PIL images, files and uploads, checked and resized for the model.

Every refusal is a ValueError whose message names the limit, for the page and the CLI.
Files are decoded by Pillow (never by hand); decompression bombs and corrupt files are refused.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from attention_viz.families.captioning.scenes import IMAGE_SIZE, random_scene, render

MAX_FILE_BYTES = 5_000_000  # uploads and files larger than this are refused
MAX_PIXELS = 4096 * 4096  # decoded images larger than this are refused
FORMATS = ("PNG", "JPEG")
OUTSIDE_NOTE = (
    "This image is not one of the generated scenes: the model has only ever seen 64×64 "
    "pictures of one to three flat circles, squares and triangles in six colours on a light "
    "grey background. Whatever it writes here is a guess outside what it learned."
)


def to_array(image) -> tuple[np.ndarray, list[str]]:
    """A numpy (H, W, 3|4) / (H, W) array or a PIL image -> ((P, P, 3) uint8, warnings).

    Another size is resized (with a warning); grey and RGBA images are converted to RGB.
    """
    notes: list[str] = []
    if isinstance(image, Image.Image):
        pil = image
    elif isinstance(image, np.ndarray):
        pil = _from_array(image)
    else:
        raise ValueError(
            f"expected an image (numpy array or PIL image), got {type(image).__name__}"
        )
    if pil.width * pil.height > MAX_PIXELS:
        raise ValueError(f"the image has {pil.width}×{pil.height} pixels; the limit is 4096×4096")
    if pil.mode != "RGB":
        pil = _flatten(pil)
    if pil.size != (IMAGE_SIZE, IMAGE_SIZE):
        notes.append(
            f"resized from {pil.width}×{pil.height} to {IMAGE_SIZE}×{IMAGE_SIZE} pixels "
            "(the model's input size)"
        )
        pil = pil.resize((IMAGE_SIZE, IMAGE_SIZE), Image.BILINEAR, reducing_gap=2.0)
    return np.asarray(pil, dtype=np.uint8).copy(), notes


def _from_array(a: np.ndarray) -> Image.Image:
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if not (a.ndim == 2 or (a.ndim == 3 and a.shape[2] in (3, 4))):
        raise ValueError(
            f"expected an array of shape (H, W, 3), (H, W, 4) or (H, W), got {a.shape}"
        )
    if min(a.shape[:2]) < 1:
        raise ValueError(f"the image is empty (shape {a.shape})")
    if a.shape[0] * a.shape[1] > MAX_PIXELS:
        raise ValueError(f"the image has {a.shape[1]}×{a.shape[0]} pixels; the limit is 4096×4096")
    if a.dtype != np.uint8:
        if not np.issubdtype(a.dtype, np.number) or not np.isfinite(a).all():
            raise ValueError("expected finite numbers as pixel values")
        peak = float(a.max()) if a.size else 0.0
        scale = 255.0 if peak <= 1.0 else 1.0  # floats in [0, 1] or values in [0, 255]
        a = np.clip(a * scale, 0, 255).round().astype(np.uint8)
    return Image.fromarray(np.ascontiguousarray(a))


def _flatten(pil: Image.Image) -> Image.Image:
    """RGB on a white background for images with transparency; plain RGB otherwise."""
    if pil.mode in ("RGBA", "LA", "PA") or (pil.mode == "P" and "transparency" in pil.info):
        rgba = pil.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return pil.convert("RGB")


def decode(data: bytes, name: str = "the file") -> Image.Image:
    """PNG or JPEG bytes -> a fully decoded PIL image; ValueError for anything else."""
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(
            f"{name} is {len(data) / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB"
        )
    if not data:
        raise ValueError(f"{name} is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            pil = Image.open(io.BytesIO(data), formats=list(FORMATS))
            if pil.width * pil.height > MAX_PIXELS:
                raise ValueError(
                    f"{name} is {pil.width}×{pil.height} pixels; the limit is 4096×4096"
                )
            pil.load()  # decode now: a truncated file fails here, not later
    except UnidentifiedImageError:
        raise ValueError(f"{name} is not a PNG or JPEG image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValueError(f"{name} decodes to too many pixels; the limit is 4096×4096") from None
    except (OSError, SyntaxError, EOFError) as e:
        raise ValueError(f"{name} is corrupt or truncated ({e})") from None
    return pil


def read_input(text: str):
    """CLI text -> an image: "scene:SEED" is a generated test scene, anything else a path."""
    if text.startswith("scene:"):
        try:
            seed = int(text.split(":", 1)[1])
        except ValueError:
            raise ValueError(f"expected scene:SEED with a whole number, got {text!r}") from None
        if not 0 <= seed < 2**31:
            raise ValueError(f"the scene seed must be from 0 to {2**31 - 1}")
        return render(random_scene(seed))[0]
    path = Path(text)
    if not path.is_file():
        raise ValueError(f"no such image file: {text} (or give --scene SEED)")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"{text} is larger than {MAX_FILE_BYTES / 1e6:.0f} MB")
    return decode(path.read_bytes(), text)


def describe(p) -> str:
    """The caption and, per word, the region it attended to most (for the CLI)."""
    lines = [p.text]
    for line in p.warnings:
        lines.append(f"note: {line}")
    if p.attention is not None:
        grid_w = p.attention.shape[2]
        lines.append("")
        lines.append("word        top region (row, col)  weight")
        for word, weights in zip(p.target_tokens, p.attention, strict=True):
            j = int(weights.argmax())
            r, c = divmod(j, grid_w)
            lines.append(f"{word:<10}  ({r}, {c}){'':<16}{float(weights.flat[j]):.3f}")
    else:
        lines.append("(this model has no attention: it reads the mean of all regions)")
    return "\n".join(lines)
