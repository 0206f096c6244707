"""`marketplace seed`: realistic demo sellers, stores, categories and products, loaded in bulk."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from marketplace.application.ports.importer import CatalogImporter
from marketplace.application.ports.persistence import UnitOfWork, UnitOfWorkFactory
from marketplace.domain.catalog.category import Category
from marketplace.domain.catalog.product import Product
from marketplace.domain.identity.user import User
from marketplace.domain.shared.text import slugify
from marketplace.domain.stores.store import MAX_STORES_PER_OWNER, Store
from marketplace.entrypoints.cli.demo_data import (
    DemoFactory,
    LeafCategory,
    StorePlan,
    plan_stores,
    seller_email,
    share_out,
)
from marketplace.entrypoints.cli.progress import ProgressBar
from marketplace.entrypoints.cli.runtime import CommandError, started, upgrade_schema
from marketplace.entrypoints.container import Container, resolve
from marketplace.entrypoints.settings import Settings

DEMO_PASSWORD = "batik-kopi-jakarta"  # the password policy refuses guessable ones, demo or not
BATCH_SIZE = 2_000


@dataclass
class SeedReport:
    stores: int = 0
    categories_created: int = 0
    products: int = 0
    variants: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    sellers: list[str] = field(default_factory=list)
    sellers_created: int = 0
    seconds: float = 0.0


def _count(minimum: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text.replace(",", "").replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not minimum <= value <= 10_000_000:
            raise argparse.ArgumentTypeError(f"must be from {minimum:,} to 10,000,000")
        return value

    return parse


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "seed",
        help="load demo sellers, stores, categories and products",
        description="Load realistic demo data (Indonesian stores around Jakarta, Bandung and Surabaya). "
        f"Sellers are seller<n>@example.com with the password {DEMO_PASSWORD!r}. Safe to run again: "
        "existing sellers and categories are reused and new slugs are made unique.",
    )
    parser.add_argument("--stores", type=_count(1), default=20, help="how many stores (default 20)")
    parser.add_argument("--products", type=_count(0), default=2_000, help="how many products (default 2,000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same data")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if settings.backend != "sql":
        raise CommandError("seed writes to the SQL database; the memory backend would forget it when the command ends")
    report = asyncio.run(_seed(settings, args))
    _print_report(report)
    return 0


async def _seed(settings: Settings, args: argparse.Namespace) -> SeedReport:
    await upgrade_schema(settings)
    async with started(settings) as container:
        return await seed_catalog(container, stores=args.stores, products=args.products, seed=args.seed)


@dataclass(frozen=True, slots=True)
class DemoCatalog:
    """Everything but the products, ready to import; `slug_tag` keeps later runs' slugs apart."""

    users: list[User]
    sellers: list[User]
    stores: list[Store]
    plans: list[StorePlan]
    categories: list[Category]
    leaves: dict[str, list[LeafCategory]]
    slug_tag: str


async def seed_catalog(
    container: Container, *, stores: int, products: int, seed: int, progress: TextIO | None = None
) -> SeedReport:
    """Build the demo aggregates and send them through the catalog importer in batches."""
    started_at = time.perf_counter()
    factory = DemoFactory(random.Random(seed), await resolve(container.ids), await resolve(container.clock))
    password_hash = await (await resolve(container.hasher)).hash(DEMO_PASSWORD)
    demo = await _prepare(await resolve(container.uow), factory, stores, password_hash)
    report = SeedReport(
        stores=stores,
        categories_created=len(demo.categories),
        sellers=[seller.email for seller in demo.sellers],
        sellers_created=len(demo.users),
    )
    counts = share_out(products, [plan.weight for plan in demo.plans])
    numbers = itertools.count(1)
    stream = itertools.chain.from_iterable(
        factory.products(store, plan, demo.leaves, count, numbers, demo.slug_tag)
        for store, plan, count in zip(demo.stores, demo.plans, counts, strict=True)
    )
    bar = ProgressBar(products, "products", stream=progress)
    importer = await resolve(container.catalog_importer)
    await _load(importer, demo, stream, bar, report)
    bar.finish()
    await importer.refresh_statistics()
    await (await resolve(container.catalog_cache)).invalidate()
    report.seconds = time.perf_counter() - started_at
    return report


