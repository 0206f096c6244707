"""Keyset positions of each product sort, shared by every CatalogQueries adapter.

`newest`: id descending (UUIDv7 ids sort by creation). `price_asc` / `price_desc`: the lowest
variant price, then id. `rating`: the average in hundredths (unrated = -1, so last), then id.
`relevance`: an offset, since ranks are computed per query.
"""

from __future__ import annotations

from typing import Any

from marketplace.application.catalog.views import ProductQuery, Sort
from marketplace.application.shared.cursor import decode_cursor, encode_cursor
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.ids import is_id

KIND = "products"


def position_of(query: ProductQuery) -> dict[str, Any] | None:
    """The decoded cursor, checked to belong to this sort."""
    position = decode_cursor(query.cursor, kind=KIND)
    if position is None:
        return None
    if position.get("s") != query.sort.value:
        raise InvalidValue("cursor", "was made for another sort")
    expected = {"o"} if query.sort is Sort.RELEVANCE else ({"id"} if query.sort is Sort.NEWEST else {"id", "v"})
    if not expected <= position.keys():
        raise InvalidValue("cursor", "is not a cursor this list made")
    for name in expected:
        if not isinstance(position[name], int if name in {"o", "v"} else str):
            raise InvalidValue("cursor", "is not a cursor this list made")
    if "id" in position and not is_id(position["id"]):
        raise InvalidValue("cursor", "is not a cursor this list made")
    if "o" in position and position["o"] < 0:
        raise InvalidValue("cursor", "is not a cursor this list made")
    return position


def next_cursor(query: ProductQuery, *, last_id: str, last_value: int | None, offset: int) -> str:
    base: dict[str, Any] = {"k": KIND, "s": query.sort.value}
    if query.sort is Sort.RELEVANCE:
        base["o"] = offset
    else:
        base["id"] = last_id
        if query.sort is not Sort.NEWEST:
            base["v"] = last_value
    return encode_cursor(base)


def search_terms(q: str | None) -> list[str]:
    """Lower-case words of letters and digits; what every adapter matches on."""
    if not q:
        return []
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in q).split()
    return list(dict.fromkeys(words))[:10]
