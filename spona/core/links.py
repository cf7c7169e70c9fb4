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

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from uuid import UUID

from django.urls import URLResolver, get_resolver, get_script_prefix, get_urlconf, reverse
from django.urls.converters import StringConverter
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


#: a record's code that a ``<str:...>`` route writes as it is: letters, digits and dashes
#: (unreserved in RFC 3986, so ``quote`` leaves them; no ``/``, so ``[^/]+`` takes them)
_AS_IS = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
#: what a code's URL is reversed with once, the code written in its place after
_STAND_IN = "Q0Q0Q0Q0Q0Q0"


@lru_cache(maxsize=64)
def takes_code_as_is(resolver: URLResolver, viewname: str) -> bool:
    """Whether ``reverse(viewname, args=[code])`` is the URL of one route whose only argument
    is a ``<str:...>`` converter, found through namespaces each of one instance (so the
    current application changes nothing) that add no converter of their own: then any code
    ``_AS_IS`` accepts is written into that route's URL as it is, as a stand-in is. Follows
    ``django.urls.reverse``'s walk; anything else it does not know is ``False``."""
    *path, view = viewname.split(":")
    for namespace in path:
        if resolver.app_dict.get(namespace, [namespace]) != [namespace]:
            return False
        found = resolver.namespace_dict.get(namespace)
        if found is None:
            return False
        resolver = found[1]
        if resolver.pattern.converters:
            return False
    possibilities = resolver.reverse_dict.getlist(view)
    if len(possibilities) != 1:
        return False
    possibility, _pattern, _defaults, converters = possibilities[0]
    if len(possibility) != 1 or len(possibility[0][1]) != 1:
        return False
    return type(converters.get(possibility[0][1][0])) is StringConverter


def code_urls(code: str, viewnames: Sequence[str]) -> list[str]:
    """``[reverse(viewname, args=[code]) for viewname in viewnames]`` for a record's code. A
    new code is a miss of the kept reversals (about ninety calls each), so where a route
    writes the code as it is (``takes_code_as_is``) its URL is the kept reversal of a
    stand-in with the code written in, the URLconf, prefix and language asked once for all;
    anything else is ``reversed_url``'s."""
    if type(code) not in _TEXT or not _AS_IS.fullmatch(code):
        return [reversed_url(viewname, args=[code]) for viewname in viewnames]
    resolver, prefix = reversal_place()
    language = get_language() if depends_on_language(resolver) else None
    urls = []
    for viewname in viewnames:
        stand_in = _stand_in_url(resolver, prefix, language, viewname)
        urls.append(
            stand_in.replace(_STAND_IN, code) if stand_in else reversed_url(viewname, args=[code])
        )
    return urls


@lru_cache(maxsize=256)
def _stand_in_url(
    resolver: URLResolver, prefix: str, language: str | None, viewname: str
) -> str | None:
    """The view's URL for the stand-in code, kept under the same key as ``_kept``'s; ``None``
    where a code cannot be written in its place (``takes_code_as_is``, or the stand-in is
    found elsewhere in the URL too)."""
    if not takes_code_as_is(resolver, viewname):
        return None
    url = _kept(resolver, prefix, language, None, viewname, (_STAND_IN,), ())
    return url if url.count(_STAND_IN) == 1 else None
