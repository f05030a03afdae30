"""Lecture paths: JSON round trip, every validation message, link codes, the shipped path."""

import base64
import json
import random
import zlib

import pytest

from attention_viz.families import families
from attention_viz.lecture import DEFAULT, LecturePath, PathError, Stop, decode, encode, from_json
from attention_viz.lecture.pages import page_keys
from attention_viz.lecture.path import MAX_BYTES, checked
from attention_viz.lecture.share import MAX_CODE, PREFIX, name_or_code

SMALL = LecturePath(
    "Week 3 <b>attention</b>",
    (
        Stop("kernel_regression", {"bandwidth": "0.1"}, "Narrow *kernel*", ("one", "two"), "Why?"),
        Stop("", {}, "Home", (), ""),
        Stop("dates", {"text": "8/23/08 & <script>"}, "Dates", ("ünïcode ✓",), "Q"),
    ),
)


def raw(**changes) -> dict:
    """SMALL's JSON form with some fields replaced."""
    data = json.loads(SMALL.to_json())
    data.update(changes)
    return data


def raised(action, *args) -> str:
    """The message of the PathError that action(*args) raises."""
    with pytest.raises(PathError) as e:
        action(*args)
    return str(e.value)


def error_of(data) -> str:
    text = data if isinstance(data, str | bytes) else json.dumps(data)
    with pytest.raises(PathError) as e:
        from_json(text)
    return str(e.value)


def test_json_round_trip_keeps_every_field():
    assert from_json(SMALL.to_json()) == SMALL
    assert from_json(SMALL.to_json(indent=None).encode("utf-8")) == SMALL
    assert from_json(DEFAULT.to_json()) == DEFAULT
    assert json.loads(SMALL.to_json())["version"] == 1


def test_editing_returns_new_paths():
    moved = SMALL.moved(2, -1)
    assert [s.title for s in moved.stops] == ["Narrow *kernel*", "Dates", "Home"]
    assert SMALL.moved(0, -1) == SMALL  # clamped at the top
    assert [s.title for s in SMALL.moved(0, 5).stops] == ["Home", "Dates", "Narrow *kernel*"]
    assert [s.title for s in SMALL.removed(1).stops] == ["Narrow *kernel*", "Dates"]
    assert SMALL.added(Stop("memory", {}, "NTM")).stops[-1].page == "memory"
    assert SMALL.retitled("New").title == "New"
    assert SMALL.stops[0].title == "Narrow *kernel*"  # the original is unchanged
    assert "no stop 4; the path has 3" in raised(SMALL.removed, 3)
    assert "stop 2: 'title' is empty" in raised(SMALL.replaced, 1, Stop("", {}, "  "))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "not JSON: Expecting property name enclosed in double quotes at line 1"),
        (b"\xff\xfe{}", "the file is not UTF-8 text (byte 0)"),
        ("[1, 2]", "the file must hold a JSON object"),
        (raw(version=2), "unsupported version 2; this app reads version 1"),
        ({"title": "x", "stops": []}, "unsupported version None"),
        (raw(extra=1), "the file: unknown field 'extra'"),
        (raw(title=3), "the path: 'title' must be text, not a number"),
        (raw(title="x" * 121), "the path: 'title' is 121 characters; at most 120"),
        (raw(stops={}), "'stops' must be a list"),
        (raw(stops=[{"page": "dates", "title": "t"}] * 51), "51 stops; a lecture path has at"),
        (raw(stops=["dates"]), "stop 1: must be an object"),
        (raw(stops=[{"title": "t"}]), "stop 1: 'page' is missing"),
        (raw(stops=[{"page": "foo", "title": "t"}]), "stop 1: unknown page 'foo'; known pages: ''"),
        (raw(stops=[{"page": "dates", "title": "t"}, {"page": "dates", "title": None}]),
         "stop 2: 'title' must be text, not null"),
        (raw(stops=[{"page": "dates"}]), "stop 1: 'title' is missing"),
        (raw(stops=[{"page": "dates", "title": " "}]), "stop 1: 'title' is empty"),
        (raw(stops=[{"page": "dates", "title": "t", "colour": "red"}]),
         "stop 1: unknown field 'colour'"),
        (raw(stops=[{"page": "dates", "title": "t", "points": "one"}]),
         "stop 1: 'points' must be a list of text"),
        (raw(stops=[{"page": "dates", "title": "t", "points": ["p"] * 6}]),
         "stop 1: 6 talking points; at most 5"),
        (raw(stops=[{"page": "dates", "title": "t", "points": ["ok", "p" * 301]}]),
         "stop 1: talking point 2 is 301 characters; at most 300"),
        (raw(stops=[{"page": "dates", "title": "t", "question": ["?"]}]),
         "stop 1: 'question' must be text, not a list"),
        (raw(stops=[{"page": "dates", "title": "t", "params": []}]),
         "stop 1: 'params' must be an object of text values"),
        (raw(stops=[{"page": "dates", "title": "t", "params": {"step": 3}}]),
         "stop 1: parameter 'step' must be text, not a number"),
        (raw(stops=[{"page": "dates", "title": "t", "params": {"a-b": "1"}}]),
         "stop 1: parameter name 'a-b' is not a name"),
        (raw(stops=[{"page": "dates", "title": "t", "params": {"stop": "1"}}]),
         "stop 1: parameter 'stop' is the app's own"),
        (raw(stops=[{"page": "dates", "title": "t", "params": {"text": "x" * 2001}}]),
         "stop 1: parameter 'text' is 2,001 characters; at most 2,000"),
        (raw(stops=[{"page": "dates", "title": "t", "params": {f"k{i}": "" for i in range(41)}}]),
         "stop 1: 41 URL parameters; at most 40"),
    ],
)  # fmt: skip
def test_each_bad_file_gets_a_message_naming_the_problem(data, message):
    assert message in error_of(data)


