"""A lecture path: an ordered list of stops, each a page with its URL state and notes.

A stop is what a lecturer would otherwise keep as a bookmark plus a sticky note: which page,
the URL query parameters that restore its view, a title, two or three talking points and the
question to ask the room. A path travels as a small JSON file (to_json / from_json) or, packed,
inside one URL parameter (lecture.share). Everything read from outside is validated here, and
a bad file gets a PathError whose message names the stop and the field that is wrong.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from attention_viz.lecture.pages import page_keys

VERSION = 1  # the "version" field of the JSON form
MAX_BYTES = 64_000  # a path file (UTF-8) larger than this is refused
MAX_STOPS = 50
MAX_TITLE = 120  # characters, of a path's or a stop's title
MAX_POINTS = 5  # talking points per stop
MAX_POINT = 300  # characters, of one talking point or of the question
MAX_PARAMS = 40  # URL parameters per stop
MAX_VALUE = 2_000  # characters of one URL parameter value
KEY_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")
# The path's own URL parameters and the app-wide ones (the sidebar's): never part of a view.
RESERVED_PARAMS = ("path", "stop", "present", "export_format")


class PathError(ValueError):
    """A lecture path that cannot be used; the message names what is wrong."""


@dataclass(frozen=True)
class Stop:
    """One view of the lecture: a page, the URL parameters that restore it, and notes."""

    page: str  # a Family.key, or "" for the home page
    params: dict[str, str] = field(default_factory=dict)  # URL query parameters of the view
    title: str = ""
    points: tuple[str, ...] = ()  # talking points, for the lecturer
    question: str = ""  # the question to ask the room

    def to_dict(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "params": dict(self.params),
            "title": self.title,
            "points": list(self.points),
            "question": self.question,
        }


@dataclass(frozen=True)
class LecturePath:
    """An ordered list of stops with a title."""

    title: str
    stops: tuple[Stop, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "title": self.title,
            "stops": [s.to_dict() for s in self.stops],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The JSON form (from_json reads it back); indent=None gives the compact form."""
        separators = (",", ":") if indent is None else None
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, separators=separators)

    # Editing: each returns a new path, checked against the limits.

    def added(self, stop: Stop) -> LecturePath:
        return checked(replace(self, stops=(*self.stops, stop)))

    def removed(self, index: int) -> LecturePath:
        _check_index(self, index)
        return replace(self, stops=self.stops[:index] + self.stops[index + 1 :])

    def moved(self, index: int, offset: int) -> LecturePath:
        """Stop `index` moved by `offset` places (-1: up), clamped to the ends."""
        _check_index(self, index)
        target = min(max(index + offset, 0), len(self.stops) - 1)
        stops = list(self.stops)
        stops.insert(target, stops.pop(index))
        return replace(self, stops=tuple(stops))

    def replaced(self, index: int, stop: Stop) -> LecturePath:
        _check_index(self, index)
        return checked(replace(self, stops=(*self.stops[:index], stop, *self.stops[index + 1 :])))

    def retitled(self, title: str) -> LecturePath:
        return checked(replace(self, title=title))


