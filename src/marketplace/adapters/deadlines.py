"""A whole provider call (every try and pause in it) bounded in time, failing as the port says a provider does."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from marketplace.application.errors import BackendUnavailable

T = TypeVar("T")


async def within(seconds: float, provider: str, call: Coroutine[Any, Any, T]) -> T:
    """What `call` answers, or BackendUnavailable (naming the `provider`) once it has taken `seconds`."""
    limit = asyncio.timeout(seconds)
    try:
        async with limit:
            return await call
    except TimeoutError:
        if not limit.expired():
            raise  # the call's own, not ours
        raise BackendUnavailable(f"the {provider} did not answer within {seconds:g} s") from None
