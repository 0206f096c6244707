"""Slugs and text rules."""

from __future__ import annotations

import string

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from marketplace.domain.shared.errors import InvalidValue
from marketplace.domain.shared.text import MAX_SLUG, clean_text, is_slug, slugify

SLUG_CHARS = set(string.ascii_lowercase + string.digits + "-")


def _reference_is_slug(text: str) -> bool:
    return (
        0 < len(text) <= MAX_SLUG
        and set(text) <= SLUG_CHARS
        and not text.startswith("-")
        and not text.endswith("-")
        and "--" not in text
    )


@given(st.text())
@example("Ünïcödé — 商品 ✓")
@example("-" * 200)
@example("a" * 79 + " b")
def test_slugify_always_yields_a_valid_slug(text: str) -> None:
    assert is_slug(slugify(text))


@given(st.text())
def test_slugify_is_idempotent(text: str) -> None:
    once = slugify(text)
    assert slugify(once) == once


@given(st.text(alphabet=string.punctuation + string.whitespace + "商品✓—"))
def test_slugify_never_returns_an_empty_slug(text: str) -> None:
    assert slugify(text) == "item"
    assert slugify(text, fallback="store") == "store"


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Red Shirt!", "red-shirt"), ("  Café  Crème ", "cafe-creme"), ("A--B__C", "a-b-c"), ("ＲＥＤ", "red")],
)
def test_slugify_keeps_words_as_lower_case_ascii(text: str, slug: str) -> None:
    assert slugify(text) == slug


@given(st.text())
@example("abc\n")
@example("abc-")
@example("a--b")
def test_is_slug_accepts_exactly_lower_case_words_joined_by_single_hyphens(text: str) -> None:
    assert is_slug(text) == _reference_is_slug(text)


@given(st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=40).filter(str.strip))
def test_clean_text_strips_surrounding_space(text: str) -> None:
    assert clean_text("name", f"  {text}\n", max_length=100) == text.strip()


@pytest.mark.parametrize("value", ["", "   ", "x" * 11, "bell\x07"])
def test_clean_text_refuses_empty_too_long_and_control_characters(value: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        clean_text("name", value, max_length=10)
    assert raised.value.field == "name"
