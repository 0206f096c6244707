"""schemathesis against the served OpenAPI document: no 5xx, and every answer matches its own schema.

The app is served for real (granian, the embedded default on a temporary data dir) and every
operation of the document is fuzzed, signed in as a user who owns a store with a product.
"""

from __future__ import annotations

from collections.abc import Iterator
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

from tests.credentials import PASSWORD
from tests.integration.serving import served as serve

ADDRESS = {"recipient": "Ayu", "phone": "081234567890", "line1": "Jl. Sudirman 1", "city": "Jakarta",
           "postal_code": "10220", "lat": -6.2, "lng": 106.8}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("served"), {}) as base:
        yield base


@pytest.fixture(scope="module")
def signed_in(served: str) -> dict[str, str]:
    """A user owning a store with a published product, so the fuzzer reaches past 401 and 404."""
    with httpx.Client(base_url=served) as client:
        client.post("/api/v1/auth/register", json={"email": "fuzz@example.com", "password": PASSWORD, "name": "Fuzz"})
        token = client.post("/api/v1/auth/login", json={"email": "fuzz@example.com", "password": PASSWORD}).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        store = client.post("/api/v1/stores", json={"name": "Fuzz Store", "pickup_address": ADDRESS}, headers=auth).json()
        product = client.post(f"/api/v1/stores/{store['id']}/products", headers=auth, json={
            "title": "Fuzz product", "variants": [{"sku": "F-1", "name": "One", "price": 1000, "stock": 3, "weight_grams": 10}],
        }).json()
        client.post(f"/api/v1/products/{product['id']}/publish", headers=auth)
    return auth


@pytest.fixture(scope="module")
def api_schema(served: str) -> Any:
    return schemathesis.openapi.from_url(f"{served}/schema/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx_or_breaks_its_schema(case: Any, signed_in: dict[str, str]) -> None:
    case.call_and_validate(
        headers=signed_in,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
