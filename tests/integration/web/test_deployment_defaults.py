"""A deployment's app (real provider settings, a master secret): no sandbox is mounted, no development
token opens a webhook, and the development signing keys sign nothing it accepts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from marketplace.adapters.security.jwt_tokens import JwtTokenService
from marketplace.entrypoints.http.app import create_app
from marketplace.entrypoints.secrets import signing_keys
from marketplace.entrypoints.settings import DEV_GOSEND_TOKEN, DEV_XENDIT_TOKEN, Settings, SettingsError
from tests.integration.serving import free_port

MASTER = "a-deployment-master-secret-of-40-characters"
CALLBACK_TOKEN = "the-callback-token-from-the-xendit-dashboard"
WEBHOOK_TOKEN = "the-webhook-token-agreed-with-gosend"


def _deployment(tmp_path: Path, **overrides: Any) -> Settings:
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens: the app never gets that far here
    values: dict[str, Any] = {
        "data_dir": str(tmp_path),
        "jwt_secret": MASTER,
        "password_hash_profile": "light",
        "access_log": False,
        "run_worker": False,
        "xendit_base_url": dead,
        "xendit_secret_key": "xnd_production_key",
        "xendit_callback_token": CALLBACK_TOKEN,
        "gosend_base_url": dead,
        "gosend_client_id": "client",
        "gosend_pass_key": "pass-key",
        "gosend_webhook_token": WEBHOOK_TOKEN,
    }
    values.update(overrides)
    return Settings.from_env({}, **values)


@pytest.fixture
async def deployment(tmp_path: Path) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(_deployment(tmp_path))) as client:
        yield client


async def test_no_sandbox_control_endpoint_or_hosted_page_is_served(deployment: AsyncTestClient[Any]) -> None:
    for path in ("/sandbox/xendit/_sandbox/invoices/inv-1/pay", "/sandbox/gosend/_sandbox/bookings/GK-1/advance"):
        assert (await deployment.post(path, json={"status": "picked"})).status_code in (404, 405)
    for path in ("/sandbox/xendit/v2/invoices", "/sandbox/gosend/_sandbox/bookings", "/sandbox/xendit/web/inv-1"):
        assert (await deployment.get(path)).status_code == 404
    ready = (await deployment.get("/health/ready")).json()
    assert ready["sandbox"] == {"mode": "auto", "served": [], "warning": None}


async def test_the_development_callback_tokens_open_no_webhook(deployment: AsyncTestClient[Any]) -> None:
    body = {"id": "inv-1", "external_id": "x", "status": "PAID", "amount": 1000}
    for path in ("/api/v1/webhooks/xendit/invoice", "/api/v1/webhooks/xendit/refund", "/api/v1/webhooks/xendit/payout"):
        refused = await deployment.post(path, json=body, headers={"x-callback-token": DEV_XENDIT_TOKEN})
        assert refused.status_code == 401, (path, refused.text)
    refused = await deployment.post(
        "/api/v1/webhooks/gosend", json={"booking_id": "GK-1"}, headers={"Authorization": DEV_GOSEND_TOKEN}
    )
    assert refused.status_code == 401
    accepted = await deployment.post(
        "/api/v1/webhooks/xendit/invoice", json=body, headers={"x-callback-token": CALLBACK_TOKEN}
    )
    assert accepted.status_code == 200 and accepted.json()["received"] is True


async def test_a_token_forged_with_a_development_key_or_the_bare_master_is_refused(
    deployment: AsyncTestClient[Any], tmp_path: Path
) -> None:
    embedded_keys = signing_keys(Settings.from_env({}, data_dir=str(tmp_path / "elsewhere")))
    for key in (embedded_keys.tokens, MASTER, "embedded-development-key-not-for-production"):
        forged = JwtTokenService(key, 900).issue_access("0190a0a0-0000-7000-8000-000000000001")
        answer = await deployment.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
        assert answer.status_code == 401, key


def test_the_app_itself_refuses_a_setup_missing_a_setting(tmp_path: Path) -> None:
    """Served by any ASGI server, not only `marketplace serve`: the factory checks too."""
    with pytest.raises(SettingsError, match="MARKETPLACE_GOSEND_BASE_URL"):
        create_app(
            _deployment(
                tmp_path, gosend_base_url=None, gosend_client_id=None, gosend_pass_key=None, gosend_webhook_token=None
            )
        )
