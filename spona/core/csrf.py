"""The CSRF token of a page's forms, masked as Django masks it, for less work.

Django masks the request's CSRF secret afresh for every page that shows a form (so that the
token in a compressed page tells nothing about the secret: BREACH) by drawing each of its 32
mask characters with ``secrets.choice``: about 490 Python calls a page, some 5 % of a list's
work (docs/performance.md, h33lists). ``masked_token`` draws the same 32 characters, each
uniform over Django's alphabet, from one read of the system's random bytes, and writes the
token Django's own ``_unmask_cipher_token`` reads back (``tests/test_csrf_token.py`` posts
it through Django's middleware)."""

import secrets
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString

from spona.core.markup import escaped

_BASE = len(CSRF_ALLOWED_CHARS)
_POSITION = {char: position for position, char in enumerate(CSRF_ALLOWED_CHARS)}
#: a random byte below this, taken modulo the alphabet's size, is uniform over it; the few
#: above it would favour the alphabet's first characters and are drawn again
_UNBIASED = 256 - 256 % _BASE


def masked_token(request: HttpRequest) -> str:
    """The request's CSRF secret masked with a fresh random mask: the token a form carries.
    As Django's ``get_token``, it asks the middleware to send the cookie again (which renews
    its expiry); a request without a secret yet gets one from Django itself."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        return get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_positions(CSRF_SECRET_LENGTH)
    chars = CSRF_ALLOWED_CHARS
    return "".join([chars[m] for m in mask]) + "".join(
        [chars[(_POSITION[s] + m) % _BASE] for s, m in zip(secret, mask, strict=True)]
    )


def _random_positions(count: int) -> list[int]:
    positions: list[int] = []
    while len(positions) < count:
        positions += [byte % _BASE for byte in secrets.token_bytes(count) if byte < _UNBIASED]
    return positions[:count]


def csrf(request: HttpRequest) -> dict[str, Any]:
    """Django's ``csrf`` context processor with ``masked_token``: listed after Django's
    built-in one, whose ``csrf_token`` it replaces; lazy as Django's, so a page without a
    form neither masks nor sends the cookie."""
    return {"csrf_token": SimpleLazyObject(lambda: masked_token(request))}


class CsrfInputNode(CsrfTokenNode):
    """Django's ``{% csrf_token %}``: the hidden input with the context's token, written
    without ``format_html`` (about forty Python calls a form: its arguments' lazy-string
    wrappers); the same markup, the token escaped as ``format_html`` escapes it. No token, or
    Django's ``NOTPROVIDED``, is Django's own node's answer (its warning in ``DEBUG``)."""

    def render(self, context: Context) -> SafeString:
        token = context.get("csrf_token")
        if not token or token == "NOTPROVIDED":  # noqa: S105 - Django's marker
            return SafeString(super().render(context))
        return SafeString(
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escaped(token)}">'
        )


#: the node the base template's tags (the language switcher, the user's menu) render, as
#: ``{% csrf_token %}`` renders its own: a node keeps nothing between renders
csrf_input = CsrfInputNode().render
