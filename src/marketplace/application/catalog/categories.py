"""Categories: admins add them; anyone reads the tree."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.application.catalog.cache import CatalogCache
from marketplace.application.catalog.views import CategoryNode
from marketplace.application.identity.actors import require_admin
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.catalog.category import MAX_DEPTH, Category, depth_of
from marketplace.domain.shared.errors import Conflict, DuplicateSlug, InvalidValue
from marketplace.domain.shared.text import slugify


def build_tree(categories: list[Category]) -> list[CategoryNode]:
    nodes = {
        c.id: CategoryNode(id=c.id, name=c.name, slug=c.slug, parent_id=c.parent_id, children=[]) for c in categories
    }
    roots: list[CategoryNode] = []
    for category in sorted(categories, key=lambda c: (c.name.lower(), c.id)):
        node = nodes[category.id]
        parent = nodes.get(category.parent_id) if category.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


@dataclass(frozen=True, slots=True)
class ListCategories:
    uow: UnitOfWorkFactory

    async def __call__(self) -> list[CategoryNode]:
        async with self.uow() as uow:
            return build_tree(await uow.categories.list_all())


@dataclass(frozen=True, slots=True)
class CreateCategory:
    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    cache: CatalogCache

    async def __call__(self, admin_id: str, name: str, parent_id: str | None) -> CategoryNode:
        async with self.uow() as uow:
            await require_admin(uow, admin_id)
            everything = {c.id: c for c in await uow.categories.list_all()}
            parent = everything.get(parent_id) if parent_id is not None else None
            if parent_id and parent is None:
                raise InvalidValue("parent_id", "no such category")
            if depth_of(parent_id, everything) >= MAX_DEPTH:
                raise InvalidValue("parent_id", f"categories nest at most {MAX_DEPTH} deep")
            category = Category.create(
                id=self.ids.new_id(), name=name, slug="-", parent_id=parent_id, now=self.clock.now()
            )
            if any(c.parent_id == parent_id and c.name.lower() == category.name.lower() for c in everything.values()):
                raise Conflict(f"a category named {category.name!r} already exists there")
            category.slug = await self._slug(uow, category.name, parent)
            await uow.categories.add(category)
            await uow.commit()
        await self.cache.invalidate()
        return CategoryNode(id=category.id, name=category.name, slug=category.slug, parent_id=parent_id, children=[])

    @staticmethod
    async def _slug(uow: UnitOfWork, name: str, parent: Category | None) -> str:
        for candidate in (slugify(name, fallback="category"), slugify(f"{parent.slug} {name}") if parent else None):
            if candidate and not await uow.categories.slug_taken(candidate):
                return candidate
        raise DuplicateSlug(f"the category slug for {name!r} is taken")
