"""Inputs outside what the date models were trained on: years outside the generated range,
and a probe set of texts that are no date at all (for the low-confidence threshold).
"""

from __future__ import annotations

import random
import re

from attention_viz.families.dates import data, vocab

_NOT_DATES = (
    "christmas day", "christmas eve", "new year's day", "easter sunday", "halloween",
    "today", "tomorrow", "yesterday", "next friday", "last monday", "hello world",
    "my birthday", "the day after", "noon", "midnight", "the weekend", "spring", "autumn",
)  # fmt: skip


def off_distribution(n: int = 300, seed: int = 7) -> list[str]:
    """n inputs that are no date in any of data.FORMATS (the low-confidence threshold's probe).

    Holidays and relative days with and without a year, random letters, random digit runs
    of lengths no format has, and word salad with a year.
    """
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        kind = rng.randrange(4)
        year = rng.randrange(1900, 2100)
        if kind == 0:
            phrase = rng.choice(_NOT_DATES)
            text = phrase if rng.random() < 0.4 else f"{phrase} {year}"
        elif kind == 1:
            letters = "abcdefghijklmnopqrstuvwxyz"
            text = "".join(rng.choice(letters) for _ in range(rng.randrange(3, 16)))
        elif kind == 2:
            text = "".join(rng.choice("0123456789") for _ in range(rng.choice((1, 2, 3, 5, 7))))
        else:
            text = f"{rng.choice(_NOT_DATES)} {rng.choice(data.WEEKDAYS)} {year}"
        out.append(text[: vocab.MAX_INPUT_CHARS])
    return out


def year_outside_range(text: str) -> int | None:
    """A year the input names that lies outside data.FIRST_DATE..data.LAST_DATE, or None.

    A date in one of FORMATS whose year is out of range ("July 4, 1776"; data.parse refuses
    it), or any standalone 4-digit number outside the years ("1776 and all that").
    """
    found = data.match(text.strip())
    if found is not None and found[1].groupdict().get("year") is not None:
        year = int(found[1].group("year"))
        if not data.FIRST_DATE.year <= year <= data.LAST_DATE.year:
            return year
    for number in re.findall(r"(?<!\d)\d{4}(?!\d)", text):
        if not data.FIRST_DATE.year <= int(number) <= data.LAST_DATE.year:
            return int(number)
    return None
