"""The authorization matrix: every operation of the served OpenAPI document, called by every role with
party A's ids (buyer A's orders, seller A's store, ...), answers what authorization_table.py says:
success only for the roles allowed, 401 / 403 / 404 exactly for everyone else, never a 5xx, and no
stranger's successful answer carries party A's private ids. On SQLite (the embedded default) and on
PostgreSQL + Redis."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from marketplace.entrypoints.container import build_container
from marketplace.entrypoints.http.app import create_app
from marketplace.entrypoints.settings import Settings
from tests.integration.web.authorization_table import OK, TABLE, Rule
from tests.integration.web.conftest import Api
from tests.integration.world import ROLES, World, build_world

METHODS = ("get", "put", "post", "patch", "delete")
PARTY_A = ("seller_a", "buyer_a")
STRANGERS = ("anonymous", "buyer_b", "seller_b", "staff")  # admins may see more, by design
PRIVATE_TO_A = (
    "address_a",
    "spare_address_a",
    "other_address_a",
    "checkout_a_",
    "order_a_",
    "line_a_",
    "conversation_a",
    "message_a",
    "media_private",
    "media_uploaded",
    "draft_a",
    "store_suspended",
    "logout_token_a",
    "refresh_buyer_a",
)
# Ids others are shown by design, and that open nothing to them (every order operation answers them 404):
# a review names the order line it verifies; an affiliate's commission names the order it was earned on.
SHOWN = {"listProductReviews": ("order_a_completed", "line_a_completed"), "listCommissions": ("order_a_completed",)}
STORE_ORDER_ACTIONS = ("accept", "reject", "ship", "cancel-shipment")


@dataclass(frozen=True)
class Call:
    operation: str
    role: str
    expected: Any
    status: int
    content_type: str
    text: str

    @property
    def allowed(self) -> bool:
        return self.expected == OK

    def failure(self, rule: Rule) -> str | None:
        if self.status >= 500:
            return "a server error"
        if self.allowed:
            return None if self.status < 400 or self.status in rule.passes else "refused an allowed role"
        if self.status < 400:
            return "an unauthorized success"
        if self.status != self.expected:
            return f"expected {self.expected}"
        if not self.content_type.startswith("application/problem+json"):
            return "a refusal that is not problem details"
        return None


def operations_of(document: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {
        op["operationId"]: (method.upper(), path)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }


def test_the_table_names_every_operation_of_the_document() -> None:
    settings = Settings.in_memory(password_hash_profile="light")
    document = create_app(settings, build_container(settings)).openapi_schema.to_schema()
    served = operations_of(document).keys()
    missing, stale = sorted(served - TABLE.keys()), sorted(TABLE.keys() - served)
    assert not missing, f"operations with no entry in authorization_table.TABLE (say who may call them): {missing}"
    assert not stale, f"entries of authorization_table.TABLE for operations the document no longer has: {stale}"


async def _sessions(world: World) -> None:
    """Spare refresh tokens: one per role to refresh with, and one of buyer A's for everyone to log out with."""
    for role in ROLES[1:]:
        world.ids[f"refresh_{role}"] = (await world.session(role))["refresh_token"]
    world.ids["refresh_anonymous"] = (await world.session("staff"))["refresh_token"]
    world.ids["logout_token_a"] = (await world.session("buyer_a"))["refresh_token"]
    world.ids["problem_code"] = "not-found"


async def _probe(world: World, operation: str) -> None:
    """Before party A's own calls: what others did left A's resource as it was. (Elsewhere party A's own
    call, made last and required to succeed, shows it: a paid order someone else cancelled would be 409.)"""
    if operation == "logOut":  # others answered 204 with buyer A's token: it must still refresh
        refreshed = await world.call(
            "POST", "/api/v1/auth/refresh", "anonymous", {"refresh_token": world.ids["logout_token_a"]}, expect=None
        )
        assert refreshed is not None and "access_token" in refreshed, "another user's logout revoked buyer A's session"


