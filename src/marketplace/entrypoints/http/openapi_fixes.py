"""Corrections to the generated OpenAPI document, so it states what the API really accepts.

Litestar does not mark msgspec's `forbid_unknown_fields` as `additionalProperties: false`, drops
the bounds of an integer inside a union (a price is an object or a bare amount), and drops a
`minimum` of 0. Clients and schemathesis read the document, so these are put back here.
"""

from __future__ import annotations

from typing import Any

from litestar.openapi.spec import OpenAPI, Reference, Schema
from litestar.openapi.spec.enums import OpenAPIType

from marketplace.entrypoints.http.schemas.common import Body

AMOUNT = Schema(type=OpenAPIType.INTEGER, minimum=1, maximum=1_000_000_000_000,
                description="integer minor units (whole rupiah for IDR)")
PRICE = Schema(one_of=[Reference(ref="#/components/schemas/MoneyBody"), AMOUNT])


def _bodies() -> set[str]:
    found, frontier = set(), [Body]
    while frontier:
        for sub in frontier.pop().__subclasses__():
            found.add(sub.__name__)
            frontier.append(sub)
    return found


def tighten(document: OpenAPI) -> None:
    schemas: dict[str, Any] = (document.components.schemas or {}) if document.components else {}
    for name in _bodies() & schemas.keys():
        schema = schemas[name]
        schema.additional_properties = False
        for field, prop in (schema.properties or {}).items():
            if field == "price":
                schema.properties[field] = PRICE
            elif field == "stock" and isinstance(prop, Schema):
                prop.minimum = 0
