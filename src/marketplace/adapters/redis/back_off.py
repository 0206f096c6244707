"""Back-off after failures on Redis: one script checks and counts every key of a try atomically."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence

from redis.asyncio import Redis
from redis.exceptions import RedisError

from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.rate_limit import BackOffPolicy

# KEYS: one hash per key (failures, last, until; times in ms from the caller's clock, so that every
# process and the tests agree on "now"). ARGV: now, then free, base, cap, forget (ms) for each key.
# Returns 0 when the try was counted, else the milliseconds to wait (nothing counted).
_ATTEMPT = """
local now = tonumber(ARGV[1])
local wait = 0
for _, key in ipairs(KEYS) do
  local blocked = tonumber(redis.call('HGET', key, 'until') or '0') - now
  if blocked > wait then wait = blocked end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  local at = 2 + (i - 1) * 4
  local free, base, cap, forget = tonumber(ARGV[at]), tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3])
  local failures = 1
  if now - tonumber(redis.call('HGET', key, 'last') or '0') < forget then
    failures = tonumber(redis.call('HGET', key, 'failures') or '0') + 1
  end
  local delay = 0
  if failures > free then delay = math.min(cap, base * 2 ^ math.min(failures - free - 1, 32)) end
  redis.call('HSET', key, 'failures', failures, 'last', now, 'until', now + delay)
  redis.call('PEXPIRE', key, forget)
end
return 0
"""


class RedisBackOff:
    def __init__(self, client: Redis, prefix: str = "mp:bo:", clock: Callable[[], float] = time.time) -> None:
        self._redis = client
        self._prefix = prefix
        self._clock = clock
        self._script = client.register_script(_ATTEMPT)

    async def attempt(self, rules: Mapping[str, BackOffPolicy]) -> int:
        args: list[int] = [int(self._clock() * 1000)]
        for policy in rules.values():
            args += [policy.free, policy.base_seconds * 1000, policy.cap_seconds * 1000, policy.forget_seconds * 1000]
        try:
            wait_ms = int(await self._script(keys=[self._prefix + key for key in rules], args=args))
        except RedisError as error:
            raise BackendUnavailable("the back-off store is unavailable") from error
        return 0 if wait_ms <= 0 else max(1, math.ceil(wait_ms / 1000))

    async def forgive(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        try:
            await self._redis.delete(*(self._prefix + key for key in keys))
        except RedisError as error:
            raise BackendUnavailable("the back-off store is unavailable") from error