def from_json(text: str | bytes) -> LecturePath:
    """Read a path file.

    Raises:
        PathError: naming what is wrong (size, JSON syntax, version, or stop and field).
    """
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_BYTES:
        raise PathError(f"the file is {size:,} bytes; a lecture path is at most {MAX_BYTES:,}")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            raise PathError(f"the file is not UTF-8 text (byte {e.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise PathError(f"not JSON: {e.msg} at line {e.lineno}, column {e.colno}") from None
    return from_dict(data)


def from_dict(data: Any) -> LecturePath:
    """A path from its parsed JSON form (see from_json)."""
    if not isinstance(data, dict):
        raise PathError("the file must hold a JSON object with 'version', 'title' and 'stops'")
    _known(data, {"version", "title", "stops"}, "the file")
    if data.get("version") != VERSION:
        raise PathError(
            f"unsupported version {data.get('version')!r}; this app reads version {VERSION}"
        )
    stops = data.get("stops")
    if not isinstance(stops, list):
        raise PathError("'stops' must be a list")
    if len(stops) > MAX_STOPS:
        raise PathError(f"{len(stops)} stops; a lecture path has at most {MAX_STOPS}")
    path = LecturePath(
        _text(data, "title", MAX_TITLE, "the path"),
        tuple(_stop(raw, f"stop {i}") for i, raw in enumerate(stops, start=1)),
    )
    return checked(path)


def checked(path: LecturePath) -> LecturePath:
    """The path itself, once every limit holds (titles, points, parameters, pages)."""
    if len(path.stops) > MAX_STOPS:
        raise PathError(f"{len(path.stops)} stops; a lecture path has at most {MAX_STOPS}")
    _limit(path.title, MAX_TITLE, "the path: 'title'")
    pages = page_keys()
    for i, s in enumerate(path.stops, start=1):
        where = f"stop {i}"
        if s.page not in pages:
            known = ", ".join(repr(p) for p in pages)
            raise PathError(f"{where}: unknown page {s.page!r}; known pages: {known}")
        _limit(s.title, MAX_TITLE, f"{where}: 'title'")
        if not s.title.strip():
            raise PathError(f"{where}: 'title' is empty")
        if len(s.points) > MAX_POINTS:
            raise PathError(f"{where}: {len(s.points)} talking points; at most {MAX_POINTS}")
        for k, point in enumerate(s.points, start=1):
            _limit(point, MAX_POINT, f"{where}: talking point {k}")
        _limit(s.question, MAX_POINT, f"{where}: 'question'")
        _check_params(s.params, where)
    size = len(path.to_json().encode("utf-8"))
    if size > MAX_BYTES:
        raise PathError(
            f"the path is {size:,} bytes as JSON; a lecture path is at most {MAX_BYTES:,}"
        )
    return path


def _stop(raw: Any, where: str) -> Stop:
    if not isinstance(raw, dict):
        raise PathError(f"{where}: must be an object with 'page', 'params', 'title', ...")
    _known(raw, {"page", "params", "title", "points", "question"}, where)
    if "page" not in raw:
        raise PathError(f"{where}: 'page' is missing")
    params = raw.get("params", {})
    if not isinstance(params, dict):
        raise PathError(f"{where}: 'params' must be an object of text values")
    for key, value in params.items():
        if not isinstance(value, str):
            raise PathError(f"{where}: parameter {key!r} must be text, not {_kind(value)}")
    points = raw.get("points", [])
    if not isinstance(points, list) or not all(isinstance(p, str) for p in points):
        raise PathError(f"{where}: 'points' must be a list of text")
    return Stop(
        page=_text(raw, "page", 40, where),
        params=dict(params),
        title=_text(raw, "title", MAX_TITLE, where),
        points=tuple(points),
        question=_text(raw, "question", MAX_POINT, where, required=False),
    )


def _check_params(params: dict[str, str], where: str) -> None:
    if len(params) > MAX_PARAMS:
        raise PathError(f"{where}: {len(params)} URL parameters; at most {MAX_PARAMS}")
    for key, value in params.items():
        if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
            raise PathError(
                f"{where}: parameter name {str(key)[:40]!r} is not a name "
                "(letters, digits and _, at most 40)"
            )
        if key in RESERVED_PARAMS:
            raise PathError(f"{where}: parameter {key!r} is the app's own, not part of a view")
        if not isinstance(value, str):
            raise PathError(f"{where}: parameter {key!r} must be text, not {_kind(value)}")
        if len(value) > MAX_VALUE:
            raise PathError(
                f"{where}: parameter {key!r} is {len(value):,} characters; at most {MAX_VALUE:,}"
            )


def _text(raw: dict, key: str, limit: int, where: str, required: bool = True) -> str:
    if key not in raw:
        if required:
            raise PathError(f"{where}: {key!r} is missing")
        return ""
    value = raw[key]
    if not isinstance(value, str):
        raise PathError(f"{where}: {key!r} must be text, not {_kind(value)}")
    _limit(value, limit, f"{where}: {key!r}")
    return value


def _limit(value: str, limit: int, what: str) -> None:
    if len(value) > limit:
        raise PathError(f"{what} is {len(value):,} characters; at most {limit:,}")


def _known(raw: dict, fields: set[str], where: str) -> None:
    unknown = sorted(set(raw) - fields)
    if unknown:
        raise PathError(
            f"{where}: unknown field {unknown[0]!r}; expected {', '.join(sorted(fields))}"
        )


def _kind(value: Any) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _check_index(path: LecturePath, index: int) -> None:
    if not 0 <= index < len(path.stops):
        raise PathError(f"no stop {index + 1}; the path has {len(path.stops)}")
