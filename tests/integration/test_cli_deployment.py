"""Deployment defaults as an operator meets them: what `serve`, `worker` and `make serve` refuse, and what
MARKETPLACE_SANDBOX=on serves (loudly)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.integration.serving import free_port, served
from tests.integration.test_cli import marketplace

ROOT = Path(__file__).resolve().parents[2]
JWT_SECRET = "a-deployment-test-master-secret-0123456789"
PROVIDER_SETTINGS = (
    "MARKETPLACE_XENDIT_BASE_URL",
    "MARKETPLACE_XENDIT_SECRET_KEY",
    "MARKETPLACE_XENDIT_CALLBACK_TOKEN",
    "MARKETPLACE_GOSEND_BASE_URL",
    "MARKETPLACE_GOSEND_CLIENT_ID",
    "MARKETPLACE_GOSEND_PASS_KEY",
    "MARKETPLACE_GOSEND_WEBHOOK_TOKEN",
)


@pytest.fixture
def scaled_env(embedded_env: dict[str, str], postgres_url: str, redis_url: str) -> dict[str, str]:
    """What the README says to set to run several processes: PostgreSQL, Redis and a JWT secret."""
    return {
        **embedded_env,
        "MARKETPLACE_DATABASE_URL": postgres_url,
        "MARKETPLACE_REDIS_URL": redis_url,
        "MARKETPLACE_JWT_SECRET": JWT_SECRET,
    }


def _refused(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0, result.stderr
    return result.stderr


def test_serve_on_postgresql_and_redis_without_providers_exits_2_naming_every_missing_setting(
    scaled_env: dict[str, str],
) -> None:
    message = _refused(marketplace("serve", "--port", str(free_port()), env=scaled_env))
    assert all(name in message for name in PROVIDER_SETTINGS), message
    assert "MARKETPLACE_JWT_SECRET" not in message.split("; set ")[-1]


def test_the_worker_refuses_the_same_setup_and_migrate_still_runs(scaled_env: dict[str, str]) -> None:
    assert "MARKETPLACE_XENDIT_BASE_URL" in _refused(marketplace("worker", env=scaled_env))
    migrated = marketplace("migrate", env=scaled_env)
    assert migrated.returncode == 0, migrated.stderr


REAL_PROVIDERS = {
    "MARKETPLACE_XENDIT_BASE_URL": "https://api.xendit.co",
    "MARKETPLACE_XENDIT_SECRET_KEY": "xnd_production_key",
    "MARKETPLACE_XENDIT_CALLBACK_TOKEN": "t" * 40,
    "MARKETPLACE_GOSEND_BASE_URL": "https://kilat-api.gojekapi.com",
    "MARKETPLACE_GOSEND_CLIENT_ID": "c",
    "MARKETPLACE_GOSEND_PASS_KEY": "p",
    "MARKETPLACE_GOSEND_WEBHOOK_TOKEN": "w" * 40,
}


def test_serve_with_real_providers_on_sqlite_and_no_jwt_secret_names_the_secret(embedded_env: dict[str, str]) -> None:
    env = {
        **embedded_env,
        **REAL_PROVIDERS,
        "MARKETPLACE_SMTP_URL": "smtps://shop:secret@smtp.example.com?from=no-reply%40shop.example",
    }
    message = _refused(marketplace("serve", "--port", str(free_port()), env=env))
    assert message.endswith("set MARKETPLACE_JWT_SECRET\n"), message


def test_serve_and_the_worker_with_everything_but_a_mail_server_exit_2_naming_it(embedded_env: dict[str, str]) -> None:
    env = {**embedded_env, **REAL_PROVIDERS, "MARKETPLACE_JWT_SECRET": JWT_SECRET}
    for command in (("serve", "--port", str(free_port())), ("worker",)):
        message = _refused(marketplace(*command, env=env))
        assert message.endswith("set MARKETPLACE_SMTP_URL, MARKETPLACE_MAIL_FROM\n"), message


def test_make_serve_on_every_address_refuses_and_says_how_to_run_a_lan_demo(embedded_env: dict[str, str]) -> None:
    venv = Path(sys.executable).parent.parent
    result = subprocess.run(
        ["make", "-s", "-o", f"{venv}/.stamp-serve", "serve", "HOST=0.0.0.0", f"PORT={free_port()}", f"VENV={venv}"],
        cwd=ROOT,
        env=embedded_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0, result.stdout
    assert "MARKETPLACE_SANDBOX=on make serve HOST=0.0.0.0" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


async def test_sandbox_on_starts_anywhere_and_says_so_on_every_response(
    tmp_path: Path, postgres_url: str, redis_url: str
) -> None:
    env = {
        "MARKETPLACE_DATABASE_URL": postgres_url,
        "MARKETPLACE_REDIS_URL": redis_url,
        "MARKETPLACE_JWT_SECRET": JWT_SECRET,
        "MARKETPLACE_SANDBOX": "on",
    }
    with served(tmp_path, env) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            responses = [
                await client.get("/health/live"),
                await client.get("/health/ready"),
                await client.get("/api/v1/nothing-here"),
                await client.get("/sandbox/xendit/v2/invoices"),
                await client.post("/api/v1/auth/login", json={"email": "x"}),
            ]
            ready = responses[1].json()
    assert [r.headers.get("x-marketplace-sandbox") for r in responses] == ["on"] * 5
    assert ready["sandbox"]["mode"] == "on" and ready["sandbox"]["served"] == ["xendit", "gosend"]
    assert ready["sandbox"]["warning"]
    assert "MARKETPLACE_SANDBOX=on" in (tmp_path / "server.log").read_text()


async def test_the_embedded_default_serves_its_sandboxes_without_the_header(tmp_path: Path) -> None:
    with served(tmp_path, {}) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            ready = await client.get("/health/ready")
            page = await client.get("/sandbox/gosend/_sandbox/bookings")
            mail = await client.get("/sandbox/mail")
    assert ready.json()["sandbox"] == {"mode": "auto", "served": ["xendit", "gosend"], "warning": None}
    assert "x-marketplace-sandbox" not in ready.headers and page.status_code == 200
    assert mail.status_code == 200 and mail.json() == {"items": []}
