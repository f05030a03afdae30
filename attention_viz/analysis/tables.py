"""CSV text that spreadsheets open safely: a text cell starting with = + - @ is not run."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

import numpy as np

FORMULA_STARTS = ("=", "+", "-", "@")


def safe_cell(text: str) -> str:
    """Text a spreadsheet shows as text: a leading formula character gets a quote mark."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A CSV with a header line; text cells are made safe, numbers are written as they are."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in (header, *rows):
        writer.writerow([safe_cell(c) if isinstance(c, str) else c for c in row])
    return out.getvalue()


def matrix_csv(header: Sequence[str], matrix: np.ndarray, row_labels: Iterable[str]) -> str:
    """A labelled matrix (e.g. attention weights, (T_q, T_k)): one line per row label."""
    rows = (
        [label, *(float(f"{v:.6g}") for v in row)]
        for label, row in zip(row_labels, matrix, strict=True)
    )
    return csv_text(header, rows)
