"""Catalog use cases: create, publish, browse (with the cache on), ownership, atomic failures."""

from __future__ import annotations

import pytest

from marketplace.application.catalog.browse_products import BrowseParams
from marketplace.application.catalog.commands import ProductChanges, VariantChanges, VariantInput
from marketplace.application.errors import Forbidden, NotFound
from marketplace.domain.shared.errors import Conflict, DuplicateSku, IllegalTransition, InvalidValue
from marketplace.domain.shared.money import Money
from marketplace.domain.shared.text import is_slug
from tests.unit.application.conftest import Marketplace


@pytest.fixture
async def store_id(marketplace: Marketplace, seller: str) -> str:
    return (await marketplace.open_store(seller)).id


async def _browse_ids(marketplace: Marketplace, **params: object) -> list[str]:
    page = await (await marketplace.use("browse_products"))(BrowseParams(**params))  # type: ignore[arg-type]
    return [card.id for card in page.items]


async def _owner_sees(marketplace: Marketplace, owner: str, store_id: str) -> list[str]:
    page = await (await marketplace.use("list_store_products"))(store_id, owner, None, 100, None)
    return [card.title for card in page.items]


async def test_a_product_is_created_as_a_draft_with_its_variants(
    marketplace: Marketplace, seller: str, store_id: str
) -> None:
    product = await marketplace.create_product(seller, store_id, skus=("RS-S", "RS-M"))
    assert product.status == "draft"
    assert [(v.sku, v.price.amount, v.stock) for v in product.variants] == [("RS-S", 150_000, 5), ("RS-M", 160_000, 5)]
    assert product.price_from.amount == 150_000
    assert is_slug(product.slug) and product.slug.startswith("red-cotton-shirt-")


async def test_a_long_title_still_gives_a_valid_slug(marketplace: Marketplace, seller: str, store_id: str) -> None:
    title = "Kaos " + "x" * 54 + " polos"  # its slug is cut at 60 characters, right after a hyphen
    product = await marketplace.create_product(seller, store_id, title)
    assert is_slug(product.slug)


async def test_a_draft_is_invisible_to_browsing_until_published(
    marketplace: Marketplace, seller: str, store_id: str
) -> None:
    product = await marketplace.create_product(seller, store_id)
    assert await _browse_ids(marketplace, q="shirt") == []
    with pytest.raises(NotFound):
        await (await marketplace.use("get_product"))(product.id, None)
    published = await (await marketplace.use("publish_product"))(seller, product.id)
    assert published.status == "active"
    assert await _browse_ids(marketplace, q="shirt") == [product.id]
    assert (await (await marketplace.use("get_product"))(product.slug, None)).id == product.id


async def test_browsing_by_text_matches_title_and_description(
    marketplace: Marketplace, seller: str, store_id: str
) -> None:
    shirt = await marketplace.create_product(seller, store_id, "Red Cotton Shirt", skus=("S-1",))
    mug = await marketplace.create_product(seller, store_id, "Ceramic Mug", skus=("M-1",))
    for product in (shirt, mug):
        await (await marketplace.use("publish_product"))(seller, product.id)
    assert await _browse_ids(marketplace, q="SHIRT") == [shirt.id]
    assert set(await _browse_ids(marketplace, q="bandung")) == {shirt.id, mug.id}  # in both descriptions
    assert await _browse_ids(marketplace, q="teapot") == []


async def test_browsing_a_category_includes_its_subcategories(
    marketplace: Marketplace, seller: str, store_id: str
) -> None:
    admin = await marketplace.admin()
    create_category = await marketplace.use("create_category")
    clothing = await create_category(admin, "Clothing", None)
    shirts = await create_category(admin, "Shirts", clothing.id)
    kitchen = await create_category(admin, "Kitchen", None)
    shirt = await marketplace.create_product(seller, store_id, "Red Shirt", skus=("S-1",), category_id=shirts.id)
    mug = await marketplace.create_product(seller, store_id, "Mug", skus=("M-1",), category_id=kitchen.id)
    for product in (shirt, mug):
        await (await marketplace.use("publish_product"))(seller, product.id)
    assert await _browse_ids(marketplace, category=clothing.id) == [shirt.id]
    assert await _browse_ids(marketplace, category=shirts.id) == [shirt.id]
    assert await _browse_ids(marketplace, category=kitchen.id) == [mug.id]


async def test_a_price_change_shows_on_the_next_browse_with_the_cache_on(
    marketplace: Marketplace, seller: str, store_id: str
) -> None:
    assert (await marketplace.use("catalog_cache")).enabled
    product = await marketplace.create_product(seller, store_id, skus=("RS-S",))
    await (await marketplace.use("publish_product"))(seller, product.id)
    browse, get_product = await marketplace.use("browse_products"), await marketplace.use("get_product")
    for _ in range(2):  # the second read comes from the cache
        assert [c.price_from.amount for c in (await browse(BrowseParams(q="shirt"))).items] == [150_000]
        assert (await get_product(product.id, None)).variants[0].price.amount == 150_000
    await (await marketplace.use("change_variant"))(
        seller, product.id, product.variants[0].id, VariantChanges(price=Money(99_000))
    )
    assert [c.price_from.amount for c in (await browse(BrowseParams(q="shirt"))).items] == [99_000]
    assert (await get_product(product.id, None)).variants[0].price.amount == 99_000


