"""The Redis cache that keeps its client: one client per pool, the same values as Django's."""

import uuid

import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache

from spona.core.rediscache import KeptClientRedisCache

LOCATION = "redis://127.0.0.1:6379/15"


def _reachable(cache: KeptClientRedisCache) -> bool:
    try:
        cache.get("spona-test-ping")
    except Exception:
        return False
    return True


def test_the_client_is_made_once_per_pool() -> None:
    cache = KeptClientRedisCache(LOCATION, {})
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client  # one server: one pool
    assert client.connection_pool is cache._cache._get_connection_pool(False)


def test_values_are_django_redis_cache_values() -> None:
    kept = KeptClientRedisCache(LOCATION, {})
    if not _reachable(kept):
        pytest.skip("no Redis server at 127.0.0.1:6379")
    django_cache = RedisCache(LOCATION, {})
    key = f"spona-test-{uuid.uuid4()}"
    kept.set(key, {"n": 1}, 30)
    assert django_cache.get(key) == {"n": 1}
    django_cache.set(key, [2], 30)
    assert kept.get(key) == [2]
    kept.delete(key)
    assert django_cache.get(key) is None


def test_a_redis_url_takes_the_kept_client_backend_and_counts_as_shared() -> None:
    backend = "spona.core.rediscache.KeptClientRedisCache"
    assert backend in settings.SHARED_CACHES
    assert "django.core.cache.backends.redis.RedisCache" in settings.SHARED_CACHES
