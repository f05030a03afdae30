"""A lecture path inside one URL parameter, so a link carries the whole path.

    ?path=default&stop=3          a named path (the shipped lecture), at its third stop
    ?path=v1.eJyrVkrOzy0oSi0...   a custom path: "v1." + urlsafe base64 of zlib(compact JSON)

The code is checked like a file (path.from_json) after it is unpacked; a code cut short or
changed in copying gets a PathError saying so, never a traceback.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib

from attention_viz.lecture.default_path import DEFAULT
from attention_viz.lecture.path import MAX_BYTES, LecturePath, PathError, from_json

PATH_PARAM = "path"  # URL parameter: a path's name or code
STOP_PARAM = "stop"  # URL parameter: the current stop, 1-based
NAMED: dict[str, LecturePath] = {"default": DEFAULT}
PREFIX = "v1."  # the code format's version
CODE_BODY = re.compile(r"[A-Za-z0-9_-]*")  # urlsafe base64 without padding
MAX_CODE = 16_000  # characters; a link much longer than this breaks in some servers and mailers


def encode(path: LecturePath) -> str:
    """The URL code of a path.

    Raises:
        PathError: when the code would be longer than MAX_CODE (share the JSON file instead).
    """
    packed = zlib.compress(path.to_json(indent=None).encode("utf-8"), 9)
    code = PREFIX + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")
    if len(code) > MAX_CODE:
        raise PathError(
            f"this path needs a {len(code):,}-character link, more than the {MAX_CODE:,} that "
            "links reliably carry; share it as a JSON file instead"
        )
    return code


def decode(code: str) -> LecturePath:
    """The path a URL code (or a name in NAMED) stands for.

    Raises:
        PathError: naming why the code cannot be read.
    """
    if code in NAMED:
        return NAMED[code]
    if not code.startswith(PREFIX):
        names = ", ".join(NAMED)
        raise PathError(f"not a lecture path: expected a name ({names}) or a code from a link")
    if len(code) > MAX_CODE:
        raise PathError(f"the path code is {len(code):,} characters; at most {MAX_CODE:,}")
    body = code[len(PREFIX) :]
    if not CODE_BODY.fullmatch(body):
        raise PathError(_corrupt("it has characters a code never has"))
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise PathError(_corrupt("it has characters a code never has")) from None
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(packed, MAX_BYTES + 1)
    except zlib.error:
        raise PathError(_corrupt("it does not unpack")) from None
    if len(text) > MAX_BYTES or inflater.unconsumed_tail:
        raise PathError(f"the path code unpacks to more than {MAX_BYTES:,} bytes")
    if not inflater.eof:
        raise PathError(_corrupt("it ends too early"))
    try:
        return from_json(text)
    except PathError as e:
        raise PathError(f"the path in the link is not valid: {e}") from None


def name_or_code(path: LecturePath) -> str:
    """What the URL's path parameter holds for this path: its name if it is a named one."""
    for name, named in NAMED.items():
        if named == path:
            return name
    return encode(path)


def _corrupt(why: str) -> str:
    return f"the path code in the link is corrupt ({why}); it was probably cut short in copying"
