"""schemathesis against the served app, on the embedded default and on PostgreSQL + Redis: no 5xx, and
every answer conforms to the document (status code, content type, response schema).

The fuzzer gets real data to work on: the world of tests/integration/world.py (stores, products with
variants, paid orders in every state, a conversation, media, CMS content, affiliate links). Each
operation is called by a role the authorization table allows, with the ids the table names in its
path; a valid case's body names real things too; webhooks carry their provider's token. What every
operation answered is tallied: the last test fails when an operation's use case never ran (only
refusals answered), and prints which were only ever answered 404 or 422, and the 422s given to cases
valid by the schema (where the schema may be looser than the validation).
"""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from tests.integration.serving import command, environment, served
from tests.integration.web.authorization_table import OK, TABLE, Rule
from tests.integration.world import ADDRESS, PASSWORD, World, build_world

pytestmark = pytest.mark.slow
XENDIT_TOKEN, GOSEND_TOKEN = "fuzz-xendit-callback-token-" + "x" * 16, "fuzz-gosend-webhook-token-" + "g" * 16
CALLERS = ("buyer_a", "seller_a", "admin", "buyer_b", "seller_b", "staff", "anonymous")
WEBHOOKS = {
    "xenditInvoiceCallback": {"x-callback-token": XENDIT_TOKEN},
    "xenditRefundCallback": {"x-callback-token": XENDIT_TOKEN},
    "xenditPayoutCallback": {"x-callback-token": XENDIT_TOKEN},
    "gosendBookingEvent": {"Authorization": GOSEND_TOKEN},
}
# What a valid body names, by world id name (a dict value is a dict of them). Store A's pickup address
# stays where its orders can be shipped from: the courier refuses other routes (a 502, see shipStoreOrder).
BODY_IDS: dict[str, dict[str, Any]] = {
    "updateStore": {"pickup_address": ADDRESS},
    "createProduct": {"category_id": "category"},
    "updateProduct": {"category_id": "category"},
    "createCategory": {"parent_id": "category"},
    "addToCart": {"variant_id": "variant_a2"},
    "quoteCheckout": {"address_id": "address_b"},
    "createCheckout": {"address_id": "address_a", "shipping": {"store_a": "instant"}},
    "openConversation": {"store_id": "store_a", "product_id": "product_a", "order_id": "order_a_completed"},
    "markConversationRead": {"up_to_message_id": "message_a"},
    "createReferralLink": {"product_id": "product_a"},
    "logOut": {"refresh_token": "logout_token_a"},
    "refreshSession": {"refresh_token": "refresh_buyer_a"},
}
PATHS = {"changeAddress": {"address_id": "other_address_a"}}  # address_a stays where store A delivers
# Buyer A checks the cart out (createCheckout comes first): buyer B, with a cart, asks for quotes; buyer B
# has the approved commission to be paid.
CALLERS_OF = {"quoteCheckout": "buyer_b", "requestAffiliatePayout": "buyer_b"}
REFUSALS = {400, 401, 403, 404, 405, 422}  # answers given before the use case does anything
TALLY: dict[str, dict[str, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))
DEEP_422: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))


@dataclass(frozen=True)
class Deployment:
    name: str
    base: str
    world: World


def _env(request: pytest.FixtureRequest) -> dict[str, str]:
    tokens = {"MARKETPLACE_XENDIT_CALLBACK_TOKEN": XENDIT_TOKEN, "MARKETPLACE_GOSEND_WEBHOOK_TOKEN": GOSEND_TOKEN}
    if request.param == "embedded":
        return tokens
    return {
        **tokens,
        "MARKETPLACE_DATABASE_URL": request.getfixturevalue("postgres_url"),
        "MARKETPLACE_REDIS_URL": request.getfixturevalue("redis_url"),
        "MARKETPLACE_REDIS_PREFIX": f"fuzz:{uuid.uuid4().hex}:",
        "MARKETPLACE_JWT_SECRET": "fuzz-signing-key-with-at-least-32-characters",
        "MARKETPLACE_SANDBOX": "on",
    }


async def _world(base: str, data_dir: Path, env: dict[str, str]) -> World:
    async def make_admin(email: str) -> None:
        created = await asyncio.to_thread(
            subprocess.run,
            command("admin", "create", "--email", email, "--password", PASSWORD),
            env=environment(data_dir, env),
            capture_output=True,
            text=True,
        )
        assert created.returncode == 0, created.stderr

    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        world = await build_world(client, make_admin)
        world.ids["refresh_buyer_a"] = (await world.session("buyer_a"))["refresh_token"]
        world.ids["logout_token_a"] = (await world.session("buyer_a"))["refresh_token"]
    world.ids["problem_code"] = "not-found"
    return world


