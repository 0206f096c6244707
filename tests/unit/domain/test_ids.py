"""UUIDv7 identifiers made in the core: valid, version 7, ordered by creation time."""

from __future__ import annotations

import time
import uuid
from unittest import mock

from hypothesis import example, given
from hypothesis import strategies as st

from marketplace.domain.shared import ids
from marketplace.domain.shared.ids import is_id, new_id

MAX_MILLIS = (1 << 48) - 1


def _made_at(millis: int) -> str:
    """An id made at that moment by a fresh process (no earlier id to stay after)."""
    ids._last[:] = [0, 0]
    with mock.patch.object(time, "time_ns", return_value=millis * 1_000_000 + 123_456):
        return new_id()


@given(st.integers(min_value=0, max_value=MAX_MILLIS))
def test_a_new_id_is_a_canonical_version_7_uuid_carrying_its_creation_millisecond(millis: int) -> None:
    value = _made_at(millis)
    parsed = uuid.UUID(value)
    assert str(parsed) == value
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert parsed.int >> 80 == millis
    assert is_id(value)


@given(st.lists(st.integers(min_value=0, max_value=MAX_MILLIS), min_size=2, max_size=20, unique=True))
def test_ids_made_in_different_milliseconds_sort_by_creation_time(moments: list[int]) -> None:
    made = [_made_at(millis) for millis in sorted(moments)]
    assert sorted(made) == made


def test_ids_made_in_sequence_on_the_real_clock_sort_by_creation_time() -> None:
    made = []
    for _ in range(5):
        made.append(new_id())
        time.sleep(0.002)
    assert sorted(made) == made
    assert len(set(made)) == len(made)


def test_ids_are_unique_within_one_millisecond() -> None:
    with mock.patch.object(time, "time_ns", return_value=1_700_000_000_000_000_000):
        made = {new_id() for _ in range(1_000)}
    assert len(made) == 1_000


@given(st.uuids())
def test_is_id_accepts_every_canonical_uuid(value: uuid.UUID) -> None:
    assert is_id(str(value))


@given(st.text(max_size=40))
@example("0123456789abcdef0123456789abcdef----")
@example("{0123456789abcdef0123456789abcdef--}")
@example("01234567-89AB-CDEF-0123-456789ABCDEF")
@example("not-an-id")
def test_is_id_refuses_anything_but_the_canonical_form(text: str) -> None:
    try:
        canonical = str(uuid.UUID(text)) == text  # our ids are lower case; an upper-case one names nothing
    except ValueError:
        canonical = False
    assert is_id(text) == canonical


def test_ids_made_within_one_millisecond_still_sort_in_the_order_they_were_made() -> None:
    ids._last[:] = [0, 0]
    with mock.patch.object(time, "time_ns", return_value=1_800_000_000_000 * 1_000_000):
        made = [new_id() for _ in range(5_000)]  # more than the 12-bit counter holds in one millisecond
    assert made == sorted(made)
    assert len(set(made)) == len(made)


def test_ids_never_go_backwards_when_the_clock_does() -> None:
    ids._last[:] = [0, 0]
    with mock.patch.object(time, "time_ns", return_value=1_800_000_000_500 * 1_000_000):
        later = new_id()
    with mock.patch.object(time, "time_ns", return_value=1_800_000_000_000 * 1_000_000):
        earlier_clock = new_id()
    assert earlier_clock > later
