"""The `marketplace` console script, run as a user runs it: migrate, seed, admin create, serve."""

from __future__ import annotations

import io
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest

from marketplace.application.catalog.views import ProductCard, ProductQuery
from marketplace.application.identity.log_in import Credentials
from marketplace.entrypoints.cli.runtime import started
from marketplace.entrypoints.cli.seed import DEMO_PASSWORD, seed_catalog
from marketplace.entrypoints.container import resolve
from marketplace.entrypoints.settings import Settings

CLI = Path(sys.executable).with_name("marketplace")
EVERY_STATUS = ("active", "draft", "archived")
JWT_SECRET = "a-test-signing-key-that-is-long-enough-0123456789"


def marketplace(*args: str, env: Mapping[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), *args], env=dict(env), input=stdin, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def postgres_env(embedded_env: dict[str, str], postgres_url: str) -> dict[str, str]:
    return {**embedded_env, "MARKETPLACE_DATABASE_URL": postgres_url, "MARKETPLACE_JWT_SECRET": JWT_SECRET}


def running(env: Mapping[str, str]) -> AbstractAsyncContextManager[Any]:
    """A container started on the same settings as the command, to look at what the command did."""
    return started(Settings.from_env(env))


async def every_product(container: Any) -> list[ProductCard]:
    queries = await resolve(container.catalog_queries)
    cards: list[ProductCard] = []
    cursor: str | None = None
    while True:
        query = ProductQuery(statuses=EVERY_STATUS, public_only=False, limit=100, cursor=cursor)
        page = await queries.browse(query)
        cards.extend(page.items)
        if (cursor := page.next_cursor) is None:
            return cards


async def seeded_stores(container: Any, sellers: int) -> list[str]:
    async with (await resolve(container.uow))() as uow:
        store_ids: list[str] = []
        for number in range(1, sellers + 1):
            seller = await uow.users.get_by_email(f"seller{number}@example.com")
            assert seller is not None, f"seller{number} was not created"
            store_ids += await uow.stores.ids_owned_by(seller.id)
        return store_ids


def test_migrate_creates_the_schema_in_the_data_dir(embedded_env: dict[str, str], tmp_path: Path) -> None:
    first = marketplace("migrate", env=embedded_env)
    again = marketplace("migrate", env=embedded_env)

    assert first.returncode == 0, first.stderr
    assert again.returncode == 0, again.stderr
    assert "schema upgraded" in first.stdout
    with sqlite3.connect(tmp_path / "marketplace.db") as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"users", "stores", "categories", "products", "variants"} <= tables


async def test_seed_loads_demo_stores_and_products_and_can_run_twice(embedded_env: dict[str, str]) -> None:
    first = marketplace("seed", "--stores", "3", "--products", "50", env=embedded_env)
    second = marketplace("seed", "--stores", "3", "--products", "50", "--seed", "7", env=embedded_env)

    assert first.returncode == 0, first.stderr
    assert "Seeded 50 products" in first.stdout and DEMO_PASSWORD in first.stdout
    assert second.returncode == 0, second.stderr
    assert "3 existing reused" in second.stdout
    async with running(embedded_env) as container:
        cards = await every_product(container)
        stores = await seeded_stores(container, 3)
        pair = await (await resolve(container.log_in))(Credentials("seller1@example.com", DEMO_PASSWORD))
    assert len(cards) == 100
    assert len({card.slug for card in cards}) == 100
    assert len(stores) == 6 and {card.store.id for card in cards} <= set(stores)
    assert {card.status for card in cards} >= {"active"}
    assert all(card.price_from.amount % 500 == 0 and card.price_from.currency == "IDR" for card in cards)
    assert pair.access_token


async def test_the_same_seed_gives_the_same_catalog() -> None:
    catalogs = []
    for _ in range(2):
        async with started(Settings.in_memory()) as container:
            await seed_catalog(container, stores=4, products=120, seed=42, progress=io.StringIO())
            cards = await every_product(container)
        catalogs.append(sorted((card.slug, card.title, card.status, card.price_from.amount) for card in cards))

    assert len(catalogs[0]) == 120
    assert catalogs[0] == catalogs[1]