@pytest.fixture(
    scope="module", params=["embedded", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.redis])]
)
def deployment(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    env, data_dir = _env(request), tmp_path_factory.mktemp(f"fuzz-{request.param}")
    with served(data_dir, env) as base:
        yield Deployment(request.param, base, asyncio.run(_world(base, data_dir, env)))


def _caller(rule: Rule) -> str:
    return next(role for role in CALLERS if rule.outcomes[role] == OK)


def _ids(world: World, value: Any) -> Any:
    if isinstance(value, dict):
        return {_ids(world, key): _ids(world, item) for key, item in value.items()}
    return world.ids.get(value, value)


def _operation(world: World, operation: str, rule: Rule) -> dict[str, Any]:
    headers = WEBHOOKS.get(operation) or world.auth(CALLERS_OF.get(operation) or _caller(rule))
    paths = {**rule.params, **PATHS.get(operation, {})}
    parameters = {f"path.{name}": world.ids[key] for name, key in paths.items()}
    return {"include-operation-id": operation, "headers": headers, **({"parameters": parameters} if parameters else {})}


def _config(world: World) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            # A NUL is refused in any body by design (docs/api.md: PostgreSQL text cannot hold it): a 422 every time.
            "generation": {"allow-x00": False},
            "operations": [_operation(world, operation, rule) for operation, rule in TABLE.items()],
        }
    )


@pytest.fixture(scope="module")
def api_schema(deployment: Deployment) -> Any:
    return schemathesis.openapi.from_url(f"{deployment.base}/schema/openapi.json", config=_config(deployment.world))


schema = schemathesis.pytest.from_fixture("api_schema")


def _with_real_ids(case: Any, world: World) -> None:
    """A valid case's body names real things where it names any (an invalid case keeps what it has)."""
    operation = case.operation.schema.get_operation_id(case.operation)
    meta = case.meta
    if isinstance(case.body, dict) and meta is not None and meta.generation.mode.value == "positive":
        real = {field: _ids(world, key) for field, key in BODY_IDS.get(operation, {}).items()}
        if operation == "logIn":
            real = {"email": world.users["buyer_a"].email, "password": PASSWORD}
        case.body.update({field: value for field, value in real.items() if field in case.body})


def _tally(deployment: str, case: Any, response: Any) -> None:
    if case.method.upper() != case.operation.method.upper():
        return  # the coverage phase's calls with other methods (405) say nothing about the operation
    operation = case.operation.schema.get_operation_id(case.operation) or case.operation.label
    TALLY[deployment][operation][response.status_code] += 1
    meta = case.meta
    if response.status_code == 422 and meta is not None and meta.generation.mode.value == "positive":
        errors = response.json().get("errors") or [{"field": "?", "message": response.json().get("detail")}]
        DEEP_422[deployment][operation][f"{errors[0]['field']}: {errors[0]['message']}"[:120]] += 1


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx_or_breaks_its_schema(case: Any, deployment: Deployment) -> None:
    _with_real_ids(case, deployment.world)
    response = case.call()
    _tally(deployment.name, case, response)
    case.validate_response(
        response,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )


def test_every_operation_runs_its_use_case(deployment: Deployment) -> None:
    """Reads what the fuzz test above tallied on this deployment (run them together)."""
    tally = TALLY[deployment.name]
    if not tally:
        pytest.skip("the fuzz test did not run on this deployment in this session")
    lines = [
        f"{operation:28} {sum(c.values()):4} cases  past 404/422: "
        f"{sum(n for s, n in c.items() if s not in (404, 422)):4}  2xx/3xx: "
        f"{sum(n for s, n in c.items() if s < 400):4}  {dict(sorted(c.items()))}"
        for operation, c in sorted(tally.items())
    ]
    print(f"\n[{deployment.name}] answers per operation:\n" + "\n".join(lines))
    for operation, messages in sorted(DEEP_422[deployment.name].items()):
        print(f"[{deployment.name}] {operation}: 422 for a case valid by the schema: {messages.most_common(3)}")
    stuck = sorted(op for op, c in tally.items() if set(c) <= {404, 422})
    unreached = sorted(op for op, c in tally.items() if set(c) <= REFUSALS)
    print(f"[{deployment.name}] only ever 404 or 422: {stuck}; never past {sorted(REFUSALS)}: {unreached}")
    assert len(tally) == len(TABLE), f"operations never fuzzed: {sorted(TABLE.keys() - tally.keys())}"
    assert not unreached, f"operations whose use case never ran (only {sorted(REFUSALS)} answered): {unreached}"
