"""Identity use cases: registration, log in, rotating refresh tokens, log out, profile, addresses."""

from __future__ import annotations

import pytest

from marketplace.application.errors import NotFound, Unauthenticated
from marketplace.application.identity.log_in import Credentials
from marketplace.application.identity.profile import ProfileChanges
from marketplace.application.identity.register_user import Register
from marketplace.application.identity.sessions import hash_refresh_token, issue_session
from marketplace.domain.shared.errors import DuplicateEmail, InvalidValue
from tests.unit.application.conftest import PASSWORD, Marketplace, pickup


async def test_a_registered_user_logs_in_and_the_access_token_names_them(marketplace: Marketplace) -> None:
    register = await marketplace.use("register_user")
    user = await register(Register(" New.Buyer@Example.COM ", PASSWORD, "New Buyer"))
    assert user.email == "new.buyer@example.com"
    pair = await marketplace.log_in("NEW.BUYER@example.com")
    assert await marketplace.user_of(pair) == user.id
    assert pair.refresh_token and pair.expires_in == (await marketplace.use("tokens")).lifetime_seconds


async def test_registering_an_email_twice_raises_duplicate_email(marketplace: Marketplace) -> None:
    await marketplace.register("buyer@example.com")
    with pytest.raises(DuplicateEmail):
        await marketplace.register("Buyer@EXAMPLE.com")


@pytest.mark.parametrize(("email", "password"), [("not-an-email", PASSWORD), ("short@example.com", "short")])
async def test_registering_with_a_bad_email_or_short_password_is_refused(
    marketplace: Marketplace, email: str, password: str
) -> None:
    with pytest.raises(InvalidValue):
        await marketplace.register(email, password)
    with pytest.raises(Unauthenticated):
        await marketplace.log_in(email, password)


