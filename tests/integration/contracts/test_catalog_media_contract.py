"""CatalogQueries show a product's media: every image in the detail, the first one's thumbnail in lists."""

from __future__ import annotations

from marketplace.application.catalog.views import ProductQuery
from marketplace.domain.shared.ids import new_id
from tests.integration.contracts.conftest import Backend, a_product, a_store, a_user


async def test_media_ids_become_links_in_details_and_the_first_a_thumbnail_in_lists(backend: Backend) -> None:
    owner = a_user()
    store = a_store(owner)
    with_media, without = a_product(store, title="Songket"), a_product(store, title="Lurik")
    first, second = new_id(), new_id()
    with_media.media_ids = [first, second]
    await backend.importer.import_batch(users=[owner], stores=[store], categories=[], products=[with_media, without])

    record = await backend.queries.product(with_media.id)
    assert record is not None
    assert [(m.id, m.url, m.thumbnail_url) for m in record.detail.media] == [
        (first, f"/api/v1/media/{first}", f"/api/v1/media/{first}/thumbnail"),
        (second, f"/api/v1/media/{second}", f"/api/v1/media/{second}/thumbnail"),
    ]
    cards = {card.id: card for card in (await backend.queries.browse(ProductQuery(store_id=store.id))).items}
    assert cards[with_media.id].thumbnail_url == f"/api/v1/media/{first}/thumbnail"
    assert cards[without.id].thumbnail_url is None
