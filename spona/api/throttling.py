"""DRF's throttles, keyed by the client address Spona believes (spona.ops.clients), and counted
in one round trip where the cache is Redis.

DRF's own ``get_ident`` trusts any ``X-Forwarded-For`` a client sends when ``NUM_PROXIES`` is
unset, so a client could pick a fresh budget with every request.

DRF keeps each key's history of requests in the cache, read (``GET``) and written back
(``SET``): two round trips a request, and two server processes answering the same user at once
could each read the history before the other wrote it, and count one request fewer. With Redis
(``spona.core.rediscache``) the same sliding window is kept by one script, in one round trip,
atomically (docs/decisions.md). Another cache (development, tests) keeps DRF's way.
"""

from typing import Any

from rest_framework import throttling

from spona.ops.clients import client_address


class _SlidingWindow(throttling.SimpleRateThrottle):
    # not DRF's key: the history is a Redis list, not DRF's pickled one
    cache_format = "throttle:%(scope)s:%(ident)s"
    _window: tuple[int, float] | None = None
    num_requests: int  # set by DRF's __init__ from the rate
    duration: int

    def get_ident(self, request: Any) -> str:
        return client_address(request)

    def allow_request(self, request: Any, view: Any) -> bool:
        window = getattr(self.cache, "sliding_window", None)
        if window is None or self.rate is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        allowed, count, oldest = window(self.key, self.now, self.duration, self.num_requests)
        self._window = (count, oldest)
        return bool(allowed)

    def wait(self) -> float | None:
        """DRF's ``wait``, from the history's length and oldest entry the script answered."""
        if self._window is None:
            return super().wait()
        count, oldest = self._window
        remaining: float = self.duration - (self.now - oldest) if count else self.duration
        available = self.num_requests - count + 1
        if available <= 0:
            return None
        return remaining / float(available)


class AnonRateThrottle(_SlidingWindow, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_SlidingWindow, throttling.UserRateThrottle):
    pass
