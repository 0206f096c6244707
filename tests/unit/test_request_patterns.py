"""The request schemas' patterns say what the domain checks: they accept everything the domain accepts
(no request the domain takes is refused earlier), and refuse what it refuses where they claim to."""

from __future__ import annotations

import re
from typing import get_args

from hypothesis import example, given
from hypothesis import strategies as st

from marketplace.domain.cms.content import check_link, check_markdown
from marketplace.domain.identity.user import normalise_email
from marketplace.domain.ordering.checkout import check_referral_code
from marketplace.domain.settlement.payout import Destination
from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.text import clean_text
from marketplace.entrypoints.http.idempotency import check_key
from marketplace.entrypoints.http.schemas.identity import Email
from marketplace.entrypoints.http.schemas.patterns import (
    ACCOUNT_NUMBER,
    CHANNEL_CODE,
    CLIENT_ID,
    IDEMPOTENCY_KEY,
    LINK,
    MARKDOWN,
    NEW_EMAIL,
    REFERRAL_CODE,
    WS,
    stripped_text,
)

OLD_EMAIL = get_args(Email)[1].pattern  # login's: registration's NEW_EMAIL is that and the domain's rule
OLD_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"  # what text fields refused before
# Letters, the spaces str.strip() strips (some of them control characters), and controls C0 and C1.
TRICKY = "aZé9/:_-.\\@ \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000\x00\x01\x7f\x80\x9f\u200b"
texts = st.text(alphabet=TRICKY, max_size=12)


def matches(pattern: str, value: str) -> bool:
    return re.search(pattern, value) is not None  # msgspec's semantics


def accepted(check: object, *args: object, **kwargs: object) -> bool:
    try:
        check(*args, **kwargs)  # type: ignore[operator]
    except InvalidValue:
        return False
    return True


@given(texts, st.sampled_from([0, 1, 2]))
@example("\x85a\x85", 1)
@example("a\x85b", 0)
def test_text_patterns_refuse_exactly_what_clean_text_refuses_among_what_was_accepted(value: str, least: int) -> None:
    domain = accepted(lambda: clean_text("f", value, min_length=least, max_length=1000))
    assert matches(stripped_text(least), value) == (matches(OLD_TEXT, value) and domain)
    assert matches(stripped_text(least, c0_free_edges=False), value) == domain


@given(texts)
def test_markdown_pattern_is_check_markdown(value: str) -> None:
    assert matches(MARKDOWN, value) == accepted(check_markdown, "body", value, max_bytes=1000)


@given(
    st.one_of(
        texts,
        st.builds(
            "".join,
            st.lists(
                st.sampled_from(
                    ["http", "HTTPS", "://", "/", "//", "host", ".example", "javascript:", " ", "\\", "\x01", "?q=1"]
                ),
                max_size=6,
            ),
        ),
    )
)
@example("https://example.com/sale")
@example(" /sale ")
def test_link_pattern_takes_every_link_check_link_takes(value: str) -> None:
    if accepted(check_link, "link_url", value):
        assert matches(LINK, value)


def test_link_pattern_refuses_other_schemes_and_other_hosts() -> None:
    for bad in ("javascript:alert(1)", "//evil.example", "ftp://example.com", "sale", "/a b", "http://", "/\\evil"):
        assert not matches(LINK, bad), bad


@given(texts)
def test_client_id_pattern_takes_every_id_the_chat_takes(value: str) -> None:
    stripped = value.strip()
    if 1 <= len(stripped) <= 64 and stripped.isprintable():
        assert matches(CLIENT_ID, value)


@given(st.text(alphabet="Ab9_-!é \t", max_size=8))
def test_referral_code_pattern_is_the_checkouts_rule(value: str) -> None:
    assert matches(REFERRAL_CODE, value) == accepted(check_referral_code, value)


@given(st.text(alphabet="aZ_9 \t\xdfﬀ\u0131é٣-", min_size=1, max_size=8))
def test_channel_code_pattern_takes_every_code_the_payouts_take(value: str) -> None:
    if accepted(Destination.of, value, "1234", "Ayu"):
        assert matches(CHANNEL_CODE, value)


@given(st.text(alphabet="0123456789 a٣\t", min_size=4, max_size=34))
def test_account_number_pattern_is_the_payouts_rule(value: str) -> None:
    assert matches(ACCOUNT_NUMBER, value) == accepted(Destination.of, "ID_BCA", value, "Ayu")


@given(st.text(alphabet="ab9 ~!\t\x7fé", max_size=8))
def test_idempotency_key_pattern_is_check_key_for_what_http_carries(value: str) -> None:
    if value == value.strip(" "):  # HTTP drops the spaces around a header value
        assert matches(IDEMPOTENCY_KEY, value) == accepted(check_key, value)


def test_the_spelled_out_whitespace_is_what_strip_strips() -> None:
    spaces = re.compile(f"[{WS}]")
    assert [c for c in range(0x110000) if bool(spaces.match(chr(c))) != chr(c).isspace()] == []


@given(st.emails() | st.text(alphabet="aZ9.-@_ \x85\xa0é", max_size=12))
def test_the_registration_email_pattern_is_the_domains_for_plain_addresses(value: str) -> None:
    if matches(OLD_EMAIL, value):
        assert matches(NEW_EMAIL, value) == accepted(normalise_email, value)
