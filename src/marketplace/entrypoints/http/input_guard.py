"""JSON bodies no handler should ever see: nested deeper than 64 levels (malformed, docs/api.md,
Conventions), or holding the NUL character, which PostgreSQL's text cannot store.

It runs before the body is parsed, so a deep body cannot exhaust the decoder's recursion, and cheaply:
a body with few brackets and no `\\u0000` escape is passed after two counts.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ClientException

from marketplace.domain.shared.errors import InvalidValue

MAX_DEPTH = 64
NUL_ESCAPE = b"\\u0000"
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
RAW_BODIES = ("/api/v1/media/files/",)  # the local storage's upload route takes bytes, not JSON
NUL_MESSAGE = "must not contain the NUL character (U+0000)"


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in `body`, brackets inside strings not counted."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def nul_field(value: Any, path: str = "body") -> str | None:
    """Where a NUL character sits in decoded JSON (a key or a string), None when nowhere."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return where
        elif isinstance(item, dict):
            for key, child in item.items():
                if "\x00" in key:
                    return where
                stack.append((f"{where}.{key}" if where != "body" else key, child))
        elif isinstance(item, list):
            stack.extend((f"{where}[{index}]", child) for index, child in enumerate(item))
    return None


def check_json_body(body: bytes) -> None:
    if body.count(b"[") + body.count(b"{") > MAX_DEPTH and json_depth(body) > MAX_DEPTH:
        raise ClientException(f"the JSON body is nested deeper than {MAX_DEPTH} levels")  # 400 malformed-request
    if NUL_ESCAPE not in body:
        return
    try:
        decoded = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return  # malformed: the handler's own parsing says so
    field = nul_field(decoded)
    if field is not None:
        raise InvalidValue(field[:200], NUL_MESSAGE)


async def guard_input(request: Request[Any, Any, Any]) -> None:
    """Litestar's before-request hook for every route (a NUL in the path or query string is refused
    earlier, by the observing middleware)."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and not request.scope["path"].startswith(RAW_BODIES):
        check_json_body(await request.body())
