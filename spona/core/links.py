"""Django's ``reverse``, its answers kept per process.

A reversal walks the resolver's namespaces and patterns, asks the language three times and
matches the candidate URL against its pattern: about ninety Python calls, for an answer that
depends on nothing but what it is asked and where: the view's name, the arguments, the
current application, the URLconf (``get_urlconf()``: a request may set its own), the script
prefix (``SCRIPT_NAME``: an installation under a path) and, where a URLconf translates its
routes or prefixes them with the language (``i18n_patterns``), the active language. Each of
these is in the key of a kept answer (``_kept``, bounded), so a reversal asked under another
language, prefix or URLconf is reversed anew, never served from another's.

Only plain values are kept as arguments (``str``, ``int``, ``UUID``): another value (a
model instance, a lazy text) is written into the URL by its ``str()`` or converter, which may
change, so it is reversed each time. A kept answer is a URL of the application's own: view
names and codes, nothing a user sees that the URL does not show.
"""

from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from uuid import UUID

from django.urls import URLResolver, get_resolver, get_script_prefix, get_urlconf, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.safestring import SafeString
from django.utils.translation import get_language

#: the arguments whose value alone says what a converter writes of them (``bool`` is not one:
#: ``True == 1`` would share a key with ``1``)
_PLAIN = frozenset({str, SafeString, int, UUID})
_TEXT = frozenset({str, SafeString})

#: how many reversals a process keeps: the fixed links and the links to the objects a page
#: shows (a code or a number each), the least recently asked dropped first
KEPT = 4096


@lru_cache(maxsize=16)
def depends_on_language(resolver: URLResolver) -> bool:
    """Whether a URLconf's reversals depend on the active language: a route or pattern that
    is translated (a lazy text), a language prefix (``i18n_patterns``) or a kind of pattern
    this does not know. Asked once per URLconf's resolver (a new one after
    ``clear_url_caches``, as tests make)."""
    waiting: list[Any] = [resolver]
    while waiting:
        entry = waiting.pop()
        pattern = entry.pattern
        if type(pattern) is RoutePattern:
            written = getattr(pattern, "_route", None)
        elif type(pattern) is RegexPattern:
            written = getattr(pattern, "_regex", None)
        else:
            return True  # LocalePrefixPattern, or a pattern class of its own
        if not isinstance(written, str):
            return True  # a translated route (gettext_lazy)
        if isinstance(entry, URLResolver):
            waiting.extend(entry.url_patterns)
    return False


@lru_cache(maxsize=KEPT)
def _kept(
    resolver: URLResolver,
    prefix: str,
    language: str | None,
    current_app: str | None,
    viewname: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
) -> str:
    """Django's reversal; the first three arguments are the key only: ``reverse`` reads the
    same URLconf, prefix and language in this thread."""
    return reverse(viewname, args=args, kwargs=dict(kwargs), current_app=current_app)


def reversal_place() -> tuple[URLResolver, str]:
    """The resolver of the URLconf and the script prefix that a reversal in this thread is
    asked under (a request's: set before its view runs, not changed by rendering), each
    read from a thread-local (about fifteen Python calls the two)."""
    return get_resolver(get_urlconf()), get_script_prefix()


def reversed_url(
    viewname: str,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
    place: tuple[URLResolver, str] | None = None,
) -> str:
    """``reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)``, kept per
    process for the URLconf, script prefix, language (where the URLconf depends on it) and
    arguments it was asked under; ``place``: the ``reversal_place()`` a caller asked once
    for many reversals (a template's ``{% url %}``). Raises ``NoReverseMatch`` as
    ``reverse`` does (a failure is not kept)."""
    kwargs = kwargs or {}
    if (
        type(viewname) not in _TEXT
        or (current_app is not None and type(current_app) not in _TEXT)
        or not _PLAIN.issuperset(map(type, args))
        or not _PLAIN.issuperset(map(type, kwargs.values()))
    ):
        return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    if place is None:  # reversal_place(), written out: most reversals are not a template's
        resolver, prefix = get_resolver(get_urlconf()), get_script_prefix()
    else:
        resolver, prefix = place
    language = get_language() if depends_on_language(resolver) else None
    return _kept(
        resolver,
        prefix,
        language,
        current_app,
        viewname,
        tuple(args),
        tuple(kwargs.items()),
    )
