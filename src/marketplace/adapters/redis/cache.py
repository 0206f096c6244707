"""Cache and rate limiter on Redis (redis-py's asyncio client)."""

from __future__ import annotations

from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from marketplace.application.errors import BackendUnavailable


class RedisCache:
    def __init__(self, client: Redis, prefix: str = "mp:") -> None:
        self._redis = client
        self._prefix = prefix

    async def get(self, key: str) -> bytes | None:
        try:
            return cast("bytes | None", await self._redis.get(self._prefix + key))
        except RedisError as error:
            raise BackendUnavailable("the cache is unavailable") from error

    async def get_many(self, keys: list[str]) -> list[bytes | None]:
        if not keys:
            return []
        try:
            return cast("list[bytes | None]", await self._redis.mget([self._prefix + k for k in keys]))
        except RedisError as error:
            raise BackendUnavailable("the cache is unavailable") from error

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        try:
            await self._redis.set(self._prefix + key, value, ex=ttl_seconds)
        except RedisError as error:
            raise BackendUnavailable("the cache is unavailable") from error

    async def delete(self, *keys: str) -> None:
        if keys:
            try:
                await self._redis.delete(*(self._prefix + k for k in keys))
            except RedisError as error:
                raise BackendUnavailable("the cache is unavailable") from error

    async def incr(self, key: str) -> int:
        try:
            return int(await self._redis.incr(self._prefix + key))
        except RedisError as error:
            raise BackendUnavailable("the cache is unavailable") from error

    async def ping(self) -> None:
        try:
            await self._redis.ping()
        except RedisError as error:
            raise BackendUnavailable(f"the cache is unavailable: {error}") from error


# One round trip: count the hit, start the window's expiry on the first one, report the TTL.
_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
return {count, ttl}
"""


class RedisRateLimiter:
    def __init__(self, client: Redis, prefix: str = "mp:rl:") -> None:
        self._redis = client
        self._prefix = prefix
        self._script = client.register_script(_HIT)

    async def hit(self, key: str, limit: int, window_seconds: int) -> int:
        try:
            count, ttl = await self._script(keys=[self._prefix + key], args=[window_seconds])
        except RedisError as error:
            raise BackendUnavailable("the rate limiter is unavailable") from error
        if int(count) <= limit:
            return 0
        return max(1, int(ttl))
