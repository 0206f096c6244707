"""Password guessing over HTTP backs off per account, and X-Forwarded-For is believed only from trusted proxies."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from marketplace.application.identity.login_throttle import BY_ACCOUNT, BY_CLIENT
from marketplace.entrypoints.container import build_container
from marketplace.entrypoints.http.app import create_app
from marketplace.entrypoints.settings import Settings
from tests.credentials import PASSWORD
from tests.integration.web.conftest import Api

LOGIN = "/api/v1/auth/login"
PROXY = "10.0.0.1"


async def _guess(client: Any, email: str, forwarded_for: str, password: str = "wrong guess") -> httpx.Response:
    response: httpx.Response = await client.post(
        LOGIN, json={"email": email, "password": password}, headers={"X-Forwarded-For": forwarded_for}
    )
    return response


async def test_wrong_passwords_from_made_up_forwarded_addresses_still_back_off_the_account(api: Api) -> None:
    user = await api.register("victim")
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    for email in (user["email"], unknown):  # an unknown email answers exactly alike
        answers = [await _guess(api.client, email, f"198.51.100.{n}") for n in range(BY_CLIENT.free + 3)]
        assert [a.status_code for a in answers] == [401] * (BY_CLIENT.free + 1) + [429] * 2, email
        assert answers[-1].json()["type"] == "/problems/rate-limited"
        assert 1 <= int(answers[-1].headers["retry-after"]) <= BY_CLIENT.base_seconds
    # While backing off the password is not even checked: the right one is refused too.
    right = await _guess(api.client, user["email"], "203.0.113.50", PASSWORD)
    assert right.status_code == 429


@pytest.fixture
async def proxied() -> AsyncIterator[Api]:
    """The app behind a trusted proxy at 10.0.0.1, with a per-address limit of three logins a minute."""
    # A proxy in front makes this a deployment: its master secret is named (no development secret then).
    settings = Settings.in_memory(
        auth_rate_limit=3,
        trusted_proxies=f"{PROXY}, 192.0.2.0/24",
        jwt_secret="a-proxied-deployment-master-secret-0123",
    )
    container = build_container(settings)
    async with AsyncTestClient(app=create_app(settings, container)) as client:
        yield Api(client=client, settings=settings, container=container)


async def test_behind_a_trusted_proxy_each_real_client_has_its_own_address_limit(proxied: Api) -> None:
    async def each_client_logs_in_four_times(http: httpx.AsyncClient) -> dict[str, list[int]]:
        statuses: dict[str, list[int]] = {}
        for client in ("203.0.113.7", "198.51.100.9"):
            # What the client wrote itself (left) is not believed; the proxy appended the real address.
            statuses[client] = [
                (await _guess(http, f"u{n}@example.com", f"1.1.1.1, {client}")).status_code for n in range(4)
            ]
        return statuses

    assert await proxied.at_once(each_client_logs_in_four_times, peer=PROXY) == {
        "203.0.113.7": [401, 401, 401, 429],
        "198.51.100.9": [401, 401, 401, 429],
    }


async def test_an_untrusted_peer_cannot_escape_its_address_limit_with_made_up_forwarded_addresses(proxied: Api) -> None:
    async def log_in_five_times(http: httpx.AsyncClient) -> list[int]:
        return [(await _guess(http, f"u{n}@example.com", f"198.51.100.{n}")).status_code for n in range(5)]

    assert await proxied.at_once(log_in_five_times, peer="172.16.5.5") == [401, 401, 401, 429, 429]


async def test_guesses_from_many_real_addresses_meet_the_back_off_of_the_account(proxied: Api) -> None:
    tries = BY_ACCOUNT.free + 3

    async def one_guess_from_each_address(http: httpx.AsyncClient) -> list[int]:
        return [(await _guess(http, "target@example.com", f"203.0.113.{n}")).status_code for n in range(tries)]

    statuses = await proxied.at_once(one_guess_from_each_address, peer=PROXY)
    assert statuses == [401] * (BY_ACCOUNT.free + 1) + [429] * 2
