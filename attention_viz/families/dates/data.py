"""Dates written in many human formats, paired with ISO YYYY-MM-DD and the gold field spans.

A format is a template such as "{Weekday}, {Month} {d}, {yyyy}". The generator renders it for a
date and records which input characters carry the year, the month and the day; the parser
matches the same templates back, so a typed date in a known format gets its gold spans too.

Dates run from 1900-01-01 to 2099-12-31 and are split by date (train / val / test) with a
fixed permutation: a test date never appears in training, in any format. Two-digit years
follow the POSIX rule (69-99 -> 19xx, 00-68 -> 20xx); numeric dates with slashes or
dashes are month-first.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
from dataclasses import dataclass

import numpy as np

from attention_viz.families.dates.vocab import MAX_INPUT_CHARS

FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2099, 12, 31)
OUTPUT_CHARS = 10  # "YYYY-MM-DD"
FIELDS = ("year", "month", "day")
# The field each output character comes from (None for the dashes).
OUTPUT_FIELDS: tuple[str | None, ...] = (
    ("year",) * 4 + (None,) + ("month",) * 2 + (None,) + ("day",) * 2
)

MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
MONTH_ABBR = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_ABBR = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

SPLIT_SEED = 20_240_917  # fixes which dates are train / val / test; never change it
SPLIT_FRACTIONS = {"train": 0.8, "val": 0.1, "test": 0.1}
VAL_SEED = 1_000_003  # format choices of the validation set used during training
TEST_SEED = 2_000_029  # fresh test data: a seed no training run uses


@dataclass(frozen=True)
class Format:
    name: str
    family: str  # one example button per family on the page
    template: str
    cases: tuple[str, ...] = ("title", "lower", "upper")
    book: bool = False  # a format of the book's dataset/date.txt


FORMATS: tuple[Format, ...] = (
    Format("month d, yyyy", "month name", "{Month} {d}, {yyyy}", book=True),
    Format("mon d, yyyy", "month name", "{Mon} {d}, {yyyy}", book=True),
    Format("weekday, month d, yyyy", "weekday", "{Weekday}, {Month} {d}, {yyyy}", book=True),
    Format("m/d/yy", "US numeric", "{m}/{d}/{yy}", ("title",), book=True),
    Format("m/d/yyyy", "US numeric", "{m}/{d}/{yyyy}", ("title",)),
    Format("mm/dd/yyyy", "US numeric", "{mm}/{dd}/{yyyy}", ("title",)),
    Format("mm-dd-yyyy", "US numeric", "{mm}-{dd}-{yyyy}", ("title",)),
    Format("m-d-yyyy", "US numeric", "{m}-{d}-{yyyy}", ("title",)),
    Format("yyyy-mm-dd", "ISO", "{yyyy}-{mm}-{dd}", ("title",)),
    Format("yyyy/mm/dd", "ISO", "{yyyy}/{mm}/{dd}", ("title",)),
    Format("yyyymmdd", "ISO", "{yyyy}{mm}{dd}", ("title",)),
    Format("d.m.yyyy", "European", "{d}.{m}.{yyyy}", ("title",)),
    Format("dd.mm.yyyy", "European", "{dd}.{mm}.{yyyy}", ("title",)),
    Format("dd-mon-yyyy", "European", "{dd}-{Mon}-{yyyy}"),
    Format("d-mon-yy", "European", "{d}-{Mon}-{yy}"),
    Format("d month yyyy", "European", "{d} {Month} {yyyy}"),
    Format("d mon yyyy", "European", "{d} {Mon} {yyyy}"),
    Format("ddmonyyyy", "European", "{dd}{Mon}{yyyy}", ("upper", "lower")),
    Format("dth month yyyy", "ordinal", "{dth} {Month} {yyyy}"),
    Format("the dth of month, yyyy", "ordinal", "the {dth} of {Month}, {yyyy}"),
    Format("month dth, yyyy", "ordinal", "{Month} {dth}, {yyyy}"),
    Format("wkd, mon d, yyyy", "weekday", "{Wkd}, {Mon} {d}, {yyyy}"),
    Format("weekday d month yyyy", "weekday", "{Weekday} {d} {Month} {yyyy}"),
    Format("weekday, the dth of month yyyy", "weekday", "{Weekday}, the {dth} of {Month} {yyyy}"),
    Format("mon. d, yyyy", "month name", "{Mon}. {d}, {yyyy}"),
    Format("mon d 'yy", "month name", "{Mon} {d} '{yy}"),
)
FORMAT_BY_NAME = {f.name: f for f in FORMATS}
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(f.family for f in FORMATS))

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_FIELD_OF = {
    "yyyy": "year", "yy": "year", "m": "month", "mm": "month", "Month": "month", "Mon": "month",
    "d": "day", "dd": "day", "dth": "day", "Weekday": "weekday", "Wkd": "weekday",
}  # fmt: skip


@dataclass(frozen=True)
class Example:
    """One input with its ISO target and the [start, end) span of each field in `text`."""

    text: str
    target: str  # "YYYY-MM-DD"
    spans: dict[str, tuple[int, int]]  # "year", "month", "day" (and "weekday" when written)
    format: str  # a FORMATS name

    def output_spans(self) -> list[tuple[int, int] | None]:
        """Gold source span of each of the 10 output characters (None for the dashes)."""
        return [None if f is None else self.spans[f] for f in OUTPUT_FIELDS]


def ordinal(day: int) -> str:
    """1 -> "1st", 22 -> "22nd", 13 -> "13th"."""
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def two_digit_year(yy: int) -> int:
    """POSIX rule: 69-99 -> 1969-1999, 00-68 -> 2000-2068."""
    return 1900 + yy if yy >= 69 else 2000 + yy


def can_render(fmt: Format, date: dt.date) -> bool:
    """Two-digit years only stand for 1969-2068."""
    return "{yy}" not in fmt.template or 1969 <= date.year <= 2068


def render(
    fmt: Format, date: dt.date, rng: random.Random, case: str = "title", noise: bool = True
) -> Example:
    """Write `date` in `fmt`, recording each field's span.

    noise: sometimes drop a comma or double a space (the "missing commas, extra spaces" of
    real input); never makes the text longer than MAX_INPUT_CHARS.
    """
    pieces: list[tuple[str, str | None]] = []  # (text, field)
    pos = 0
    for m in _PLACEHOLDER.finditer(fmt.template):
        pieces.append((_literal(fmt.template[pos : m.start()], rng, noise), None))
        pieces.append((_field_text(m.group(1), date, rng), _FIELD_OF[m.group(1)]))
        pos = m.end()
    pieces.append((_literal(fmt.template[pos:], rng, noise), None))
    text, spans = "", {}
    for piece, field in pieces:
        if field is not None:
            spans[field] = (len(text), len(text) + len(piece))
        text += piece
    if len(text) > MAX_INPUT_CHARS:
        return render(fmt, date, rng, case, noise=False)
    text = {"title": text, "lower": text.lower(), "upper": text.upper()}[case]  # ASCII: same len
    return Example(text, date.isoformat(), spans, fmt.name)


def _literal(text: str, rng: random.Random, noise: bool) -> str:
    if not noise:
        return text
    if "," in text and rng.random() < 0.15:
        text = text.replace(",", "")
    if " " in text and rng.random() < 0.1:
        text = text.replace(" ", "  ", 1)
    return text


def _field_text(placeholder: str, date: dt.date, rng: random.Random) -> str:
    y, m, d = date.year, date.month, date.day
    match placeholder:
        case "yyyy":
            return f"{y:04d}"
        case "yy":
            return f"{y % 100:02d}"
        case "m":
            return str(m)
        case "mm":
            return f"{m:02d}"
        case "d":
            return str(d)
        case "dd":
            return f"{d:02d}"
        case "dth":
            return ordinal(d)
        case "Month":
            return MONTHS[m - 1].title()
        case "Mon":
            return "Sept" if m == 9 and rng.random() < 0.4 else MONTH_ABBR[m - 1].title()
        case "Weekday":
            return WEEKDAYS[date.weekday()].title()
        case "Wkd":
            return WEEKDAY_ABBR[date.weekday()].title()
    raise ValueError(f"unknown placeholder {{{placeholder}}}")


# --- the split by date ---


@functools.cache
def _split_ordinals() -> dict[str, np.ndarray]:
    first, last = FIRST_DATE.toordinal(), LAST_DATE.toordinal()
    ordinals = np.random.default_rng(SPLIT_SEED).permutation(np.arange(first, last + 1))
    n_train = round(len(ordinals) * SPLIT_FRACTIONS["train"])
    n_val = round(len(ordinals) * SPLIT_FRACTIONS["val"])
    return {
        "train": np.sort(ordinals[:n_train]),
        "val": np.sort(ordinals[n_train : n_train + n_val]),
        "test": np.sort(ordinals[n_train + n_val :]),
    }


def split_dates(split: str) -> np.ndarray:
    """Proleptic Gregorian ordinals of the dates in "train", "val" or "test"."""
    if split not in SPLIT_FRACTIONS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLIT_FRACTIONS)}")
    return _split_ordinals()[split]


def split_of(date: dt.date) -> str:
    o = date.toordinal()
    for name, ordinals in _split_ordinals().items():
        i = np.searchsorted(ordinals, o)
        if i < len(ordinals) and ordinals[i] == o:
            return name
    raise ValueError(f"{date} is outside {FIRST_DATE}..{LAST_DATE}")


def generate(
    n: int, split: str, seed: int, formats: tuple[str, ...] | None = None
) -> list[Example]:
    """n examples: dates drawn uniformly from the split, each in a random format and case.

    Args:
        formats: restrict to these FORMATS names (default: all).
    """
    rng = random.Random(seed)
    ordinals = split_dates(split)
    pool = [FORMAT_BY_NAME[name] for name in formats] if formats else list(FORMATS)
    out = []
    while len(out) < n:
        date = dt.date.fromordinal(int(ordinals[rng.randrange(len(ordinals))]))
        fmt = pool[rng.randrange(len(pool))]
        if can_render(fmt, date):
            out.append(render(fmt, date, rng, rng.choice(fmt.cases)))
    return out


def example_of_family(family: str, seed: int = 0) -> Example:
    """One test-split example written in a format of `family` (the page's example buttons)."""
    names = tuple(f.name for f in FORMATS if f.family == family)
    if not names:
        raise ValueError(f"unknown format family {family!r}; choose one of {', '.join(FAMILIES)}")
    return generate(1, "test", seed, names)[0]


# --- parsing typed input back into fields (for gold spans and targets of typed dates) ---


@functools.cache
def _patterns() -> list[tuple[Format, re.Pattern[str]]]:
    names = "|".join(sorted(MONTHS + MONTH_ABBR + ("sept",), key=len, reverse=True))
    days = "|".join(sorted(WEEKDAYS + WEEKDAY_ABBR, key=len, reverse=True))
    regex = {
        "yyyy": r"(?P<year>\d{4})", "yy": r"(?P<yy>\d{2})", "m": r"(?P<month>\d{1,2})",
        "mm": r"(?P<month>\d{2})", "d": r"(?P<day>\d{1,2})", "dd": r"(?P<day>\d{2})",
        "dth": r"(?P<day>\d{1,2})(?:st|nd|rd|th)", "Month": f"(?P<month_name>{names})",
        "Mon": f"(?P<month_name>{names})", "Weekday": f"(?P<weekday>{days})",
        "Wkd": f"(?P<weekday>{days})",
    }  # fmt: skip
    out = []
    for fmt in FORMATS:
        parts, pos = [], 0
        for m in _PLACEHOLDER.finditer(fmt.template):
            parts.append(_literal_regex(fmt.template[pos : m.start()]))
            parts.append(regex[m.group(1)])
            pos = m.end()
        parts.append(_literal_regex(fmt.template[pos:]))
        out.append((fmt, re.compile("".join(parts), re.IGNORECASE)))
    return out


def _literal_regex(text: str) -> str:
    return "".join(",?" if c == "," else " +" if c == " " else re.escape(c) for c in text)


def match(text: str) -> tuple[Format, re.Match[str]] | None:
    """The first of FORMATS whose pattern matches all of `text`, and the match (or None)."""
    for fmt, pattern in _patterns():
        m = pattern.fullmatch(text)
        if m is not None:
            return fmt, m
    return None


def parse(text: str) -> Example | None:
    """Read `text` if it is written in one of FORMATS; None if not, or if it is no real date.

    The "ordinal" suffix belongs to the day span; a day-first ("dth") match spans the suffix.
    """
    found = match(text)
    if found is None:
        return None
    fmt, m = found
    groups = m.groupdict()
    if groups.get("yy") is not None:
        year, year_span = two_digit_year(int(groups["yy"])), m.span("yy")
    else:
        year, year_span = int(groups["year"]), m.span("year")
    if groups.get("month_name") is not None:
        name = groups["month_name"].lower()
        month = 9 if name == "sept" else (MONTHS + MONTH_ABBR).index(name) % 12 + 1
        month_span = m.span("month_name")
    else:
        month, month_span = int(groups["month"]), m.span("month")
    day_start, day_end = m.span("day")
    if "{dth}" in fmt.template:
        day_end += 2
    try:
        date = dt.date(year, month, int(groups["day"]))
    except ValueError:
        return None
    if not FIRST_DATE <= date <= LAST_DATE:
        return None
    spans = {"year": year_span, "month": month_span, "day": (day_start, day_end)}
    if groups.get("weekday") is not None:
        spans["weekday"] = m.span("weekday")
    return Example(text, date.isoformat(), spans, fmt.name)
