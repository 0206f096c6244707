"""Who sees what: anonymous viewers see active products of active stores; owners and admins see all."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.catalog.product import ProductStatus
from marketplace.domain.catalog.visibility import Viewer, can_see_product, can_see_store, product_is_public
from marketplace.domain.stores.store import StoreStatus

OWNER = "owner-id"
product_statuses = st.sampled_from(list(ProductStatus))
store_statuses = st.sampled_from(list(StoreStatus))
strangers = st.builds(Viewer, user_id=st.one_of(st.none(), st.sampled_from(["someone-else", "another-one"])))


def _public(product: ProductStatus, store: StoreStatus) -> bool:
    return product is ProductStatus.ACTIVE and store is StoreStatus.ACTIVE


@given(product_statuses, store_statuses)
def test_anonymous_viewers_see_only_active_products_of_active_stores(
    product: ProductStatus, store: StoreStatus
) -> None:
    seen = can_see_product(Viewer.anonymous(), owner_id=OWNER, product_status=product, store_status=store)
    assert seen == _public(product, store) == product_is_public(product, store)


@given(strangers, product_statuses, store_statuses)
def test_users_who_do_not_own_the_store_see_only_public_products(
    viewer: Viewer, product: ProductStatus, store: StoreStatus
) -> None:
    assert can_see_product(viewer, owner_id=OWNER, product_status=product, store_status=store) == _public(
        product, store
    )


@given(product_statuses, store_statuses)
def test_the_owner_sees_every_product_of_their_store(product: ProductStatus, store: StoreStatus) -> None:
    assert can_see_product(Viewer(user_id=OWNER), owner_id=OWNER, product_status=product, store_status=store)


@given(st.sampled_from(["admin-id", OWNER]), product_statuses, store_statuses)
def test_admins_see_every_product(admin_id: str, product: ProductStatus, store: StoreStatus) -> None:
    assert can_see_product(
        Viewer(user_id=admin_id, is_admin=True), owner_id=OWNER, product_status=product, store_status=store
    )


@given(strangers, store_statuses)
def test_only_active_stores_are_seen_by_strangers(viewer: Viewer, status: StoreStatus) -> None:
    assert can_see_store(viewer, owner_id=OWNER, status=status) == (status is StoreStatus.ACTIVE)


@given(store_statuses)
def test_owners_and_admins_see_a_store_whatever_its_status(status: StoreStatus) -> None:
    assert can_see_store(Viewer(user_id=OWNER), owner_id=OWNER, status=status)
    assert can_see_store(Viewer(user_id="admin-id", is_admin=True), owner_id=OWNER, status=status)
