"""The reviews context's use cases."""

from __future__ import annotations

from dependency_injector import providers

from marketplace.application.reviews.use_cases import Reviews
from marketplace.entrypoints.container.core import Core, seconds


class ReviewServices(Core):
    reviews = providers.Singleton(
        Reviews,
        uow=Core.uow,
        queries=Core.catalog_queries,
        cache=Core.catalog_cache,
        clock=Core.clock,
        ids=Core.ids,
        base_url=Core.settings.provided.base_url,
        edit_window=providers.Callable(seconds, Core.settings.provided.review_edit_seconds),
    )
