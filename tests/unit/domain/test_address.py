"""Postal addresses and coordinates."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from marketplace.domain.shared.address import GeoPoint, PostalAddress
from marketplace.domain.shared.errors import InvalidValue

VALID_PHONE = re.compile(r"\+?[0-9]{6,16}")


def _address(**changes: object) -> PostalAddress:
    values: dict[str, object] = {
        "recipient": "Budi",
        "phone": "081234567890",
        "line1": "Jl. Sudirman 1",
        "city": "Jakarta",
        "postal_code": "10110",
        "lat": -6.2,
        "lng": 106.8,
    }
    values.update(changes)
    return PostalAddress.create(**values)  # type: ignore[arg-type]


@given(st.floats(min_value=-90, max_value=90), st.floats(min_value=-180, max_value=180))
def test_a_point_within_the_globe_is_accepted(lat: float, lng: float) -> None:
    point = GeoPoint(lat, lng)
    assert (point.lat, point.lng) == (lat, lng)


@given(st.floats().filter(lambda f: not -90 <= f <= 90), st.floats(min_value=-180, max_value=180))
def test_a_latitude_outside_minus_90_to_90_is_refused(lat: float, lng: float) -> None:
    with pytest.raises(InvalidValue) as raised:
        GeoPoint(lat, lng)
    assert raised.value.field == "lat"


@given(st.floats(min_value=-90, max_value=90), st.floats().filter(lambda f: not -180 <= f <= 180))
def test_a_longitude_outside_minus_180_to_180_is_refused(lat: float, lng: float) -> None:
    with pytest.raises(InvalidValue) as raised:
        GeoPoint(lat, lng)
    assert raised.value.field == "lng"


def test_not_a_number_is_no_coordinate() -> None:
    for lat, lng in ((math.nan, 0.0), (0.0, math.nan)):
        with pytest.raises(InvalidValue):
            GeoPoint(lat, lng)


@given(st.text(max_size=20))
@example("¹²³⁴⁵⁶⁷")
@example("+٠١٢٣٤٥٦٧")
@example("0812345678")
def test_an_accepted_phone_is_six_to_sixteen_ascii_digits_after_an_optional_plus(phone: str) -> None:
    try:
        address = _address(phone=phone)
    except InvalidValue as error:
        assert error.field == "phone"
        assert not VALID_PHONE.fullmatch(phone.strip())
        return
    assert VALID_PHONE.fullmatch(address.phone)


def test_an_address_keeps_its_cleaned_fields_and_point() -> None:
    address = _address(label=" Home ", recipient=" Budi ")
    assert (address.label, address.recipient, address.city) == ("Home", "Budi", "Jakarta")
    assert address.point == GeoPoint(-6.2, 106.8)


def test_an_address_may_have_no_point_unless_one_is_required() -> None:
    assert _address(lat=None, lng=None).point is None
    with pytest.raises(InvalidValue) as raised:
        _address(lat=None, lng=None, require_point=True)
    assert raised.value.field == "lat"


@pytest.mark.parametrize(("lat", "lng", "field"), [(None, 106.8, "lat"), (-6.2, None, "lng")])
def test_latitude_and_longitude_come_together(lat: float | None, lng: float | None, field: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        _address(lat=lat, lng=lng)
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("recipient", ""),
        ("line1", "  "),
        ("city", "x" * 121),
        ("postal_code", "1" * 13),
        ("phone", "12345"),
        ("phone", "+12a4567"),
        ("phone", "1" * 17),
    ],
)
def test_an_address_with_a_bad_field_is_refused_naming_the_field(field: str, value: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        _address(**{field: value})
    assert raised.value.field == field
