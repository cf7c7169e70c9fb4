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

    A match is the matching pattern's own, passed on as Django's resolver would have made it
    again under the empty route (the same view, arguments, name, namespaces and route); only
    its ``tried``, the patterns tried before it, leaves out those that could not match."""

    def __init__(self, patterns: list[Any]) -> None:
        super().__init__(RoutePattern(""), patterns)
        fixed = [(_fixed_start(pattern), pattern) for pattern in patterns]
        self._by_segment: dict[str, list[URLPattern | URLResolver]] = {
            segment: [pattern for start, pattern in fixed if _may_match(start, segment)]
            for segment in {_first_segment(start) for start, _pattern in fixed}
        }

    def resolve(self, path: Any) -> ResolverMatch:
        path = str(path)
        tried: list[list[Any]] = []
        for pattern in self._by_segment.get(_first_segment(path), ()):
            try:
                sub_match = pattern.resolve(path)
            except Resolver404 as missed:
                self._extend_tried(tried, pattern, missed.args[0].get("tried"))
                continue
            if sub_match:
                return self._matched(pattern, sub_match, tried)
            tried.append([pattern])
        return super().resolve(path)

    def _matched(
        self, pattern: URLPattern | URLResolver, sub_match: ResolverMatch, tried: list[list[Any]]
    ) -> ResolverMatch:
        """The match Django's ``URLResolver.resolve`` makes of ``pattern``'s under this
        resolver's empty route (which captures nothing), after the patterns ``tried``."""
        kwargs = {**self.default_kwargs, **sub_match.kwargs}
        route = "" if isinstance(pattern, URLPattern) else str(pattern.pattern)
        self._extend_tried(tried, pattern, sub_match.tried)
        return ResolverMatch(
            sub_match.func,
            sub_match.args,
            kwargs,
            sub_match.url_name,
            [self.app_name, *sub_match.app_names],
            [self.namespace, *sub_match.namespaces],
            self._join_route(route, sub_match.route),
            tried,
            captured_kwargs=sub_match.captured_kwargs,
            extra_kwargs={**self.default_kwargs, **sub_match.extra_kwargs},
        )
