"""Demo aggregates made with the domain's own factories; the same random seed gives the same data."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.catalog.category import Category
from marketplace.domain.catalog.product import Product, Variant
from marketplace.domain.identity.user import User
from marketplace.domain.shared.address import PostalAddress
from marketplace.domain.shared.money import Money
from marketplace.domain.shared.text import slugify
from marketplace.domain.stores.store import Store
from marketplace.entrypoints.cli import demo_words as words

MIN_PRICE, MAX_PRICE = 15_000, 2_500_000
PRICED_BY_OPTION = {words.SIZES, words.SHOE_SIZES, words.VOLUMES, words.PACKS, words.CAPACITIES}


@dataclass(frozen=True, slots=True)
class StorePlan:
    """What a store will be, drawn before the database is consulted so the draw stays deterministic."""

    name: str
    city: words.City
    street: str
    number: int
    phone: str
    offset: tuple[float, float]
    roots: tuple[str, ...]
    weight: float


@dataclass(frozen=True, slots=True)
class LeafCategory:
    id: str
    leaf: words.Leaf


def whole_rupiah(amount: float) -> int:
    """Rounded to 500 rupiah, within the demo's price range."""
    return max(MIN_PRICE, min(MAX_PRICE, int(round(amount / 500)) * 500))


def seller_email(number: int) -> str:
    return f"seller{number}@example.com"


def seller_name(number: int) -> str:
    """The same name for the same seller number in every run."""
    pick = random.Random(number)
    return f"{pick.choice(words.FIRST_NAMES)} {pick.choice(words.LAST_NAMES)}"


def share_out(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders), summing exactly to `total`."""
    if not weights:
        return []
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    for index in sorted(range(len(weights)), key=lambda i: counts[i] - exact[i])[: total - sum(counts)]:
        counts[index] += 1
    return counts


def plan_stores(rng: random.Random, count: int) -> list[StorePlan]:
    plans: list[StorePlan] = []
    taken: set[str] = set()
    roots = list(words.CATEGORY_TREE)
    for index in range(count):
        name = _store_name(rng, taken, index)
        taken.add(name)
        plans.append(
            StorePlan(
                name=name,
                city=rng.choice(words.CITIES),
                street=rng.choice(words.STREETS),
                number=rng.randint(1, 250),
                phone=f"+628{rng.randint(11, 99)}{rng.randint(1_000_000, 99_999_999)}",
                offset=(rng.uniform(-0.012, 0.012), rng.uniform(-0.012, 0.012)),
                roots=tuple(rng.sample(roots, rng.choice((1, 1, 2)))),
                weight=rng.uniform(0.3, 2.0),
            )
        )
    return plans


def _store_name(rng: random.Random, taken: set[str], index: int) -> str:
    for _ in range(20):
        parts = (rng.choice(words.STORE_PREFIXES), rng.choice(words.STORE_WORDS), rng.choice(words.STORE_SUFFIXES))
        name = " ".join(part for part in parts if part)
        if name not in taken and parts[1] != parts[2]:
            return name
    return f"{rng.choice(words.STORE_PREFIXES)} {rng.choice(words.STORE_WORDS)} {index + 1}"


class DemoFactory:
    """Builds users, stores, categories and products; every aggregate leaves with no pending events."""

    def __init__(self, rng: random.Random, ids: IdGenerator, clock: Clock) -> None:
        self.rng = rng
        self.ids = ids
        self.clock = clock

    def seller(self, number: int, password_hash: str) -> User:
        user = User.register(
            id=self.ids.new_id(),
            email=seller_email(number),
            name=seller_name(number),
            password_hash=password_hash,
            now=self.clock.now(),
        )
        user.pull_events()
        return user

    def store(self, plan: StorePlan, owner_id: str, owner_name: str, slug: str) -> Store:
        city = plan.city
        pickup = PostalAddress.create(
            label="Gudang",
            recipient=owner_name,
            phone=plan.phone,
            line1=f"{plan.street} No. {plan.number}, {city.district}",
            city=city.name,
            postal_code=city.postal_code,
            lat=round(city.lat + plan.offset[0], 6),
            lng=round(city.lng + plan.offset[1], 6),
            require_point=True,
        )
        store = Store.open(
            id=self.ids.new_id(),
            owner_id=owner_id,
            slug=slug,
            name=plan.name,
            description=f"{plan.name}: belanja online dari {city.district}, {city.name}. Kirim instan dan same day.",
            pickup_address=pickup,
            now=self.clock.now(),
        )
        store.pull_events()
        return store

    def categories(self, existing: list[Category]) -> tuple[list[Category], dict[str, list[LeafCategory]]]:
        """The demo tree: existing categories of the same name and parent are reused, the rest created."""
        by_place = {(c.parent_id, c.name.lower()): c for c in existing}
        slugs = {c.slug for c in existing}
        created: list[Category] = []
        leaves: dict[str, list[LeafCategory]] = {}

        def ensure(name: str, parent: Category | None) -> Category:
            found = by_place.get((parent.id if parent else None, name.lower()))
            if found is not None:
                return found
            category_id = self.ids.new_id()
            slug = slugify(name, fallback="category")
            if slug in slugs and parent is not None:
                slug = slugify(f"{parent.slug} {name}", fallback="category")
            if slug in slugs:
                slug = f"{slug[:70]}-{category_id[-6:]}"
            category = Category.create(
                id=category_id, name=name, slug=slug, parent_id=parent.id if parent else None, now=self.clock.now()
            )
            slugs.add(slug)
            created.append(category)
            return category

        for root_name, root_leaves in words.CATEGORY_TREE.items():
            root = ensure(root_name, None)
            leaves[root_name] = [LeafCategory(ensure(leaf.name, root).id, leaf) for leaf in root_leaves]
        return created, leaves

    def products(
        self,
        store: Store,
        plan: StorePlan,
        leaves: dict[str, list[LeafCategory]],
        count: int,
        numbers: Iterator[int],
        slug_tag: str,
    ) -> Iterator[Product]:
        """`count` products of the store, from the categories it specialises in."""
        choices = [leaf for root in plan.roots for leaf in leaves[root]]
        code = "".join(word[0] for word in plan.name.split() if word[:1].isalpha()).upper()[:4] or "SKU"
        for product_no in range(1, count + 1):
            category = self.rng.choice(choices)
            yield self.product(store, plan, category, f"{code}-{product_no:05d}", next(numbers), slug_tag)

    def product(
        self, store: Store, plan: StorePlan, category: LeafCategory, sku: str, number: int, slug_tag: str
    ) -> Product:
        rng, leaf = self.rng, category.leaf
        material = rng.choice(leaf.materials)
        title = f"{rng.choice(leaf.nouns)} {material} {rng.choice(words.ADJECTIVES)}"
        description = (
            f"{title} dari {plan.name}, {plan.city.name}. Bahan {material.lower()} pilihan, cocok untuk "
            f"{rng.choice(words.USES)}. {rng.choice(words.PROMISES)}"
        )
        slug = f"{slugify(title)[:60].rstrip('-')}-{slug_tag}{number}"
        now = self.clock.now()
        product = Product.draft(
            id=self.ids.new_id(),
            store_id=store.id,
            slug=slug,
            title=title,
            description=description,
            category_id=category.id,
            variants=self._variants(leaf, sku),
            now=now,
        )
        roll = rng.random()  # 86% active, 6% archived (after being on sale), 8% draft
        if roll < 0.92:
            product.publish(now)
        if 0.86 <= roll < 0.92:
            product.archive(now)
        product.pull_events()
        return product

    def _variants(self, leaf: words.Leaf, sku: str) -> list[Variant]:
        rng = self.rng
        count = rng.choices((1, 2, 3, 4), weights=(35, 30, 20, 15))[0]
        picked = sorted(rng.sample(range(len(leaf.options)), min(count, len(leaf.options))))
        base = rng.uniform(*leaf.price)
        step = 0.08 if leaf.options in PRICED_BY_OPTION else 0.0
        weight = rng.randint(*leaf.weight)
        return [
            Variant.create(
                id=self.ids.new_id(),
                sku=f"{sku}-{position + 1}",
                name=leaf.options[option],
                price=Money(whole_rupiah(base * (1 + step * position))),
                stock=0 if rng.random() < 0.06 else rng.randint(1, 250),
                weight_grams=max(1, int(round(weight * (1 + step * position), -1))),
            )
            for position, option in enumerate(picked)
        ]
