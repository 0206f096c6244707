"""MARKETPLACE_SMTP_URL as the SMTP mailer reads it: scheme, default ports, credentials, the sender."""

from __future__ import annotations

import pytest

from marketplace.adapters.mail.smtp import SmtpConfig


def test_smtp_defaults_to_submission_with_starttls_and_smtps_to_tls_on_465() -> None:
    plain = SmtpConfig.from_url("smtp://mail.example.com", "Toko <no-reply@toko.example>")
    assert (plain.host, plain.port, plain.implicit_tls, plain.username) == ("mail.example.com", 587, False, None)
    tls = SmtpConfig.from_url("smtps://u%40toko:p%3Ass@mail.example.com?from=no-reply%40toko.example")
    assert (tls.port, tls.implicit_tls, tls.username, tls.password) == (465, True, "u@toko", "p:ss")
    assert tls.sender == "no-reply@toko.example"


def test_the_sender_setting_wins_over_the_urls_from() -> None:
    config = SmtpConfig.from_url("smtp://h:2525?from=a%40x.example", "Toko <b@x.example>")
    assert (config.port, config.sender) == (2525, "Toko <b@x.example>")


@pytest.mark.parametrize(
    ("url", "sender"),
    [
        ("http://mail.example.com", "a@x.example"),
        ("smtp://", "a@x.example"),
        ("smtp://mail.example.com", None),
        ("smtp://mail.example.com", "nobody"),
    ],
)
def test_a_url_without_an_smtp_scheme_host_or_sender_is_refused(url: str, sender: str | None) -> None:
    with pytest.raises(ValueError):
        SmtpConfig.from_url(url, sender)
