"""DRF's throttles, keyed by the client address Spona believes (spona.ops.clients).

DRF's own ``get_ident`` trusts any ``X-Forwarded-For`` a client sends when ``NUM_PROXIES`` is
unset, so a client could pick a fresh budget with every request.
"""

from typing import Any

from rest_framework import throttling

from spona.ops.clients import client_address


class AnonRateThrottle(throttling.AnonRateThrottle):
    def get_ident(self, request: Any) -> str:
        return client_address(request)


class UserRateThrottle(throttling.UserRateThrottle):
    def get_ident(self, request: Any) -> str:
        return client_address(request)
