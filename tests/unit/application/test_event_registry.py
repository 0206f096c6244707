"""Every domain event names a stable topic of its own, one class per topic, and its stored payload
decodes back into the very event that was written (datetimes, enums, tuples and ints included)."""

from __future__ import annotations

import enum
import importlib
import pkgutil
import sys
import types
import typing
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

import marketplace.domain
from marketplace.application.events import EVENTS, EventRegistry, UndecodablePayload, UnknownTopic
from marketplace.domain.shared.events import DomainEvent

# The topics stored rows carry today. A change here orphans stored messages: add a topic, never rename one.
STORED_TOPICS = {
    "UserRegistered",
    "StoreOpened",
    "StoreSuspended",
    "StoreReinstated",
    "ProductPublished",
    "ProductArchived",
    "CheckoutPlaced",
    "CheckoutSettled",
    "PaymentFlagged",
    "LatePaymentReceived",
    "RefundRecorded",
    "OrderStatusChanged",
    "ShipmentStatusChanged",
    "PayoutRequested",
    "PayoutSettled",
    "CmsPagePublished",
    "CmsPageUnpublished",
    "CmsBannerPublished",
    "CmsBannerUnpublished",
}


def _domain_event_classes() -> set[type[DomainEvent]]:
    for module in pkgutil.walk_packages(marketplace.domain.__path__, "marketplace.domain."):
        importlib.import_module(module.name)
    found: set[type[DomainEvent]] = set()
    todo = list(DomainEvent.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        # The class its module holds (slots=True leaves a discarded first draft behind), and none a test defines.
        if (
            cls.__module__.startswith("marketplace.domain.")
            and vars(sys.modules[cls.__module__]).get(cls.__name__) is cls
        ):
            found.add(cls)
    return found


def test_every_domain_event_class_is_registered_under_a_topic_of_its_own() -> None:
    classes = _domain_event_classes()
    assert classes == set(EVENTS.classes), "register every event class in application/events.py"
    assert all(isinstance(vars(cls).get("topic"), str) for cls in classes)
    assert len({cls.topic for cls in classes}) == len(classes)


def test_topics_are_the_names_stored_messages_already_carry() -> None:
    assert set(EVENTS.topics) == STORED_TOPICS


def test_a_class_without_a_topic_of_its_own_is_refused() -> None:
    @dataclass(frozen=True, slots=True)
    class Nameless(DomainEvent):
        thing_id: str

    @dataclass(frozen=True, slots=True)
    class Inheriting(Sampled):
        extra: int = 0

    for cls in (Nameless, Inheriting):
        with pytest.raises(TypeError, match="names no topic"):
            EventRegistry([cls])


def test_two_classes_on_one_topic_are_refused() -> None:
    @dataclass(frozen=True, slots=True)
    class Impostor(DomainEvent):
        topic: ClassVar[str] = "OrderStatusChanged"

    with pytest.raises(ValueError, match="share topic 'OrderStatusChanged'"):
        EventRegistry([*EVENTS.classes, Impostor])


def test_an_unknown_topic_or_a_payload_that_does_not_fit_is_an_error() -> None:
    with pytest.raises(UnknownTopic):
        EVENTS.decode("OrderPaidLater", {})
    with pytest.raises(UndecodablePayload, match="UserRegistered"):
        EVENTS.decode("UserRegistered", {"user_id": 7})


class Colour(enum.StrEnum):
    RED = "red"
    GREEN = "green"


class Size(enum.IntEnum):
    SMALL = 1
    LARGE = 2


@dataclass(frozen=True, slots=True)
class Sampled(DomainEvent):
    """Test-only: the kinds of field an event may grow beyond today's str, int, bool and datetime."""

    topic: ClassVar[str] = "tests.sampled.v1"

    colour: Colour
    size: Size
    tags: tuple[str, ...]
    at: datetime
    when: datetime | None
    amount: int
    note: str | None


WITH_SAMPLED = EventRegistry([*EVENTS.classes, Sampled])
INTS = st.integers(-(2**63), 2**63 - 1)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-3, minutes=-30))])
DATETIMES = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 30), timezones=ZONES)


def _values(hint: Any) -> st.SearchStrategy[Any]:
    if hint is bool:
        return st.booleans()
    if hint is int:
        return INTS
    if hint is str:
        return st.text()
    if hint is datetime:
        return DATETIMES
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(hint)
    args = typing.get_args(hint)
    if typing.get_origin(hint) is tuple:
        return st.lists(_values(args[0]), max_size=5).map(tuple)
    if isinstance(hint, types.UnionType) and type(None) in args:
        return st.none() | _values(next(a for a in args if a is not type(None)))
    raise AssertionError(f"no strategy for {hint!r}: teach the codec test about it")


def _events(cls: type[DomainEvent]) -> st.SearchStrategy[DomainEvent]:
    hints = typing.get_type_hints(cls)
    return st.builds(cls, **{f.name: _values(hints[f.name]) for f in fields(cls)})


def _topic(cls: type[DomainEvent]) -> str:
    return cls.topic


SAMPLED_CLASSES = sorted(WITH_SAMPLED.classes, key=_topic)


@pytest.mark.parametrize("cls", SAMPLED_CLASSES, ids=_topic)
@given(data=st.data())
def test_a_stored_payload_decodes_back_into_the_event_written(cls: type[DomainEvent], data: st.DataObject) -> None:
    event = data.draw(_events(cls))
    stored = msgspec.json.decode(msgspec.json.encode(event.payload()))  # as a JSON column gives it back
    decoded = WITH_SAMPLED.decode(event.topic, stored)
    assert type(decoded) is cls and decoded == event
