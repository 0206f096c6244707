"""A deployment's app (real provider settings, a mail server, a master secret): no sandbox is mounted (nor
the mail listing, which the embedded default serves), no development token opens a webhook, and the
development signing keys sign nothing it accepts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from marketplace.adapters.security.jwt_tokens import JwtTokenService
from marketplace.application.ports.mail import EmailMessage
from marketplace.entrypoints.container import build_container, resolve
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
        "smtp_url": "smtp://127.0.0.1:1?from=no-reply%40shop.example",  # nothing listens: nothing is sent here
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
    for path in (
        "/sandbox/xendit/v2/invoices",
        "/sandbox/gosend/_sandbox/bookings",
        "/sandbox/xendit/web/inv-1",
        "/sandbox/mail",
    ):
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


def test_the_app_itself_refuses_a_setup_without_a_mail_server(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="MARKETPLACE_SMTP_URL"):
        create_app(_deployment(tmp_path, smtp_url=None))


async def test_the_embedded_default_lists_its_mail_newest_first_at_sandbox_mail(tmp_path: Path) -> None:
    settings = Settings.from_env({}, data_dir=str(tmp_path), password_hash_profile="light", run_worker=False)
    container = build_container(settings)
    async with AsyncTestClient(app=create_app(settings, container)) as client:
        mailer = await resolve(container.mailer)
        for number, to in ((1, "budi@pembeli.example"), (2, "sari@pembeli.example")):
            await mailer.send(
                EmailMessage(to, f"Pesanan #{number} — dikirim", f"Halo #{number}", "<p>Halo</p>", f"m-{number}")
            )
        listed = (await client.get("/sandbox/mail")).json()["items"]
        only_budi = (await client.get("/sandbox/mail", params={"to": "budi@pembeli.example"})).json()["items"]
        refused = await client.post("/sandbox/mail")
    assert [(m["to"], m["subject"], m["text"]) for m in listed] == [
        ("sari@pembeli.example", "Pesanan #2 — dikirim", "Halo #2"),
        ("budi@pembeli.example", "Pesanan #1 — dikirim", "Halo #1"),
    ]
    assert listed[0]["id"] == "m-2@localhost" and listed[0]["sent_at"].endswith("+00:00")
    assert [m["to"] for m in only_budi] == ["budi@pembeli.example"] and refused.status_code == 405
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2
