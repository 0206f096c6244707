"""A backend that cannot be reached gives 503 with Retry-After, never a 500; the catalog survives its cache."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from marketplace.entrypoints.http.app import create_app
from marketplace.entrypoints.settings import Settings
from tests.credentials import PASSWORD

SECRET = "test-signing-key-with-at-least-32-characters"


async def test_an_unreachable_database_is_503_and_readiness_names_it(tmp_path: Any) -> None:
    settings = Settings.from_env(
        {},
        database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none",
        jwt_secret=SECRET,
        sandbox="on",
        access_log=False,
        password_hash_profile="light",
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        listing = await client.get("/api/v1/products")
        assert listing.status_code == 503 and listing.headers["retry-after"] == "5"
        assert listing.json()["type"] == "/problems/service-unavailable"
        ready = await client.get("/health/ready")
        assert ready.status_code == 503
        states = {b["name"]: b["status"] for b in ready.json()["backends"]}
        assert states == {"database": "unavailable", "cache": "ok", "storage": "ok"}


async def test_the_catalog_is_served_from_the_database_when_redis_is_down(tmp_path: Any) -> None:
    settings = Settings.from_env(
        {},
        data_dir=str(tmp_path),
        redis_url="redis://127.0.0.1:1/0",
        jwt_secret=SECRET,
        sandbox="on",
        access_log=False,
        password_hash_profile="light",
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        listing = await client.get("/api/v1/products")
        assert listing.status_code == 200 and listing.json() == {"items": [], "next_cursor": None}
        registered = await client.post(
            "/api/v1/auth/register", json={"email": "r@example.com", "password": PASSWORD, "name": "R"}
        )
        assert registered.status_code == 201, "an unreachable rate limiter lets sign-ups through"
        ready = await client.get("/health/ready")
        assert ready.status_code == 503
        assert {b["name"]: b["status"] for b in ready.json()["backends"]}["cache"] == "unavailable"
