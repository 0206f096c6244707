"""The attribution cookie: what it signs reads back within the window, and nothing else does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from marketplace.application.affiliate.attribution import AttributionSigner

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)


def test_a_signed_click_reads_back_until_the_window_ends() -> None:
    signer = AttributionSigner("a-signing-key-of-at-least-32-characters", timedelta(days=30))
    cookie = signer.sign("ABCD1234", NOW)
    found = signer.read(cookie, NOW + timedelta(days=29))
    assert found is not None and found.code == "ABCD1234" and found.clicked_at == NOW
    assert signer.read(cookie, NOW + timedelta(days=30, seconds=1)) is None  # expired


def test_tampered_foreign_and_malformed_cookies_attribute_nothing() -> None:
    signer = AttributionSigner("a-signing-key-of-at-least-32-characters")
    cookie = signer.sign("ABCD1234", NOW)
    code, stamp, mac = cookie.split(".")
    for bad in (
        f"WXYZ9999.{stamp}.{mac}",
        f"{code}.{int(stamp) + 86_400}.{mac}",
        f"{code}.{stamp}.{mac[:-2]}AA",
        AttributionSigner("another-key-of-at-least-32-characters!!").sign("ABCD1234", NOW),
        "",
        "nonsense",
        "a.b.c.d",
        "x" * 500,
        None,
    ):
        assert signer.read(bad, NOW) is None, bad
    assert signer.read(signer.sign("ABCD1234", NOW + timedelta(hours=1)), NOW) is None  # from the future
