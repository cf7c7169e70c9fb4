"""The Redis cache that keeps its client: one client per pool, the same values as Django's;
the API's throttle counted there in one round trip, as DRF counts it."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any
from unittest.mock import patch

import pytest
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from spona.api.throttling import UserRateThrottle
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


# --- the API's sliding window in one round trip (spona.api.throttling) ------------------------


@pytest.fixture
def redis_cache() -> KeptClientRedisCache:
    cache = KeptClientRedisCache(LOCATION, {})
    if not _reachable(cache):
        pytest.skip("no Redis server at 127.0.0.1:6379")
    return cache


def _throttles(cache: Any, times: list[float], rate: str) -> list[tuple[bool, float | None]]:
    """What the API's user throttle answers (allowed, and DRF's ``wait`` when refused) for one
    user's requests at ``times``, its history kept in ``cache``."""
    answers = []
    request = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=uuid.uuid4().hex))
    for now in times:
        throttle = UserRateThrottle()
        throttle.rate = rate
        throttle.num_requests, throttle.duration = throttle.parse_rate(rate)
        throttle.cache = cache
        throttle.timer = lambda now=now: now
        allowed = throttle.allow_request(request, None)
        answers.append((allowed, None if allowed else throttle.wait()))
    return answers


def test_the_throttle_in_redis_answers_as_drfs_own(redis_cache: KeptClientRedisCache) -> None:
    """The same requests, the same answers and waits as DRF's history kept in a local cache:
    a sliding window (not a fixed one), refused requests not counted, old ones dropped."""
    times = [
        1000.0,
        1000.5,
        1010.25,
        1030.0,
        1059.9,
        1060.1,
        1060.2,
        1070.0,
        1125.0,
        1125.1,
        1125.2,
    ]
    local = LocMemCache(f"throttle-{uuid.uuid4()}", {})
    in_redis = _throttles(redis_cache, times, "3/minute")
    assert in_redis == _throttles(local, times, "3/minute")
    assert [allowed for allowed, _wait in in_redis] == [
        *(True, True, True, False, False),
        *(True, False, True, True, True, False),
    ]
    never = _throttles(redis_cache, [5.0, 6.0], "0/minute")
    assert never == _throttles(local, [5.0, 6.0], "0/minute") == [(False, 60.0), (False, 60.0)]


def test_the_throttle_is_one_round_trip(redis_cache: KeptClientRedisCache) -> None:
    key = f"spona-test-{uuid.uuid4()}"
    redis_cache.sliding_window(key, 1.0, 60, 10)  # the script loaded once per process
    client = redis_cache._cache.get_client(write=True)
    with patch.object(client, "execute_command", wraps=client.execute_command) as sent:
        assert redis_cache.sliding_window(key, 2.0, 60, 10) == (True, 2, 1.0)
    assert [call.args[0] for call in sent.call_args_list] == ["EVALSHA"]


def test_requests_at_once_from_many_processes_are_all_counted(
    redis_cache: KeptClientRedisCache,
) -> None:
    """Twenty requests at once (separate clients, as separate server processes) against a
    limit of five: exactly five allowed (DRF's read and write could let more through)."""
    key = f"spona-test-{uuid.uuid4()}"
    servers = [KeptClientRedisCache(LOCATION, {}) for _ in range(20)]
    start = threading.Barrier(len(servers))

    def ask(cache: KeptClientRedisCache) -> bool:
        start.wait()
        return cache.sliding_window(key, 100.0, 60, 5)[0]

    with ThreadPoolExecutor(len(servers)) as pool:
        answers = list(pool.map(ask, servers))
    assert answers.count(True) == 5