async def test_seed_on_postgresql_loads_every_product(postgres_env: dict[str, str]) -> None:
    before = await _product_count(postgres_env)

    result = marketplace("seed", "--stores", "4", "--products", "300", env=postgres_env)

    assert result.returncode == 0, result.stderr
    async with running(postgres_env) as container:
        cards = await every_product(container)
        stores = await seeded_stores(container, 4)
        ours = [card for card in cards if card.store.id in stores]
        detail = await (await resolve(container.catalog_queries)).product(ours[0].id)
    assert len(cards) - before == len(ours) == 300
    assert detail is not None and 1 <= len(detail.detail.variants) <= 4
    assert len({variant.sku for variant in detail.detail.variants}) == len(detail.detail.variants)


async def _product_count(env: Mapping[str, str]) -> int:
    """Products already in the session's shared database (0 before anyone migrated it)."""
    import asyncpg

    connection = await asyncpg.connect(env["MARKETPLACE_DATABASE_URL"].replace("postgresql+asyncpg", "postgresql"))
    try:
        if not await connection.fetchval("SELECT to_regclass('public.products') IS NOT NULL"):
            return 0
        return int(await connection.fetchval("SELECT count(*) FROM products"))
    finally:
        await connection.close()


async def test_admin_create_reads_the_password_from_stdin_and_makes_an_admin(embedded_env: dict[str, str]) -> None:
    result = marketplace("admin", "create", "--email", "Root@Example.com", env=embedded_env, stdin="s3cret-password\n")

    assert result.returncode == 0, result.stderr
    admin_id = result.stdout.strip()
    async with running(embedded_env) as container:
        profile = await (await resolve(container.get_profile))(admin_id)
        pair = await (await resolve(container.log_in))(Credentials("root@example.com", "s3cret-password"))
        tokens = await resolve(container.tokens)
    assert profile.is_admin and profile.email == "root@example.com"
    assert tokens.read_access(pair.access_token) == admin_id


@pytest.mark.parametrize(
    ("args", "stdin", "complaint"),
    [
        (["--email", "root@example.com", "--password", "short"], None, "password"),
        (["--email", "root@example.com"], "\n", "password is empty"),
        (["--email", "not-an-email", "--password", "long-enough-password"], None, "email"),
        (["--email", "root@example.com", "--password", "12345678"], None, "too easy to guess"),
        (["--email", "root@example.com", "--name", "Rooty"], "rooty2024\n", "too easy to guess"),
    ],
)
def test_admin_create_refuses_bad_input_with_status_2_and_no_traceback(
    embedded_env: dict[str, str], args: list[str], stdin: str | None, complaint: str
) -> None:
    result = marketplace("admin", "create", *args, env=embedded_env, stdin=stdin)

    assert result.returncode == 2
    assert complaint in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_bad_setting_is_one_line_on_stderr_with_status_2(embedded_env: dict[str, str]) -> None:
    result = marketplace("migrate", env={**embedded_env, "MARKETPLACE_DATABASE_URL": "mysql://nope"})

    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "MARKETPLACE_DATABASE_URL" in result.stderr


def test_serve_refuses_several_workers_on_the_embedded_default(embedded_env: dict[str, str]) -> None:
    result = marketplace("serve", "--workers", "2", env=embedded_env)

    assert result.returncode == 2
    assert "one process" in result.stderr and "Traceback" not in result.stderr


def test_serve_migrates_and_answers_on_the_embedded_default(embedded_env: dict[str, str], tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [str(CLI), "serve", "--port", str(port), "--no-worker"],
        env=embedded_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status = _wait_for(f"http://127.0.0.1:{port}/health/live", server)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            output = server.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            server.kill()
            output = server.communicate()[0]
    assert status == 200, output
    assert (tmp_path / "marketplace.db").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, server: subprocess.Popen[str], seconds: float = 30.0) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return int(response.status)
        except OSError:
            time.sleep(0.2)
    return -1


def test_media_cleanup_runs_on_the_embedded_default(embedded_env: dict[str, str]) -> None:
    done = marketplace("media", "cleanup", "--grace-hours", "1", env=embedded_env)
    assert done.returncode == 0, done.stderr
    assert "examined 0 media" in done.stdout
    refused = marketplace("media", "cleanup", "--grace-hours", "-1", env=embedded_env)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
