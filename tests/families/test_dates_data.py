"""The date generator: formats, two-digit years, gold spans, the split by date, the parser."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from attention_viz.families.dates import data, outside, vocab


def test_at_least_twenty_formats_and_the_books():
    assert len(data.FORMATS) >= 20
    rng = random.Random(0)
    day = dt.date(1994, 9, 27)
    book = {
        data.render(data.FORMAT_BY_NAME[n], day, rng, case, noise=False).text
        for n in ("month d, yyyy", "weekday, month d, yyyy", "m/d/yy", "mon d, yyyy")
        for case in ("title", "lower", "upper")
    }
    for text in ("september 27, 1994", "September 27, 1994", "9/27/94", "SEP 27, 1994",
                 "TUESDAY, SEPTEMBER 27, 1994", "tuesday, september 27, 1994"):  # fmt: skip
        assert text in book


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2/10/93", "1993-02-10"),
        ("10/31/90", "1990-10-31"),
        ("1/1/00", "2000-01-01"),
        ("12/31/68", "2068-12-31"),
        ("1/1/69", "1969-01-01"),
        ("TUESDAY, SEPTEMBER 25, 1984", "1984-09-25"),
        ("JUN 17, 2013", "2013-06-17"),
        ("thursday, november 22, 1990", "1990-11-22"),
        ("25 sept 1984", "1984-09-25"),
        ("the 3rd of May, 1999", "1999-05-03"),
        ("3.4.1938", "1938-04-03"),
        ("25-Sep-1984", "1984-09-25"),
        ("Sept 25 '84", "1984-09-25"),
        ("March 29 1993", "1993-03-29"),
        ("October  24, 1974", "1974-10-24"),
    ],
)
def test_parse_reads_known_formats(text, iso):
    example = data.parse(text)
    assert example is not None and example.target == iso


def test_two_digit_years_follow_posix():
    assert data.two_digit_year(69) == 1969
    assert data.two_digit_year(99) == 1999
    assert data.two_digit_year(0) == 2000
    assert data.two_digit_year(68) == 2068


def test_two_digit_formats_only_for_representable_years():
    for e in data.generate(3000, "train", seed=5, formats=("m/d/yy", "d-mon-yy")):
        assert 1969 <= int(e.target[:4]) <= 2068


def test_gold_spans_carry_the_fields():
    for e in data.generate(2000, "train", seed=1):
        assert len(e.text) <= vocab.MAX_INPUT_CHARS
        y, m, d = (int(x) for x in e.target.split("-"))
        year = e.text[slice(*e.spans["year"])]
        assert int(year) % 100 == y % 100 and len(year) in (2, 4)
        month = e.text[slice(*e.spans["month"])].lower()
        assert int(month) == m if month.isdigit() else data.MONTHS[m - 1].startswith(month[:3])
        day = e.text[slice(*e.spans["day"])].lower()
        assert int(day.rstrip("stndrh")) == d
        assert len(e.output_spans()) == data.OUTPUT_CHARS
        parsed = data.parse(e.text)  # the parser finds the same spans back
        assert (parsed.target, parsed.spans) == (e.target, e.spans)


def test_every_format_and_case_is_generated():
    seen = {(e.format, e.text == e.text.upper()) for e in data.generate(5000, "val", seed=2)}
    assert {f for f, _ in seen} == set(data.FORMAT_BY_NAME)


def test_split_is_by_date_and_disjoint():
    train, val, test = (set(data.split_dates(s).tolist()) for s in ("train", "val", "test"))
    assert not train & test and not train & val and not val & test
    total = (data.LAST_DATE - data.FIRST_DATE).days + 1
    assert len(train) + len(val) + len(test) == total
    train_dates = {e.target for e in data.generate(3000, "train", seed=3)}
    test_dates = {e.target for e in data.generate(3000, "test", seed=data.TEST_SEED)}
    assert not train_dates & test_dates
    assert all(data.split_of(dt.date.fromisoformat(t)) == "test" for t in test_dates)


def test_generation_is_reproducible():
    assert data.generate(50, "train", seed=9) == data.generate(50, "train", seed=9)
    assert data.generate(50, "train", seed=9) != data.generate(50, "train", seed=10)


def test_calendar_check():
    assert vocab.is_real_date("2024-02-29")
    assert not vocab.is_real_date("2023-02-29")
    assert not vocab.is_real_date("1984-13-01")
    assert not vocab.is_real_date("1984-1-01")


@pytest.mark.parametrize("text", ["", "   ", "x" * (vocab.MAX_INPUT_CHARS + 1)])
def test_check_input_refuses_empty_and_too_long(text):
    with pytest.raises(ValueError, match=r"empty|at most 40"):
        vocab.check_input(text)


def test_unknown_characters_map_to_unk():
    ids, lens, unknown = vocab.encode_sources(["Sep 25, 1984 🎉", "é"])
    unk = vocab.SOURCE_VOCAB.index(vocab.UNK)
    assert unknown == [[13], [0]]
    assert ids[0, 13] == unk and ids[1, 0] == unk
    assert lens.tolist() == [14, 1]
    assert ids[1, 1:].tolist() == [0] * 13  # right-padded with <pad> = 0


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("July 4, 1776", 1776),
        ("1776-07-04", 1776),
        ("17760704", 1776),
        ("the spirit of 1776", 1776),
        ("March 3, 2150", 2150),
        ("July 4, 1976", None),
        ("5/6/77", None),  # two-digit years are always in range
        ("christmas day 2024", None),
    ],
)
def test_year_outside_range(text, year):
    assert outside.year_outside_range(text) == year


def test_off_distribution_inputs_are_no_date_and_fixed():
    probes = outside.off_distribution()
    assert probes == outside.off_distribution()  # fixed by its seed
    assert len(probes) == 300 and len(set(probes)) > 200
    assert all(data.parse(t) is None for t in probes)
    assert all(0 < len(t) <= vocab.MAX_INPUT_CHARS for t in probes)