async def test_a_non_owner_changing_a_visible_product_is_forbidden(
    marketplace: Marketplace, seller: str, buyer: str, store_id: str
) -> None:
    product = await marketplace.create_product(seller, store_id)
    await (await marketplace.use("publish_product"))(seller, product.id)
    with pytest.raises(Forbidden):
        await (await marketplace.use("update_product"))(buyer, product.id, ProductChanges(title="Stolen"))
    with pytest.raises(Forbidden):
        await (await marketplace.use("archive_product"))(buyer, product.id)
    assert (await (await marketplace.use("get_product"))(product.id, None)).title == "Red Cotton Shirt"


async def test_a_non_owner_changing_a_draft_is_told_it_is_not_found(
    marketplace: Marketplace, seller: str, buyer: str, store_id: str
) -> None:
    product = await marketplace.create_product(seller, store_id)
    with pytest.raises(NotFound):
        await (await marketplace.use("update_product"))(buyer, product.id, ProductChanges(title="Stolen"))
    with pytest.raises(NotFound):
        await (await marketplace.use("publish_product"))(buyer, product.id)
    assert (await (await marketplace.use("get_product"))(product.id, seller)).status == "draft"


async def test_a_failed_create_product_commits_nothing(marketplace: Marketplace, seller: str, store_id: str) -> None:
    await marketplace.create_product(seller, store_id, "Red Cotton Shirt", skus=("RS-S",))
    with pytest.raises(DuplicateSku):
        await marketplace.create_product(seller, store_id, "Blue Cotton Shirt", skus=("BS-S", "RS-S"))
    with pytest.raises(DuplicateSku):
        await marketplace.create_product(seller, store_id, "Green Cotton Shirt", skus=("GS-S", "GS-S"))
    assert await _owner_sees(marketplace, seller, store_id) == ["Red Cotton Shirt"]


async def test_a_sku_may_repeat_across_stores(marketplace: Marketplace, seller: str, buyer: str, store_id: str) -> None:
    other_store = (await marketplace.open_store(buyer, "Toko Lain")).id
    await marketplace.create_product(seller, store_id, skus=("RS-S",))
    product = await marketplace.create_product(buyer, other_store, skus=("RS-S",))
    assert [v.sku for v in product.variants] == ["RS-S"]


async def test_a_failed_variant_change_commits_nothing(marketplace: Marketplace, seller: str, store_id: str) -> None:
    product = await marketplace.create_product(seller, store_id, skus=("RS-S",))
    variant_id = product.variants[0].id
    with pytest.raises(InvalidValue):
        await (await marketplace.use("change_variant"))(
            seller, product.id, variant_id, VariantChanges(name="Renamed", stock=-1)
        )
    with pytest.raises(Conflict):
        await (await marketplace.use("remove_variant"))(seller, product.id, variant_id)
    detail = await (await marketplace.use("get_product"))(product.id, seller)
    assert [(v.name, v.stock) for v in detail.variants] == [("size RS-S", 5)]


async def test_variants_are_added_and_removed_by_the_owner(
    marketplace: Marketplace, seller: str, store_id: str
) -> None:
    product = await marketplace.create_product(seller, store_id, skus=("RS-S",))
    added = await (await marketplace.use("add_variant"))(
        seller, product.id, VariantInput("RS-XL", "XL", 175_000, 2, 250)
    )
    with pytest.raises(DuplicateSku):
        await (await marketplace.use("add_variant"))(seller, product.id, VariantInput("RS-XL", "XL", 1, 1, 1))
    await (await marketplace.use("remove_variant"))(seller, product.id, product.variants[0].id)
    detail = await (await marketplace.use("get_product"))(product.id, seller)
    assert [(v.id, v.sku) for v in detail.variants] == [(added.id, "RS-XL")]


async def test_publishing_twice_is_an_illegal_transition(marketplace: Marketplace, seller: str, store_id: str) -> None:
    product = await marketplace.create_product(seller, store_id)
    publish = await marketplace.use("publish_product")
    await publish(seller, product.id)
    with pytest.raises(IllegalTransition):
        await publish(seller, product.id)
    archived = await (await marketplace.use("archive_product"))(seller, product.id)
    assert archived.status == "archived"
    assert await _browse_ids(marketplace) == []


async def test_the_owner_sees_every_status_and_others_only_active_products(
    marketplace: Marketplace, seller: str, buyer: str, store_id: str
) -> None:
    draft = await marketplace.create_product(seller, store_id, "Draft Shirt", skus=("D-1",))
    active = await marketplace.create_product(seller, store_id, "Active Shirt", skus=("A-1",))
    await (await marketplace.use("publish_product"))(seller, active.id)
    listing = await marketplace.use("list_store_products")
    assert {c.id for c in (await listing(store_id, seller, None, 20, None)).items} == {draft.id, active.id}
    assert [c.id for c in (await listing(store_id, buyer, None, 20, None)).items] == [active.id]
    assert (await listing(store_id, None, "draft", 20, None)).items == []
