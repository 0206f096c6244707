"""ShippingGateway contract: options by distance and weight, cheaper nearby, none beyond reach.

Only the in-memory courier exists yet; the GoSend adapter (against its sandbox) joins with the
shipping issue.
"""

from __future__ import annotations

from typing import Any

import pytest

from marketplace.adapters.memory.shipping import MemoryShippingGateway, haversine_km
from marketplace.application.ports.shipping import ShippingMethod
from marketplace.domain.shared.address import GeoPoint

MONAS = GeoPoint(-6.1754, 106.8272)  # Jakarta
BLOK_M = GeoPoint(-6.2444, 106.7991)  # about 8 km away
BOGOR = GeoPoint(-6.5971, 106.8060)  # about 47 km away
BANDUNG = GeoPoint(-6.9175, 107.6191)  # about 120 km away


@pytest.fixture(params=["memory"])
def gateway(request: pytest.FixtureRequest) -> Any:
    return MemoryShippingGateway()


def test_the_distance_is_the_great_circle() -> None:
    assert 7 < haversine_km(MONAS, BLOK_M) < 9
    assert haversine_km(MONAS, MONAS) == 0


async def test_a_trip_in_town_has_both_methods_and_a_longer_one_costs_more(gateway: Any) -> None:
    near = {o.method: o for o in await gateway.quote(MONAS, BLOK_M, 1_000)}
    assert set(near) == {ShippingMethod.INSTANT, ShippingMethod.SAME_DAY}
    assert all(o.price > 0 and o.currency == "IDR" and o.eta for o in near.values())
    farther = {o.method: o for o in await gateway.quote(MONAS, BOGOR, 1_000)}
    assert set(farther) == {ShippingMethod.SAME_DAY}, "Instant only serves short trips"
    assert farther[ShippingMethod.SAME_DAY].price > near[ShippingMethod.SAME_DAY].price


async def test_trips_beyond_reach_and_parcels_too_heavy_have_no_option(gateway: Any) -> None:
    assert await gateway.quote(MONAS, BANDUNG, 1_000) == []
    assert await gateway.quote(MONAS, BLOK_M, 25_000) == []
