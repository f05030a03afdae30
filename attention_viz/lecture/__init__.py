"""Lecture paths: ordered stops through the pages, as JSON files and shareable links.

from attention_viz.lecture import DEFAULT, LecturePath, Stop, decode, encode, from_json
path = DEFAULT.added(Stop("dates", {"text": "8/23/08"}, "A short date"))
from_json(path.to_json()) == path        # True
decode(encode(path)) == path             # the ?path= code of a link
"""

from attention_viz.lecture.default_path import DEFAULT
from attention_viz.lecture.path import LecturePath, PathError, Stop, from_json
from attention_viz.lecture.share import NAMED, PATH_PARAM, STOP_PARAM, decode, encode

__all__ = [
    "DEFAULT",
    "NAMED",
    "PATH_PARAM",
    "STOP_PARAM",
    "LecturePath",
    "PathError",
    "Stop",
    "decode",
    "encode",
    "from_json",
]
