"""Policy answers worked out once per read-only request.

A page asks the same access questions many times: which cases the user's team holds, which of
them share a category of data, whether the user sees this case. Each answer is a query (and
the ORM builds its nested subqueries anew each time). Within one GET or HEAD request, which
writes nothing a policy reads, the answer cannot change, so ``remembering()`` (opened by
``RequestMemoMiddleware`` around such requests) keeps each answer for the rest of the request.

Outside such a request (a form post, a service, a command, a test calling a rule directly)
nothing is remembered: every call asks the database, as before. The next request asks anew,
so a withdrawn consent or an ended team membership still takes effect at the next page load.
"""

import functools
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

_MEMO: ContextVar[dict[Hashable, Any] | None] = ContextVar("spona_request_memo", default=None)

#: Requests that only read (RFC 9110's safe methods that Spona serves).
SAFE_METHODS = frozenset({"GET", "HEAD"})

_UNSAVED = object()


@contextmanager
def remembering() -> Iterator[None]:
    """Remember the answers of ``per_request`` functions until the block ends."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _key(value: Any) -> Hashable:
    """A model instance by its class and primary key (the request's user is one object, the
    case a view loaded another); anything else as itself."""
    if isinstance(value, Model):
        return (type(value), value.pk) if value.pk is not None else _UNSAVED
    return value  # type: ignore[no-any-return]


def per_request[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """Remember ``function``'s answer per arguments while a ``remembering()`` block lasts."""

    @functools.wraps(function)
    def remembered(*args: P.args, **kwargs: P.kwargs) -> R:
        memo = _MEMO.get()
        key = (function, *map(_key, args), *sorted((k, _key(v)) for k, v in kwargs.items()))
        if memo is None or _UNSAVED in key:
            return function(*args, **kwargs)
        try:
            return memo[key]  # type: ignore[no-any-return]
        except KeyError:
            memo[key] = answer = function(*args, **kwargs)
            return answer

    return remembered


def holds(rows: QuerySet[Any], pk: Any) -> bool:
    """Is the row ``pk`` among ``rows``? In a ``remembering()`` block the keys of ``rows`` are
    read once and kept on it, so that further questions to the same (remembered) scope are
    answered without the database; elsewhere one ``EXISTS`` query answers."""
    keys: frozenset[Any] | None = getattr(rows, "_remembered_keys", None)
    if keys is None:
        if _MEMO.get() is None:
            return rows.filter(pk=pk).exists()
        keys = frozenset(rows.values_list("pk", flat=True))
        rows._remembered_keys = keys  # type: ignore[attr-defined]
    return pk in keys


class RequestMemoMiddleware:
    """Opens a ``remembering()`` block around every GET and HEAD request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            return self.get_response(request)
        with remembering():
            return self.get_response(request)
