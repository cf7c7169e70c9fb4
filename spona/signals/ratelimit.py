"""A fixed-window rate limit per client for the public forms. The client address is only
hashed into a cache key for the window; it is never stored with anything."""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

from spona.ops.clients import client_address


def allow(request: HttpRequest, *, scope: str, limit: int, window_seconds: int) -> bool:
    address = client_address(request)
    digest = hashlib.sha256(f"{scope}:{address}".encode()).hexdigest()[:32]
    key = f"spona.rate.{scope}.{digest}"
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit
