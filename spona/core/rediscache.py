"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every cache
operation (its constructor sets up retries, callbacks and the driver's description: about 550
Python calls), though the client only borrows connections from the pool it is given and is
safe to share between threads. Every page reads the cache a few times (the session, the
unread count, reference data), so the client is made once per pool and kept: the same
commands reach the same server through the same pool.

Its ``get_many`` (every request's session read, ``spona.ops.sessions``) makes the keys as
Django's does with fewer calls (``KeptClientRedisCache.get_many``).

It also keeps a sliding-window rate limit in one round trip (``sliding_window``: the API's
throttles, ``spona.api.throttling``).
"""

import re
from collections.abc import Iterable
from typing import Any, cast

from django.core.cache.backends.base import MEMCACHE_MAX_KEY_LENGTH, default_key_func
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

#: the characters Django's ``validate_key`` warns about (``memcached_error_chars_re``, a lazy
#: object whose every search is three calls more)
_NOT_PORTABLE = re.compile(r"[\x00-\x20\x7f]")

#: DRF's sliding window (``SimpleRateThrottle.allow_request``) done in Redis, atomically: the
#: history of one key, newest first, its entries older than the window dropped; a request is
#: allowed, and added, only while fewer than the limit remain, and the history then kept for
#: the window. Answers: allowed (1 or 0), the history's length, its oldest entry.
_SLIDING_WINDOW = """
local now, duration, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local oldest = redis.call('LINDEX', KEYS[1], -1)
while oldest and tonumber(oldest) <= now - duration do
  redis.call('RPOP', KEYS[1])
  oldest = redis.call('LINDEX', KEYS[1], -1)
end
local count = redis.call('LLEN', KEYS[1])
if count >= limit then
  return {0, count, oldest or ARGV[1]}
end
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return {1, count + 1, oldest or ARGV[1]}
"""


class KeptClientRedisCacheClient(RedisCacheClient):
    """``RedisCacheClient`` that keeps the client it makes for each pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self._window: Any = None

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's private helpers, which its stubs do not declare
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._clients[index] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client

    def sliding_window(
        self, key: str, now: float, duration: int, limit: int
    ) -> tuple[bool, int, float]:
        client = self.get_client(key, write=True)
        if self._window is None:
            self._window = client.register_script(_SLIDING_WINDOW)  # sent by its digest
        allowed, count, oldest = self._window(
            keys=[key], args=[repr(now), duration, limit], client=client
        )
        return bool(allowed), int(count), float(oldest)


class KeptClientRedisCache(RedisCache):
    """Django's ``RedisCache`` (same settings, same keys and values) with kept clients."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
        #: what Django's ``default_key_func`` puts before a key of the cache's own version
        self._made_prefix = f"{self.key_prefix}:{self.version}:"

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        """Django's ``RedisCache.get_many``: the same keys in one ``MGET`` through the same
        client, the same values. Django makes and validates each key in five calls and a lazy
        regular expression's three (about eleven a key, every request); with its own key
        function and version a string's made key is the prefix and the string (any other key is
        made by Django), and only a key Django would warn about is validated by Django
        (``validate_key``: the same warning)."""
        if version is not None or self.key_func is not default_key_func:
            return super().get_many(keys, version)
        prefix = self._made_prefix
        key_map: dict[Any, Any] = {}
        for key in keys:
            made = prefix + key if type(key) is str else self.make_key(key)
            if len(made) > MEMCACHE_MAX_KEY_LENGTH or _NOT_PORTABLE.search(made):
                self.validate_key(made)
            key_map[made] = key
        found = self._cache.get_many(key_map.keys())
        return {key_map[made]: value for made, value in found.items()}

    def sliding_window(
        self, key: str, now: float, duration: int, limit: int
    ) -> tuple[bool, int, float]:
        """One request at ``now`` against at most ``limit`` in any ``duration`` seconds, counted
        in Redis for every server process (DRF's ``SimpleRateThrottle``, in one round trip and
        atomically; DRF's read and write of the history were two, and two processes could each
        read the history before the other wrote it). Answers whether it is allowed, how many
        requests the window then holds, and the oldest of them (``now`` for none)."""
        client = cast(KeptClientRedisCacheClient, self._cache)
        return client.sliding_window(self.make_and_validate_key(key), now, duration, limit)