def _path(template: str, rule: Rule, world: World) -> str:
    path = template
    for name, key in rule.params.items():
        path = path.replace("{" + name + "}", world.ids[key])
    assert "{" not in path, f"no id for a placeholder of {template}"
    return path


async def _call(world: World, operation: str, method: str, path: str, rule: Rule, role: str) -> Call:
    body = rule.body(world, role) if rule.body else None
    headers = {**world.auth(role), "Idempotency-Key": uuid.uuid4().hex}
    response = await world.client.request(method, path, headers=headers, json=body, follow_redirects=False)
    return Call(
        operation,
        role,
        rule.outcomes[role],
        response.status_code,
        response.headers.get("content-type", ""),
        response.text,
    )


def _leaks(world: World, call: Call) -> list[str]:
    if call.role not in STRANGERS or call.status >= 300:
        return []
    shown = SHOWN.get(call.operation, ())
    private = [value for key, value in world.ids.items() if key.startswith(PRIVATE_TO_A) and not key.startswith(shown)]
    private.append(world.users["buyer_a"].email)
    return [value for value in private if value in call.text]


async def _matrix(world: World, operations: dict[str, tuple[str, str]]) -> list[tuple[Call, str]]:
    failures: list[tuple[Call, str]] = []
    calls = 0
    for operation, rule in TABLE.items():
        method, template = operations[operation]
        path = _path(template, rule, world)
        refused = [role for role in ROLES if rule.outcomes[role] != OK]
        allowed = sorted((role for role in ROLES if rule.outcomes[role] == OK), key=lambda r: r in PARTY_A)
        probed = False
        for role in refused + allowed:
            if role in PARTY_A and not probed:
                await _probe(world, operation)
                probed = True
            call = await _call(world, operation, method, path, rule, role)
            calls += 1
            problem = call.failure(rule) or (f"a leak of {leaked}" if (leaked := _leaks(world, call)) else None)
            if problem:
                failures.append((call, problem))
    _report(calls, failures)
    return failures


async def _cross_store(world: World) -> list[tuple[Call, str]]:
    """Seller B names their own store with an order of store A's: that order is not in their store (404)."""
    failures = []
    rule = Rule(outcomes={"seller_b": 404})
    for action in ("", *STORE_ORDER_ACTIONS):
        path = f"/api/v1/stores/{world.ids['store_b']}/orders/{world.ids['order_a_completed']}"
        method = "GET" if not action else "POST"
        call = await _call(
            world, f"{method} .../{action or 'order'}", method, f"{path}/{action}".rstrip("/"), rule, "seller_b"
        )
        if problem := call.failure(rule):
            failures.append((call, problem))
    return failures


def _report(calls: int, failures: list[tuple[Call, str]]) -> None:
    unauthorized = sum(1 for _, problem in failures if problem == "an unauthorized success")
    errors = sum(1 for _, problem in failures if problem == "a server error")
    print(
        f"\nauthorization matrix: {len(TABLE)} operations x {len(ROLES)} roles = {calls} calls; "
        f"unauthorized successes: {unauthorized}; 5xx: {errors}; other mismatches: "
        f"{len(failures) - unauthorized - errors}"
    )


@pytest.mark.parametrize("api", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
async def test_every_role_gets_exactly_what_the_table_says_on_every_operation(api: Api) -> None:
    world = await build_world(api.client, api.make_admin)
    await _sessions(world)
    operations = operations_of((await api.client.get("/schema/openapi.json")).json())
    assert operations.keys() == TABLE.keys(), "see test_the_table_names_every_operation_of_the_document"
    failures = await _matrix(world, operations) + await _cross_store(world)
    assert not failures, "\n".join(
        f"{call.operation} as {call.role}: {problem}, got {call.status} {call.text[:160]}" for call, problem in failures
    )
