"""The root URLconf's patterns tried only where they could match.

Django's resolver tries a URLconf's patterns in order, each one a regular expression and,
when it fails, an exception caught and its pattern noted: about eight Python calls for each
pattern before the one that matches, so a URL listed late in ``spona/urls.py`` (the API, the
fourteenth and later) pays a hundred and more on every request. Most of the root's patterns
begin with a fixed text (``"cases/"``), and a path that does not begin with it cannot match
them. ``ByFirstSegment`` keeps, for each first segment that the patterns' fixed texts name,
Django's own resolver over the patterns that could match a path beginning with it, in their
order; the patterns it leaves out are exactly those that could not have matched, so the one
that matches and what it answers are Django's. A path with another first segment, and any path
that nothing matched, is resolved by Django's resolver over every pattern (its 404 lists every
pattern tried, as Django's does). What is kept is made of the patterns alone: one resolver per
fixed first segment of the root's patterns, however many paths are asked.
"""

from typing import Any

from django.urls import URLPattern, URLResolver
from django.urls.exceptions import Resolver404
from django.urls.resolvers import ResolverMatch, RoutePattern


def _first_segment(path: str) -> str:
    """The path up to and with its first ``/``, or the whole path if it has none."""
    return path[: path.find("/") + 1] or path


def _fixed_start(pattern: URLPattern | URLResolver) -> str:
    """The text every path this pattern matches begins with: a route's text before its first
    converter, or nothing for a regular expression."""
    if isinstance(pattern.pattern, RoutePattern):
        return str(pattern.pattern).split("<", 1)[0]
    return ""


def _may_match(fixed: str, segment: str) -> bool:
    """Whether a path whose first segment is ``segment`` may begin with ``fixed``."""
    return segment.startswith(fixed) or (segment.endswith("/") and fixed.startswith(segment))


class ByFirstSegment(URLResolver):
    """Django's resolver of ``patterns`` under an empty route (as ``path("", include(...))``:
    nothing added to their routes, names or namespaces, for resolving and reversing alike),
    trying for each path only the patterns that could match it.

    A match is made as Django's ``URLResolver.resolve`` makes it of the matching pattern's,
    with what this resolver adds known: its empty route captures nothing and it has no
    default arguments, name or namespace (Django's match drops an empty name), so the
    arguments, names and namespaces are the pattern's match's, and the route is the pattern's
    joined to it as Django joins them. Only its ``tried``, the patterns tried before it, leaves
    out those that could not match."""

    def __init__(self, patterns: list[Any]) -> None:
        super().__init__(RoutePattern(""), patterns)
        fixed = [(_fixed_start(pattern), pattern) for pattern in patterns]
        #: for each first segment, the patterns that may match, each with the route Django's
        #: resolver puts before its match's (a pattern's own, an include's prefix)
        self._by_segment: dict[str, list[tuple[URLPattern | URLResolver, str]]] = {
            segment: [
                (pattern, "" if isinstance(pattern, URLPattern) else str(pattern.pattern))
                for start, pattern in fixed
                if _may_match(start, segment)
            ]
            for segment in {_first_segment(start) for start, _pattern in fixed}
        }

    def resolve(self, path: Any) -> ResolverMatch:
        path = str(path)
        tried: list[list[Any]] = []
        for pattern, route in self._by_segment.get(_first_segment(path), ()):
            try:
                sub_match: Any = pattern.resolve(path)  # (django-stubs lack its newer fields)
            except Resolver404 as missed:
                self._extend_tried(tried, pattern, missed.args[0].get("tried"))  # type: ignore[attr-defined]
                continue
            if sub_match:
                self._extend_tried(tried, pattern, sub_match.tried)  # type: ignore[attr-defined]
                return ResolverMatch(
                    sub_match.func,
                    sub_match.args,
                    sub_match.kwargs,
                    sub_match.url_name,
                    sub_match.app_names,
                    sub_match.namespaces,
                    route + sub_match.route.removeprefix("^") if route else sub_match.route,
                    tried,
                    captured_kwargs=sub_match.captured_kwargs,
                    extra_kwargs=sub_match.extra_kwargs,
                )
            tried.append([pattern])
        return super().resolve(path)
