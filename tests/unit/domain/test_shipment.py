"""The Shipment aggregate: a booking's status only moves forward, and the same reports give the same
timeline and status however often and in whatever order they arrive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.shared.errors import Conflict, InvalidValue
from marketplace.domain.shipping.shipment import Courier, Shipment
from marketplace.domain.shipping.status import BookingStatus as B

T0 = datetime(2026, 11, 26, 9, tzinfo=UTC)
HAPPY = [B.CONFIRMED, B.ALLOCATED, B.OUT_FOR_PICKUP, B.PICKED, B.OUT_FOR_DELIVERY, B.DELIVERED]
NOTHING = Courier()


def a_shipment() -> Shipment:
    shipment = Shipment(order_id="o1", store_id="s1", buyer_id="b1")
    shipment.add_booking("GK-1", "o1-1", "instant", B.CONFIRMED, T0, NOTHING)
    return shipment


def stream(statuses: list[B]) -> list[tuple[B, datetime]]:
    return [(status, T0 + timedelta(minutes=i)) for i, status in enumerate(statuses)]


def play(events: list[tuple[B, datetime]]) -> Shipment:
    shipment = a_shipment()
    for status, at in events:
        shipment.report("GK-1", status, at, NOTHING, at)
    return shipment


def timeline(shipment: Shipment) -> list[tuple[B, datetime]]:
    booking = shipment.current
    assert booking is not None
    return [(point.status, point.at) for point in booking.timeline]


def test_the_happy_path_moves_through_every_status_and_records_each_once() -> None:
    shipment = play(stream(HAPPY))
    assert [status for status, _ in timeline(shipment)] == HAPPY
    assert shipment.current is not None and shipment.current.status is B.DELIVERED
    assert shipment.live is None and not shipment.may_book()
    events = shipment.pull_events()
    assert [e.payload()["status"] for e in events] == [s.value for s in HAPPY]  # the add counts as confirmed


def test_on_hold_moves_nothing_outside_its_window_and_shows_while_held() -> None:
    early = play(stream([B.CONFIRMED, B.ON_HOLD]))
    assert early.current is not None and early.current.status is B.CONFIRMED  # not yet out for pickup
    held = play(stream([B.CONFIRMED, B.ALLOCATED, B.OUT_FOR_PICKUP, B.PICKED, B.ON_HOLD]))
    assert held.current is not None and held.current.status is B.ON_HOLD and held.live is not None
    resumed = play(stream([B.CONFIRMED, B.ALLOCATED, B.OUT_FOR_PICKUP, B.PICKED, B.ON_HOLD, B.OUT_FOR_DELIVERY]))
    assert resumed.current is not None and resumed.current.status is B.OUT_FOR_DELIVERY


def test_final_statuses_end_the_booking_and_nothing_after_them_applies() -> None:
    shipment = play(stream([B.CONFIRMED, B.ALLOCATED, B.NO_DRIVER, B.PICKED, B.DELIVERED]))
    assert shipment.current is not None and shipment.current.status is B.NO_DRIVER
    assert [s for s, _ in timeline(shipment)] == [B.CONFIRMED, B.ALLOCATED, B.NO_DRIVER]
    delivered = play(stream([*HAPPY, B.CANCELLED, B.REJECTED]))
    assert delivered.current is not None and delivered.current.status is B.DELIVERED


def test_a_status_behind_the_furthest_one_does_not_move_it_back() -> None:
    at = T0 + timedelta(minutes=10)
    shipment = play([(B.PICKED, at), (B.ALLOCATED, at + timedelta(minutes=1))])
    assert shipment.current is not None and shipment.current.status is B.PICKED
    assert B.ALLOCATED not in [s for s, _ in timeline(shipment)]  # it came after picked: a stale report


def test_a_late_report_of_an_earlier_step_fills_the_timeline_without_moving_the_status() -> None:
    events = stream(HAPPY)
    shipment = play([events[0], events[3], events[1], events[2]])
    assert [s for s, _ in timeline(shipment)] == HAPPY[:4]
    assert shipment.current is not None and shipment.current.status is B.PICKED


def test_the_earliest_time_of_a_status_is_kept() -> None:
    shipment = play([(B.ALLOCATED, T0 + timedelta(minutes=5)), (B.ALLOCATED, T0 + timedelta(minutes=2))])
    assert timeline(shipment)[-1] == (B.ALLOCATED, T0 + timedelta(minutes=2))


def test_reports_answer_whether_they_changed_the_status_and_record_an_event_only_then() -> None:
    shipment = a_shipment()
    shipment.pull_events()
    assert shipment.report("GK-1", B.ALLOCATED, T0, Courier(driver_name="Budi"), T0) is True
    assert shipment.report("GK-1", B.ALLOCATED, T0, Courier(driver_phone="62811"), T0) is False
    assert [e.payload()["status"] for e in shipment.pull_events()] == ["allocated"]
    assert shipment.current is not None and shipment.current.courier == Courier(
        driver_name="Budi", driver_phone="62811"
    )


def test_a_new_attempt_only_after_a_failed_booking() -> None:
    shipment = a_shipment()
    assert shipment.next_reference() == "o1-2"
    with pytest.raises(Conflict):
        shipment.add_booking("GK-2", "o1-2", "instant", B.CONFIRMED, T0, NOTHING)
    shipment.report("GK-1", B.NO_DRIVER, T0 + timedelta(minutes=1), NOTHING, T0)
    assert shipment.may_book()
    shipment.add_booking("GK-2", "o1-2", "instant", B.CONFIRMED, T0 + timedelta(minutes=2), NOTHING)
    assert [b.booking_id for b in shipment.attempts] == ["GK-1", "GK-2"] and shipment.live is not None
    with pytest.raises(Conflict):
        shipment.add_booking("GK-1", "o1-3", "instant", B.CONFIRMED, T0, NOTHING)
    with pytest.raises(InvalidValue):
        shipment.report("GK-9", B.ALLOCATED, T0, NOTHING, T0)


ALL = list(B)


@given(
    st.lists(st.sampled_from(ALL), min_size=1, max_size=12).flatmap(
        lambda statuses: st.tuples(
            st.just(statuses),
            st.permutations(list(range(len(statuses)))),
            st.lists(st.integers(0, len(statuses) - 1), max_size=10),
        )
    )
)
def test_any_order_and_any_repeats_give_the_same_timeline_and_status(
    case: tuple[list[B], list[int], list[int]],
) -> None:
    statuses, order, repeats = case
    events = stream(statuses)
    orderly = play(events)
    shuffled = play([events[i] for i in order] + [events[i] for i in repeats])
    assert timeline(shuffled) == timeline(orderly)
    assert shuffled.current is not None and orderly.current is not None
    assert shuffled.current.status is orderly.current.status


@given(st.lists(st.sampled_from(ALL), max_size=15))
def test_the_status_never_moves_back_along_the_forward_order(statuses: list[B]) -> None:
    rank = {status: i for i, status in enumerate(HAPPY)}
    shipment = a_shipment()
    furthest = 0
    for i, status in enumerate(statuses):
        at = T0 + timedelta(minutes=i + 1)
        shipment.report("GK-1", status, at, NOTHING, at)
        assert shipment.current is not None
        current = shipment.current.status
        if current in rank:
            assert rank[current] >= furthest
            furthest = rank[current]
