"""Cache and rate limiter on Redis (redis-py's asyncio client)."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError


class CacheUnavailable(RuntimeError):
    """Redis could not be reached."""


class RedisCache:
    def __init__(self, client: Redis, prefix: str = "mp:") -> None:
        self._redis = client
        self._prefix = prefix

    async def get(self, key: str) -> bytes | None:
        return await self._redis.get(self._prefix + key)

    async def get_many(self, keys: list[str]) -> list[bytes | None]:
        if not keys:
            return []
        return list(await self._redis.mget([self._prefix + k for k in keys]))

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        await self._redis.set(self._prefix + key, value, ex=ttl_seconds)

    async def delete(self, *keys: str) -> None:
        if keys:
            await self._redis.delete(*(self._prefix + k for k in keys))

    async def incr(self, key: str) -> int:
        return int(await self._redis.incr(self._prefix + key))

    async def ping(self) -> None:
        try:
            await self._redis.ping()
        except RedisError as error:
            raise CacheUnavailable(str(error)) from error


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
        count, ttl = await self._script(keys=[self._prefix + key], args=[window_seconds])
        if int(count) <= limit:
            return 0
        return max(1, int(ttl))


