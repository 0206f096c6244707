"""Clock and IdGenerator contracts: aware UTC time that does not run backwards; canonical, ordered ids."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.adapters.system import SystemClock, Uuid7Ids
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.shared.ids import is_id


@pytest.fixture(params=[SystemClock], ids=["system"])
def clock(request: pytest.FixtureRequest) -> Clock:
    return request.param()


@pytest.fixture(params=[Uuid7Ids], ids=["uuid7"])
def ids(request: pytest.FixtureRequest) -> IdGenerator:
    return request.param()


def test_the_clock_gives_aware_utc_time(clock: Clock) -> None:
    first, second = clock.now(), clock.now()
    assert first.utcoffset() == timedelta(0)
    assert second >= first


def test_ids_are_canonical_unique_and_in_creation_order(ids: IdGenerator) -> None:
    made = [ids.new_id() for _ in range(2_000)]
    assert all(is_id(value) for value in made)
    assert len(set(made)) == len(made)
    assert made == sorted(made)
