"""Tables in and out: CSV text that spreadsheets open safely (a text cell starting with
= + - @, a tab or a carriage return is not run as a formula), and the input<TAB>expected
files `evaluate --file` reads."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def safe_cell(text: str) -> str:
    """Text a spreadsheet shows as text: a leading formula character gets a quote mark
    (OWASP's advice), except in a plain number such as -0.25, which stays a number."""
    if text[:1] in FORMULA_STARTS and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A CSV with a header line; text cells are made safe, numbers are written as they are."""
    out = io.StringIO()
    # RFC 4180 line ends: with "\r\n" as the terminator, the writer quotes any cell that
    # holds a CR or LF, so no cell can start a new spreadsheet row (and a formula in it).
    writer = csv.writer(out, lineterminator="\r\n")
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


MAX_FILE_BYTES = 20_000_000  # an input<TAB>expected file for `evaluate --file`


def read_pairs(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> list[tuple[int, str, str]]:
    """(line number, input, expected) from input<TAB>expected lines; '#' lines are comments.

    Raises:
        ValueError: the file is missing, too large, not text, or has a line without a tab.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no such file: {path}")
    if path.stat().st_size > max_bytes:
        raise ValueError(f"{path} is larger than {max_bytes // 1_000_000} MB")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"{path} is not UTF-8 text ({e.reason} at byte {e.start})") from e
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "\t" not in line:
            raise ValueError(f"{path}:{number}: expected input<TAB>expected, got {line[:60]!r}")
        source, expected = line.rsplit("\t", 1)
        pairs.append((number, source, expected.strip()))
    return pairs
