"""The client's address: one answer for every rate limit, the sign-in delays and the audit log.

Behind a reverse proxy every request comes from the proxy's address (``REMOTE_ADDR``), so a
per-client limit would be one limit for everyone. The real address is read from the one header
the proxy sets (``SPONA_TRUSTED_PROXY_HEADER``, e.g. ``X-Real-IP`` or ``X-Forwarded-For``), and
only when the request comes from a trusted proxy (``FORWARDED_ALLOW_IPS``, the same list
Gunicorn uses). A header a client sends itself is never believed: without the setting, or from
any other address, the answer is ``REMOTE_ADDR``.

For a list header (``X-Forwarded-For: client, proxy1``) the address taken is the one added by
the outermost trusted proxy: the ``SPONA_TRUSTED_PROXY_COUNT``-th from the right. Whatever a
client wrote to the left of it is ignored.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _meta_key(header: str) -> str:
    return "HTTP_" + header.strip().upper().replace("-", "_")


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def _from_trusted_proxy(remote: str) -> bool:
    trusted = settings.TRUSTED_PROXY_ADDRESSES
    return "*" in trusted or remote in trusted


def client_address(request: HttpRequest) -> str:
    """The client's IP address as text ("" when the server knows none)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    header = settings.TRUSTED_PROXY_HEADER
    if not header or not _from_trusted_proxy(remote):
        return remote
    value = str(request.META.get(_meta_key(header)) or "")
    entries = [entry for entry in (part.strip() for part in value.split(",")) if entry]
    count = max(1, settings.TRUSTED_PROXY_COUNT)
    if len(entries) < count:
        return remote  # not through the proxy chain (a health check, say)
    return _valid(entries[-count]) or remote