@pytest.mark.parametrize("password", ["password", "12345678", " " * 8, "qwertyuiop", "buyer.budi1990"])
async def test_a_guessable_password_is_refused_with_the_reason_and_no_account_is_made(
    marketplace: Marketplace, password: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        await marketplace.register("buyer.budi@example.com", password, name="Budi")
    assert refused.value.field == "password" and refused.value.message.startswith("is too easy to guess. ")
    await marketplace.register("buyer.budi@example.com", PASSWORD, name="Budi")


async def test_an_admin_is_not_made_with_a_guessable_password(marketplace: Marketplace) -> None:
    create_admin = await marketplace.use("create_admin")
    with pytest.raises(InvalidValue):
        await create_admin("root@example.com", "admin123")
    with pytest.raises(InvalidValue):
        await create_admin("root@example.com", "administrator2024")  # the name is "Administrator"
    assert (await create_admin("root@example.com", PASSWORD)).is_admin


async def test_logging_in_with_a_wrong_password_is_unauthenticated(marketplace: Marketplace, buyer: str) -> None:
    with pytest.raises(Unauthenticated):
        await marketplace.log_in("buyer@example.com", "wrong password")


@pytest.mark.parametrize("email", ["nobody@example.com", "not an email"])
async def test_logging_in_with_an_unknown_email_is_unauthenticated(marketplace: Marketplace, email: str) -> None:
    with pytest.raises(Unauthenticated):
        await (await marketplace.use("log_in"))(Credentials(email, PASSWORD))


async def test_refreshing_gives_a_new_working_pair(marketplace: Marketplace, buyer: str) -> None:
    pair = await marketplace.log_in("buyer@example.com")
    fresh = await (await marketplace.use("refresh_session"))(pair.refresh_token)
    assert fresh.refresh_token != pair.refresh_token
    assert await marketplace.user_of(fresh) == buyer
    again = await (await marketplace.use("refresh_session"))(fresh.refresh_token)
    assert await marketplace.user_of(again) == buyer


async def test_a_rotated_refresh_token_cannot_be_reused(marketplace: Marketplace, buyer: str) -> None:
    refresh = await marketplace.use("refresh_session")
    pair = await marketplace.log_in("buyer@example.com")
    await refresh(pair.refresh_token)
    with pytest.raises(Unauthenticated):
        await refresh(pair.refresh_token)


async def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(marketplace: Marketplace, buyer: str) -> None:
    refresh = await marketplace.use("refresh_session")
    stolen = await marketplace.log_in("buyer@example.com")
    other_session = await marketplace.log_in("buyer@example.com")
    current = await refresh(stolen.refresh_token)
    with pytest.raises(Unauthenticated):
        await refresh(stolen.refresh_token)
    with pytest.raises(Unauthenticated):
        await refresh(current.refresh_token)
    assert await marketplace.user_of(await refresh(other_session.refresh_token)) == buyer


async def test_a_token_a_racing_refresh_issued_after_the_reuse_was_caught_is_revoked_too(
    marketplace: Marketplace, buyer: str
) -> None:
    refresh = await marketplace.use("refresh_session")
    stolen = await marketplace.log_in("buyer@example.com")
    await refresh(stolen.refresh_token)
    with pytest.raises(Unauthenticated):
        await refresh(stolen.refresh_token)
    late = await _issue_into_the_family_of(marketplace, stolen.refresh_token)  # that refresh commits only now
    with pytest.raises(Unauthenticated):
        await refresh(late)


async def _issue_into_the_family_of(marketplace: Marketplace, refresh_token: str) -> str:
    async with (await marketplace.use("uow"))() as uow:
        token = await uow.refresh_tokens.get_by_hash(hash_refresh_token(refresh_token))
        assert token is not None
        pair = await issue_session(
            uow,
            user_id=token.user_id,
            family_id=token.family_id,
            tokens=await marketplace.use("tokens"),
            clock=await marketplace.use("clock"),
            ids=await marketplace.use("ids"),
            refresh_days=30,
        )
        await uow.commit()
    return pair.refresh_token


async def test_an_unknown_refresh_token_is_unauthenticated(marketplace: Marketplace) -> None:
    with pytest.raises(Unauthenticated):
        await (await marketplace.use("refresh_session"))("made-up-token")


async def test_logging_out_revokes_the_session(marketplace: Marketplace, buyer: str) -> None:
    refresh = await marketplace.use("refresh_session")
    pair = await refresh((await marketplace.log_in("buyer@example.com")).refresh_token)
    await (await marketplace.use("log_out"))(buyer, pair.refresh_token)
    with pytest.raises(Unauthenticated):
        await refresh(pair.refresh_token)


async def test_logging_out_with_someone_elses_token_changes_nothing(
    marketplace: Marketplace, buyer: str, seller: str
) -> None:
    pair = await marketplace.log_in("buyer@example.com")
    await (await marketplace.use("log_out"))(seller, pair.refresh_token)
    assert await marketplace.user_of(await (await marketplace.use("refresh_session"))(pair.refresh_token)) == buyer


async def test_a_user_changes_their_name_and_phone(marketplace: Marketplace, buyer: str) -> None:
    update = await marketplace.use("update_profile")
    await update(buyer, ProfileChanges(name="  Budi Santoso ", phone="+6281234567890"))
    profile = await (await marketplace.use("get_profile"))(buyer)
    assert (profile.name, profile.phone, profile.email) == ("Budi Santoso", "+6281234567890", "buyer@example.com")
    await update(buyer, ProfileChanges(clear_phone=True))
    assert (await (await marketplace.use("get_profile"))(buyer)).phone is None


async def test_a_refused_profile_change_saves_nothing(marketplace: Marketplace, buyer: str) -> None:
    with pytest.raises(InvalidValue):
        await (await marketplace.use("update_profile"))(buyer, ProfileChanges(name="Renamed", phone="12"))
    assert (await (await marketplace.use("get_profile"))(buyer)).name == "Buyer"


async def test_the_profile_of_a_missing_user_is_unauthenticated(marketplace: Marketplace) -> None:
    with pytest.raises(Unauthenticated):
        await (await marketplace.use("get_profile"))("01900000-0000-7000-8000-000000000000")


async def test_a_user_adds_changes_lists_and_removes_addresses(marketplace: Marketplace, buyer: str) -> None:
    home = await (await marketplace.use("add_address"))(buyer, pickup(label="Home"))
    office = await (await marketplace.use("add_address"))(buyer, pickup(label="Office", lat=None, lng=None))
    changed = await (await marketplace.use("change_address"))(buyer, home.id, {"city": "Bandung"})
    assert (changed.label, changed.city, changed.lat) == ("Home", "Bandung", -6.2)
    await (await marketplace.use("remove_address"))(buyer, office.id)
    listed = await (await marketplace.use("list_addresses"))(buyer)
    assert [(a.id, a.city) for a in listed] == [(home.id, "Bandung")]


async def test_another_users_address_is_not_found(marketplace: Marketplace, buyer: str, seller: str) -> None:
    home = await (await marketplace.use("add_address"))(buyer, pickup(label="Home"))
    with pytest.raises(NotFound):
        await (await marketplace.use("change_address"))(seller, home.id, {"city": "Surabaya"})
    with pytest.raises(NotFound):
        await (await marketplace.use("remove_address"))(seller, home.id)
    assert await (await marketplace.use("list_addresses"))(seller) == []
    assert [a.city for a in await (await marketplace.use("list_addresses"))(buyer)] == ["Jakarta"]
