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
from django.core.cache.backends.base import CacheKeyWarning
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

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


def _sent_and_answered(cache: RedisCache, keys: list[Any], **kw: Any) -> tuple[list[Any], Any]:
    """What ``cache.get_many`` sends to Redis (each command's arguments) and answers."""
    sent, execute = [], Redis.execute_command

    def spied(client: Redis, *args: Any, **options: Any) -> Any:
        sent.append(args)
        return execute(client, *args, **options)

    with patch.object(Redis, "execute_command", spied):  # Django makes a client a call
        answered = cache.get_many(keys, **kw)
    return sent, answered


@pytest.mark.parametrize(
    "params",
    [{}, {"KEY_PREFIX": "spona", "VERSION": 3}, {"KEY_FUNCTION": lambda k, p, v: f"{v}|{k}"}],
    ids=["Django's defaults", "a prefix and version", "a key function of its own"],
)
def test_get_many_sends_djangos_mget_and_answers_djangos_values(params: dict[str, Any]) -> None:
    """Every request's session read (``spona.ops.sessions``): the same keys in one ``MGET``,
    the same values (pickled, integers, a falsy value), misses left out, another version."""
    kept, django_cache = KeptClientRedisCache(LOCATION, params), RedisCache(LOCATION, params)
    if not _reachable(kept):
        pytest.skip("no Redis server at 127.0.0.1:6379")
    base = f"spona-test-{uuid.uuid4()}"
    values = {f"{base}-dict": {"n": [1, "Ђ"]}, f"{base}-int": 7, f"{base}-none": None}
    values |= {f"{base}-empty": "", f"{base}-Ђ": b"\x00bytes"}
    django_cache.set_many(values, 30)
    django_cache.set(f"{base}-v2", "second", 30, version=2)
    keys = [*values, f"{base}-missing", f"{base}-v2"]
    for asked in ({}, {"version": 2}):
        sent, answered = _sent_and_answered(kept, keys, **asked)
        assert (sent, answered) == _sent_and_answered(django_cache, keys, **asked)
        assert len(sent) == 1
        assert sent[0][0] == "MGET"
    assert _sent_and_answered(kept, keys)[1] == values
    assert _sent_and_answered(kept, [])[1] == {} == django_cache.get_many([])
    django_cache.delete_many([*values, f"{base}-v2"])


@pytest.mark.parametrize(
    "key",
    ["a key with spaces", "x" * 251, "tab\there", "\x7f"],
    ids=["space", "long", "tab", "del"],
)
def test_get_many_warns_of_a_key_as_django_does(key: str) -> None:
    kept, django_cache = KeptClientRedisCache(LOCATION, {}), RedisCache(LOCATION, {})
    if not _reachable(kept):
        pytest.skip("no Redis server at 127.0.0.1:6379")
    with pytest.warns(CacheKeyWarning) as ours:
        assert kept.get_many(["fine", key]) == {}
    with pytest.warns(CacheKeyWarning) as djangos:
        django_cache.get_many(["fine", key])
    assert [str(w.message) for w in ours] == [str(w.message) for w in djangos]


def test_get_many_from_a_cache_down_fails_as_djangos() -> None:
    down = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    with pytest.raises(RedisConnectionError) as ours:
        KeptClientRedisCache(down, {}).get_many(["spona-stamp", "session"])
    with pytest.raises(RedisConnectionError) as djangos:
        RedisCache(down, {}).get_many(["spona-stamp", "session"])
    assert type(ours.value) is type(djangos.value)
    assert str(ours.value) == str(djangos.value)


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