async def _prepare(uow_factory: UnitOfWorkFactory, factory: DemoFactory, count: int, password_hash: str) -> DemoCatalog:
    plans = plan_stores(factory.rng, count)  # drawn first, so what the database holds cannot change the data
    bases = [slugify(plan.name, fallback="store") for plan in plans]
    async with uow_factory() as uow:
        sellers, new_users = await _owners(uow, factory, count, password_hash)
        taken = [await uow.stores.slug_taken(slug) for slug in bases]
        existing_categories = await uow.categories.list_all()
    # A first run on an empty database gets plain slugs; later runs add a run tag so nothing clashes.
    run_tag = "" if not any(taken) and len(new_users) == len(sellers) else factory.ids.new_id()[-6:]
    categories, leaves = factory.categories(existing_categories)
    stores = [
        factory.store(plan, seller.id, seller.name, f"{base[:70]}-{run_tag}" if clash else base)
        for plan, seller, base, clash in zip(plans, sellers, bases, taken, strict=True)
    ]
    tag = f"{run_tag}-" if run_tag else ""
    return DemoCatalog(new_users, sellers, stores, plans, categories, leaves, tag)


async def _load(
    importer: CatalogImporter, demo: DemoCatalog, stream: Iterator[Product], bar: ProgressBar, report: SeedReport
) -> None:
    """Import batch after batch; the next batch is built in a thread while the database writes this one."""
    firsts: dict[str, list[Any]] = {"users": demo.users, "stores": demo.stores, "categories": demo.categories}

    async def send(batch: list[Product]) -> None:
        await importer.import_batch(**firsts, products=batch)
        firsts.update(users=[], stores=[], categories=[])
        report.products += len(batch)
        report.variants += sum(len(product.variants) for product in batch)
        report.statuses.update(product.status.value for product in batch)
        bar.advance(len(batch))

    batch: list[Product] | None = await asyncio.to_thread(_take, stream, BATCH_SIZE)
    while batch is not None:
        _, batch = await asyncio.gather(send(batch), asyncio.to_thread(_take, stream, BATCH_SIZE, allow_empty=False))


def _take(stream: Iterator[Product], size: int, *, allow_empty: bool = True) -> list[Product] | None:
    """The next `size` products; the first batch may be empty (it still carries the stores), no later one."""
    batch = list(itertools.islice(stream, size))
    return batch if batch or allow_empty else None


async def _owners(
    uow: UnitOfWork, factory: DemoFactory, count: int, password_hash: str
) -> tuple[list[User], list[User]]:
    """One seller per store: seller1, seller2, ... reused when they exist, skipped when they own the maximum."""
    owners: list[User] = []
    created: list[User] = []
    for number in itertools.count(1):
        if len(owners) == count:
            break
        user = await uow.users.get_by_email(seller_email(number))
        if user is None:
            user = factory.seller(number, password_hash)
            created.append(user)
        elif len(await uow.stores.ids_owned_by(user.id)) >= MAX_STORES_PER_OWNER:
            continue
        owners.append(user)
    return owners, created


def _print_report(report: SeedReport, out: TextIO = sys.stdout) -> None:
    statuses = ", ".join(f"{report.statuses[s]:,} {s}" for s in ("active", "draft", "archived") if report.statuses[s])
    rate = report.products / report.seconds if report.seconds else 0.0
    print(
        f"Seeded {report.products:,} products ({report.variants:,} variants; {statuses or 'none'}) "
        f"in {report.stores:,} stores and {report.categories_created:,} new categories "
        f"in {report.seconds:.1f} s ({rate:,.0f} products/s).",
        file=out,
    )
    reused = len(report.sellers) - report.sellers_created
    sellers = report.sellers[0] if len(report.sellers) == 1 else f"{report.sellers[0]} .. {report.sellers[-1]}"
    print(
        f"Sellers: {sellers} ({report.sellers_created:,} new, password {DEMO_PASSWORD!r}; "
        f"{reused:,} existing reused unchanged).",
        file=out,
    )
