"""The workloads: 50 search queries built from the seeded catalog, the first page, product details, liveness."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from _loadgen import fetch

PLAIN = "/api/v1/products?limit=20"
TRIVIAL = "/health/live"
SORTS = ("relevance", "price_asc", "price_desc", "newest")
PRICE_RANGES: tuple[tuple[int | None, int | None], ...] = (
    (None, 100_000),
    (50_000, 300_000),
    (100_000, 750_000),
    (250_000, None),
    (None, 500_000),
    (20_000, 2_000_000),
)


class WorkloadError(Exception):
    """The catalog cannot give us queries (empty, or the API answers errors)."""


@dataclass
class Category:
    id: str
    name: str
    subtree: list[str]  # its own id and every descendant's
    titles: list[str] = field(default_factory=list)


def _flatten(nodes: list[dict[str, Any]], into: list[Category]) -> list[str]:
    ids: list[str] = []
    for node in nodes:
        below = _flatten(node.get("children") or [], into)
        into.append(Category(node["id"], node["name"], [node["id"], *below]))
        ids += [node["id"], *below]
    return ids


async def _json(port: int, path: str) -> Any:
    status, body = await fetch(port, path, timeout=30)
    if status != 200:
        raise WorkloadError(f"GET {path} answered {status}: {body[:200]!r}")
    return json.loads(body)


async def discover(port: int, per_category: int = 40, allow_empty: bool = False) -> list[Category]:
    """Every category with titles of some of its products (so search words really occur there)."""
    tree = await _json(port, "/api/v1/categories")
    categories: list[Category] = []
    _flatten(tree["items"], categories)
    for category in categories:
        page = await _json(port, f"/api/v1/products?{urlencode({'category': category.id, 'limit': per_category})}")
        category.titles = [item["title"] for item in page["items"]]
    found = [c for c in categories if c.titles]
    if not found and not allow_empty:
        raise WorkloadError("no category has products: seed the catalog first")
    return found


async def detail_paths(port: int, count: int = 20) -> list[str]:
    """`GET /api/v1/products/{id}` of the first page's products (the detail workload)."""
    page = await _json(port, f"/api/v1/products?limit={count}")
    return [f"/api/v1/products/{item['id']}" for item in page["items"]]


def demo_word_categories() -> list[Category]:
    """Category-less stand-ins from the seed's own word lists (for an empty catalog: smoke tests)."""
    from marketplace.entrypoints.cli import demo_words

    return [
        Category("", leaf.name, [], [f"{noun} {material}" for noun in leaf.nouns for material in leaf.materials])
        for leaves in demo_words.CATEGORY_TREE.values()
        for leaf in leaves
    ]


def _words(title: str) -> list[str]:
    return [w for w in "".join(ch.lower() if ch.isalnum() else " " for ch in title).split() if len(w) >= 3]


def build_queries(categories: list[Category], count: int = 50, seed: int = 7) -> list[str]:
    """`count` search paths: words from real titles, each with one or more filters and a sort."""
    rng = random.Random(seed)
    paths: list[str] = []
    for number in range(count):
        category = rng.choice(categories)
        words = _words(rng.choice(category.titles)) or ["a"]
        start = rng.randrange(len(words))
        q = " ".join(words[start : start + rng.choice((1, 1, 2))])
        params: dict[str, str | int] = {"q": q}
        kind = number % 4  # 0: category, 1: price range, 2: both, 3: text only (sort varies on all)
        if kind in (0, 2) and category.id:
            params["category"] = category.id
        if kind in (1, 2):
            low, high = rng.choice(PRICE_RANGES)
            params.update({k: v for k, v in (("min_price", low), ("max_price", high)) if v is not None})
        params["sort"] = SORTS[(number // 4 + number) % len(SORTS)]
        params["limit"] = 20
        paths.append(f"/api/v1/products?{urlencode(params)}")
    return paths


async def check_queries(port: int, paths: list[str]) -> dict[str, Any]:
    """Each path once: statuses, how many found nothing, mean items per page (a sanity check)."""
    statuses: dict[str, int] = {}
    items: list[int] = []
    for path in paths:
        status, body = await fetch(port, path, timeout=30)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        if status == 200:
            items.append(len(json.loads(body)["items"]))
    return {
        "statuses": statuses,
        "empty_pages": sum(1 for n in items if n == 0),
        "mean_items": round(sum(items) / len(items), 2) if items else 0.0,
    }


def query_fields(path: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(path).query))
