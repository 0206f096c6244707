"""Word lists for demo data: Indonesian store names, sellers, cities, and a category tree, read from
demo_words.json next to this module."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class City:
    name: str
    district: str
    postal_code: str
    lat: float
    lng: float


@dataclass(frozen=True, slots=True)
class Leaf:
    """A subcategory and what its products are made of: nouns, materials, variant options, ranges."""

    name: str
    nouns: tuple[str, ...]
    materials: tuple[str, ...]
    options: tuple[str, ...]
    price: tuple[int, int]
    weight: tuple[int, int]


def _words(data: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(word) for word in data[key])


def _range(pair: list[int]) -> tuple[int, int]:
    low, high = pair
    return int(low), int(high)


def _leaf(raw: dict[str, Any], options: dict[str, tuple[str, ...]]) -> Leaf:
    return Leaf(
        name=raw["name"],
        nouns=_words(raw, "nouns"),
        materials=_words(raw, "materials"),
        options=options[raw["options"]],  # a leaf names one of the shared option lists
        price=_range(raw["price"]),
        weight=_range(raw["weight"]),
    )


_DATA: dict[str, Any] = json.loads(
    resources.files("marketplace.entrypoints.cli").joinpath("demo_words.json").read_text("utf-8")
)
_OPTIONS = {name: tuple(values) for name, values in _DATA["options"].items()}

SIZES = _OPTIONS["SIZES"]
SHOE_SIZES = _OPTIONS["SHOE_SIZES"]
COLOURS = _OPTIONS["COLOURS"]
VOLUMES = _OPTIONS["VOLUMES"]
PACKS = _OPTIONS["PACKS"]
CAPACITIES = _OPTIONS["CAPACITIES"]

CATEGORY_TREE: dict[str, tuple[Leaf, ...]] = {
    root: tuple(_leaf(leaf, _OPTIONS) for leaf in leaves) for root, leaves in _DATA["category_tree"].items()
}
ADJECTIVES = _words(_DATA, "adjectives")
USES = _words(_DATA, "uses")
PROMISES = _words(_DATA, "promises")
STORE_PREFIXES = _words(_DATA, "store_prefixes")
STORE_WORDS = _words(_DATA, "store_words")
STORE_SUFFIXES = _words(_DATA, "store_suffixes")
FIRST_NAMES = _words(_DATA, "first_names")
LAST_NAMES = _words(_DATA, "last_names")
STREETS = _words(_DATA, "streets")
CITIES = tuple(City(**city) for city in _DATA["cities"])
