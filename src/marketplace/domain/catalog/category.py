"""Categories form a tree; a product filter on a category includes its subcategories."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from marketplace.domain.shared.text import clean_text

MAX_DEPTH = 5


@dataclass(eq=False)
class Category:
    id: str
    name: str
    slug: str
    parent_id: str | None
    created_at: datetime

    @classmethod
    def create(cls, *, id: str, name: str, slug: str, parent_id: str | None, now: datetime) -> Category:
        return cls(id=id, name=clean_text("name", name, max_length=80), slug=slug, parent_id=parent_id, created_at=now)


def descendants(root_id: str, categories: Iterable[Category]) -> set[str]:
    """The root and every category below it."""
    children: dict[str | None, list[str]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category.id)
    found, frontier = {root_id}, [root_id]
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found


def depth_of(category_id: str | None, by_id: dict[str, Category]) -> int:
    depth, seen = 0, set()
    while category_id is not None and category_id not in seen:
        seen.add(category_id)
        depth += 1
        parent = by_id.get(category_id)
        category_id = parent.parent_id if parent else None
    return depth