def test_too_large_file_is_refused_before_parsing():
    text = " " * (MAX_BYTES + 1)
    assert (
        error_of(text) == f"the file is {MAX_BYTES + 1:,} bytes; a lecture path is at most 64,000"
    )


def test_link_code_round_trip_and_names():
    code = encode(SMALL)
    assert code.startswith(PREFIX)
    assert set(code[len(PREFIX) :]) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )  # nothing a URL needs to escape
    assert decode(code) == SMALL
    assert decode("default") == DEFAULT
    assert name_or_code(DEFAULT) == "default"
    assert name_or_code(SMALL) == code
    assert len(encode(DEFAULT)) < 0.6 * len(DEFAULT.to_json(indent=None))  # compact


def test_corrupt_codes_get_a_clear_message():
    code = encode(SMALL)
    cut, damaged = code[: len(code) // 2], PREFIX + "AAAA" + code[len(PREFIX) + 4 :]
    assert "corrupt (it ends too early); it was probably cut short" in raised(decode, cut)
    assert "corrupt (it does not unpack)" in raised(decode, damaged)
    assert "corrupt (it has characters a code never has)" in raised(decode, PREFIX + "abc$%^")
    assert "not a lecture path: expected a name (default)" in raised(decode, "mine")
    assert "at most 16,000" in raised(decode, PREFIX + "A" * MAX_CODE)


def test_a_valid_code_of_a_bad_path_names_the_stop():
    bad = raw(stops=[{"page": "dates", "title": "t"}, {"page": "nowhere", "title": "t"}])
    packed = zlib.compress(json.dumps(bad).encode())
    code = PREFIX + base64.urlsafe_b64encode(packed).decode().rstrip("=")
    assert "path in the link is not valid: stop 2: unknown page" in raised(decode, code)


def test_a_zip_bomb_code_is_refused():
    packed = zlib.compress(b'{"title": "' + b" " * 10 * MAX_BYTES + b'"}', 9)
    code = PREFIX + base64.urlsafe_b64encode(packed).decode().rstrip("=")
    assert len(code) < MAX_CODE
    assert "unpacks to more than 64,000 bytes" in raised(decode, code)


def test_a_path_too_long_for_a_link_says_to_share_the_file():
    rng = random.Random(0)
    noise = ["".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(500)) for _ in range(30)]
    big = checked(LecturePath("big", tuple(Stop("dates", {"text": t}, "s") for t in noise)))
    assert from_json(big.to_json()) == big  # fine as a file
    message = raised(encode, big)
    assert "-character link, more than the 16,000 that links reliably carry" in message
    assert "share it as a JSON file instead" in message


def test_an_edit_beyond_the_file_size_is_refused():
    stop = Stop("dates", {f"k{i}": "x" * 2000 for i in range(33)}, "huge")
    message = raised(SMALL.added, stop)
    assert message.startswith("the path is 6")
    assert message.endswith(" bytes as JSON; a lecture path is at most 64,000")


def test_default_path_covers_every_page_in_lecture_order():
    assert checked(DEFAULT) == DEFAULT
    pages = [s.page for s in DEFAULT.stops]
    assert set(pages) == set(page_keys())  # home and every family page
    first = {}
    for i, p in enumerate(pages):
        first.setdefault(p, i)
    order = ["", "kernel_regression", "dates", "translation", "selfattention", "transformer"]
    order += ["captioning", "memory"]
    assert sorted(first, key=first.get) == order
    for stop in DEFAULT.stops:
        assert 2 <= len(stop.points) <= 3, stop.title
        assert stop.question.endswith("?"), stop.title
    titles = " ".join(s.title.lower() for s in DEFAULT.stops)
    for topic in (
        "kernel width",
        "bottleneck",
        "alignment",
        "scoring",
        "scaling",
        "mask",
        "multi-head",
        "permutation",
        "positions",
        "induction",
        "image",
        "memory",
    ):
        assert topic in titles, topic  # fmt: skip
    assert len(families()) == len(set(pages)) - 1
