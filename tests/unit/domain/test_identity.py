"""Identity rules: email normalisation, password length, refresh-token assessment."""

from __future__ import annotations

import string
from datetime import timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from marketplace.domain.identity.tokens import RefreshToken, TokenStatus, TokenUse
from marketplace.domain.identity.user import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    User,
    UserRegistered,
    check_password,
    normalise_email,
)
from marketplace.domain.shared.errors import InvalidValue
from tests.unit.domain.builders import NOW

local_parts = st.text(alphabet=string.ascii_letters + string.digits + "._+-", min_size=1, max_size=30)
labels = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=12)
domains = st.lists(labels, min_size=2, max_size=4).map(".".join)


@given(local_parts, domains, st.sampled_from(["", " ", "\t", "\n "]))
def test_an_email_is_normalised_to_lower_case_without_surrounding_space(local: str, domain: str, space: str) -> None:
    assert normalise_email(f"{space}{local}@{domain}{space}") == f"{local}@{domain}".lower()


@given(st.text(max_size=80))
@example("İ" * 40 + "@example.com")
@example("Seller@Example.COM")
def test_a_normalised_email_normalises_to_itself(email: str) -> None:
    try:
        once = normalise_email(email)
    except InvalidValue:
        return
    assert normalise_email(once) == once


@pytest.mark.parametrize(
    "email",
    [
        "",
        "plain",
        "@example.com",
        "a@",
        "a@localhost",
        "a b@example.com",
        "a@exa mple.com",
        "a@-example.com",
        "a@example.com@x.org",
        "x" * 65 + "@example.com",
        "a@" + "b" * 250 + ".com",
    ],
)
def test_a_malformed_email_is_refused(email: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        normalise_email(email)
    assert raised.value.field == "email"


@given(st.text(max_size=MAX_PASSWORD + 20))
def test_a_password_is_accepted_exactly_when_its_length_is_within_the_limits(password: str) -> None:
    if MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        assert check_password(password) == password
    else:
        with pytest.raises(InvalidValue) as raised:
            check_password(password)
        assert raised.value.field == "password"


def test_password_length_limits_are_inclusive() -> None:
    assert check_password("x" * MIN_PASSWORD)
    assert check_password("x" * MAX_PASSWORD)
    for bad in ("x" * (MIN_PASSWORD - 1), "x" * (MAX_PASSWORD + 1)):
        with pytest.raises(InvalidValue):
            check_password(bad)


def test_registering_normalises_the_email_and_records_the_event() -> None:
    user = User.register(id="u1", email=" Buyer@Example.COM ", name="Buyer", password_hash="h", now=NOW)
    assert user.email == "buyer@example.com"
    assert not user.is_admin
    assert user.pull_events() == [UserRegistered(user_id="u1", email="buyer@example.com")]


def _token(status: TokenStatus, expires_in: timedelta) -> RefreshToken:
    return RefreshToken(
        id="t", user_id="u", family_id="f", token_hash="h", expires_at=NOW + expires_in, created_at=NOW, status=status
    )


offsets = st.integers(min_value=-(10**6), max_value=10**6).map(lambda s: timedelta(seconds=s))


@given(offsets)
def test_an_active_token_is_valid_until_it_expires(expires_in: timedelta) -> None:
    use = _token(TokenStatus.ACTIVE, expires_in).assess(NOW)
    assert use is (TokenUse.VALID if expires_in > timedelta(0) else TokenUse.DEAD)


@given(offsets)
def test_a_rotated_token_presented_again_is_reuse_even_after_expiry(expires_in: timedelta) -> None:
    assert _token(TokenStatus.ROTATED, expires_in).assess(NOW) is TokenUse.REUSED


@given(offsets)
def test_a_revoked_token_is_dead(expires_in: timedelta) -> None:
    assert _token(TokenStatus.REVOKED, expires_in).assess(NOW) is TokenUse.DEAD


def test_rotating_then_revoking_changes_what_a_token_means() -> None:
    token = _token(TokenStatus.ACTIVE, timedelta(days=1))
    token.rotate()
    assert token.assess(NOW) is TokenUse.REUSED
    token.revoke()
    assert token.assess(NOW) is TokenUse.DEAD
