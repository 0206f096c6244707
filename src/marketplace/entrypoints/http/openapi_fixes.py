"""Corrections to the generated OpenAPI document, so it states what the API really accepts.

Litestar's generator loses constraints of request bodies: the items of a list of constrained strings,
the keys of a dict, the bounds of an integer inside a union (a price is an object or a bare amount),
`forbid_unknown_fields`. msgspec describes its own Structs exactly, so every request body's schema is
msgspec's. On top of that go the rules between fields that a Struct cannot say but the use cases
check (lat and lng come together, a message needs text or an attachment, ...), the required
Idempotency-Key, and the payloads the provider callbacks read. Clients and schemathesis read this.
"""

from __future__ import annotations

import copy
from typing import Any

import msgspec
from litestar.openapi.spec import OpenAPI, OpenAPIMediaType, Operation, Parameter, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType

from marketplace.application.ports.shipping import ShippingMethod
from marketplace.domain.media.kinds import RULES
from marketplace.entrypoints.http.schemas.common import Body
from marketplace.entrypoints.http.schemas.patterns import IDEMPOTENCY_KEY, UUID, stripped_text
from marketplace.entrypoints.http.webhook_payloads import PAYLOADS

MAX_AMOUNT = 1_000_000_000_000
_PRICES = ("min_price", "max_price")  # QueryParameter(ge=0): Litestar drops a bound of 0
_BOUNDS = ("minimum", "maximum", "exclusive_minimum", "exclusive_maximum", "min_length", "max_length", "pattern")


def _bodies() -> list[type[Body]]:
    found, frontier = [], [Body]
    while frontier:
        for sub in frontier.pop().__subclasses__():
            found.append(sub)
            frontier.append(sub)
    return found


def _between_fields(schemas: dict[str, Any]) -> None:
    """What the use cases check across fields, said in JSON Schema."""
    schemas["AddressBody"]["anyOf"] = [  # PostalAddress: both coordinates, or neither
        {"required": ["lat", "lng"], "properties": {"lat": {"type": "number"}, "lng": {"type": "number"}}},
        {"properties": {"lat": {"type": "null"}, "lng": {"type": "null"}}},
    ]
    schemas["LinkBody"]["not"] = {  # a link points at a product or a store, not both
        "required": ["product_id", "store_id"],
        "properties": {"product_id": {"type": "string"}, "store_id": {"type": "string"}},
    }
    schemas["SendMessageBody"]["anyOf"] = [  # text, or at least one attachment
        {"required": ["body"], "properties": {"body": {"pattern": stripped_text(1, c0_free_edges=False)}}},
        {"required": ["media_ids"], "properties": {"media_ids": {"minItems": 1}}},
    ]
    schemas["UploadBody"]["anyOf"] = [  # each purpose has its own largest size
        {"properties": {"purpose": {"const": purpose.value}, "size": {"maximum": rule.max_bytes}}}
        for purpose, rule in RULES.items()
    ]


def _within_fields(schemas: dict[str, Any], payout_minimum: int) -> None:
    """What the use cases check of one field that msgspec cannot say (or would say with a vaguer error)."""
    shipping = schemas["CheckoutBody"]["properties"]["shipping"]  # store ids -> the methods there are
    shipping["propertyNames"] = {"minLength": 36, "maxLength": 36, "pattern": UUID}
    shipping["additionalProperties"] = {"enum": [method.value for method in ShippingMethod]}
    for name in ("ProductBody", "ProductPatch"):  # a media id listed twice is refused
        schemas[name]["properties"]["media_ids"]["uniqueItems"] = True
    for name in ("BannerBody", "BannerPatch"):  # instants from 2000 to 2199 in UTC: local years 1999-2200
        for field in ("starts_at", "ends_at"):
            text = next(b for b in schemas[name]["properties"][field]["anyOf"] if b.get("type") == "string")
            text["pattern"] = r"^(?:1999|2[01][0-9]{2}|2200)-"
    amount = {
        "type": "integer",
        "minimum": payout_minimum,
        "maximum": MAX_AMOUNT,
        "description": f"integer minor units, at least the payout minimum ({payout_minimum})",
    }
    money = copy.deepcopy(schemas["MoneyBody"])
    money["properties"]["amount"] = amount
    schemas["PayoutBody"]["properties"]["amount"] = {"anyOf": [amount, money]}


def _operations(document: OpenAPI) -> list[Operation]:
    found: list[Operation] = []
    for item in (document.paths or {}).values():
        found.extend(op for op in (item.get, item.put, item.post, item.patch, item.delete) if op is not None)
    return found


def _inside_optional(schema: Schema) -> None:
    """Litestar puts an optional parameter's bounds beside its `oneOf: [T, null]`; generators read them
    better on T."""
    moved = {name: getattr(schema, name) for name in _BOUNDS if getattr(schema, name) is not None}
    for branch in schema.one_of or []:
        if isinstance(branch, Schema) and branch.type != OpenAPIType.NULL:
            for name, value in moved.items():
                setattr(branch, name, value)
    for name in moved if schema.one_of else ():
        setattr(schema, name, None)


def _parameter(parameter: Parameter) -> None:
    if not isinstance(parameter.schema, Schema):
        return
    if parameter.name in _PRICES:
        parameter.schema.minimum = 0
    if parameter.name == "Idempotency-Key":
        parameter.required = True  # check_key answers 422 without it
        parameter.schema = Schema(
            type=OpenAPIType.STRING,
            min_length=1,
            max_length=255,
            pattern=IDEMPOTENCY_KEY,
            description=parameter.description,
        )
    _inside_optional(parameter.schema)


def _parameters_and_payloads(document: OpenAPI) -> None:
    for operation in _operations(document):
        for parameter in operation.parameters or []:
            if isinstance(parameter, Parameter):
                _parameter(parameter)
        payload = PAYLOADS.get(operation.operation_id or "")
        if payload is not None:
            media = OpenAPIMediaType(schema=payload)  # type: ignore[arg-type]  # a JSON Schema as a dict
            operation.request_body = RequestBody(required=True, content={"application/json": media})


def tighten(document: OpenAPI, payout_minimum: int = 10_000) -> None:
    if document.components is None or document.components.schemas is None:
        return
    _, exact = msgspec.json.schema_components(_bodies(), ref_template="#/components/schemas/{name}")
    _between_fields(exact)
    _within_fields(exact, payout_minimum)
    document.components.schemas.update(exact)  # JSON Schema as dicts, served as they are
    _parameters_and_payloads(document)
