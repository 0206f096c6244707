"""Store use cases: open, update, suspend; a suspended store is hidden from everyone but insiders."""

from __future__ import annotations

import asyncio

import pytest

from marketplace.application.catalog.browse_products import BrowseParams
from marketplace.application.errors import Forbidden, NotFound
from marketplace.application.stores.update_store import StoreChanges
from marketplace.domain.shared.text import is_slug
from tests.unit.application.conftest import Marketplace


async def test_opening_a_store_makes_the_user_its_seller(marketplace: Marketplace, seller: str) -> None:
    store = await marketplace.open_store(seller, "Toko Budi")
    assert (store.slug, store.owner_id, store.status) == ("toko-budi", seller, "active")
    assert (await (await marketplace.use("get_profile"))(seller)).store_ids == [store.id]


async def test_a_second_store_with_the_same_name_gets_a_distinct_valid_slug(
    marketplace: Marketplace, seller: str, buyer: str
) -> None:
    name = "Warung " + "x" * 62 + " enak"  # its slug is cut at 70 characters, right after a hyphen
    first = await marketplace.open_store(seller, name)
    second = await marketplace.open_store(buyer, name)
    assert first.slug != second.slug
    assert is_slug(first.slug) and is_slug(second.slug)


async def test_the_owner_updates_their_store(marketplace: Marketplace, seller: str) -> None:
    store = await marketplace.open_store(seller)
    await (await marketplace.use("update_store"))(seller, store.id, StoreChanges(name="Toko Baru", description="New"))
    shown = await (await marketplace.use("get_store"))(store.slug, None)
    assert (shown.name, shown.description, shown.slug) == ("Toko Baru", "New", store.slug)


async def test_a_non_owner_cannot_update_a_store(marketplace: Marketplace, seller: str, buyer: str) -> None:
    store = await marketplace.open_store(seller)
    with pytest.raises(Forbidden):
        await (await marketplace.use("update_store"))(buyer, store.id, StoreChanges(name="Mine now"))
    assert (await (await marketplace.use("get_store"))(store.id, None)).name == "Toko Budi"


async def test_a_non_admin_cannot_suspend_a_store(marketplace: Marketplace, seller: str, buyer: str) -> None:
    store = await marketplace.open_store(seller)
    for user in (buyer, seller):
        with pytest.raises(Forbidden):
            await (await marketplace.use("suspend_store"))(user, store.id)
    assert (await (await marketplace.use("get_store"))(store.id, None)).status == "active"


async def test_a_suspended_store_is_not_found_by_others_but_seen_by_its_owner_and_admins(
    marketplace: Marketplace, seller: str, buyer: str
) -> None:
    admin = await marketplace.admin()
    store = await marketplace.open_store(seller)
    suspended = await (await marketplace.use("suspend_store"))(admin, store.id)
    assert suspended.status == "suspended"
    get_store = await marketplace.use("get_store")
    for stranger in (buyer, None):
        with pytest.raises(NotFound):
            await get_store(store.id, stranger)
    assert (await get_store(store.slug, seller)).status == "suspended"
    assert (await get_store(store.id, admin)).status == "suspended"
    assert (await (await marketplace.use("browse_stores"))(None, 20, None)).items == []


async def test_a_suspended_stores_products_disappear_until_it_is_reinstated(
    marketplace: Marketplace, seller: str
) -> None:
    admin = await marketplace.admin()
    store = await marketplace.open_store(seller)
    product = await marketplace.create_product(seller, store.id)
    await (await marketplace.use("publish_product"))(seller, product.id)
    browse = await marketplace.use("browse_products")
    assert [c.id for c in (await browse(BrowseParams())).items] == [product.id]
    await (await marketplace.use("suspend_store"))(admin, store.id)
    assert (await browse(BrowseParams())).items == []
    with pytest.raises(NotFound):
        await (await marketplace.use("get_product"))(product.id, None)
    await (await marketplace.use("unsuspend_store"))(admin, store.id)
    assert [c.id for c in (await browse(BrowseParams())).items] == [product.id]


async def test_an_admin_made_from_an_existing_account_keeps_it(marketplace: Marketplace, buyer: str) -> None:
    promoted = await marketplace.admin("buyer@example.com")
    assert promoted == buyer
    assert (await (await marketplace.use("get_profile"))(buyer)).is_admin


async def test_browsing_stores_lists_active_stores_newest_first_in_pages(marketplace: Marketplace, seller: str) -> None:
    opened = []
    for name in ("Toko Satu", "Toko Dua", "Toko Tiga"):
        opened.append(await marketplace.open_store(seller, name))
        await asyncio.sleep(0.002)  # UUIDv7 ids order by creation across milliseconds, not within one
    browse = await marketplace.use("browse_stores")
    first = await browse(None, 2, None)
    second = await browse(None, 2, first.next_cursor)
    assert [s.id for s in first.items + second.items] == [s.id for s in reversed(opened)]
    assert second.next_cursor is None
    assert [s.name for s in (await browse("dua", 20, None)).items] == ["Toko Dua"]
