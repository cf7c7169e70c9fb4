"""The access policy's one entry point: who may do what, and who may see which rows.

Two questions, asked by every view, API endpoint, service and command:

* ``can(user, permission, obj=None)``: may this user do this (to this object)?
* ``visible(user, Model)``: which rows of this kind may this user see (a queryset)?

This module knows no app. Each app declares its permissions and row scopes in its own
``access.py`` (imported when the app is ready), next to the models they guard:

* ``Permission[T]("name")`` with one ``@permission.rule`` function ``(user, obj: T | None) -> bool``;
* ``@rows(Model)`` functions ``(user) -> Q | None`` that each grant a part of a model's rows (an app
  higher up may widen a lower app's model: a case team sees the persons of its cases), and
  ``@only(Model)`` functions ``(user) -> Q`` that every visible row must also satisfy.

Rules follow need-to-know; the module docstrings of the ``access`` modules say how. Unknown users and
inactive accounts may do nothing and see nothing.

A rule or scope that a page asks many times may be kept for the rest of a read-only request
(``per_request``, ``holds``, ``RequestMemoMiddleware``; see "Answers kept per read-only request").
"""

import functools
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse


def active(user: object) -> bool:
    """A signed-in, active account with a role."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "role", "")
    )


#: Invariant on purpose: PEP 695 syntax would infer contravariance from the rule's argument,
#: and mypy then cannot match a union object (a case or a municipality) to its permission.
T = TypeVar("T")


class Permission(Generic[T]):  # noqa: UP046 - see T
    """Something a user may or may not do, to an object of type ``T`` (or to none: "at all?")."""

    def __init__(self, name: str) -> None:
        if name in _PERMISSIONS:
            raise ValueError(f"permission {name!r} is declared twice")
        self.name = name
        self._rule: Callable[[Any, T | None], bool] | None = None
        _PERMISSIONS[name] = self

    def rule[F: Callable[..., bool]](self, function: F) -> F:
        """Register ``function(user, obj)`` as the one rule of this permission."""
        if self._rule is not None:
            raise ValueError(f"permission {self.name!r} has a rule already")
        self._rule = function
        return function

    def allows(self, user: object, obj: T | None) -> bool:
        if self._rule is None:
            raise LookupError(f"permission {self.name!r} has no rule")
        return active(user) and self._rule(user, obj)

    def __repr__(self) -> str:
        return f"Permission({self.name!r})"


_PERMISSIONS: dict[str, Permission[Any]] = {}
_ROWS: dict[type[Model], list[Callable[[Any], Q | None]]] = {}
_PARTS: dict[type[Model], list[Callable[[Any], Q | None]]] = {}
_ONLY: dict[type[Model], list[Callable[[Any], Q]]] = {}


def rows[M: Model](
    model: type[M], *, within: Callable[[Any], Q | None] | None = None
) -> Callable[[Callable[[Any], Q | None]], Callable[..., Any]]:
    """Register a function that grants the rows of ``model`` it returns (``None``: none).

    A scope ``within`` another of the model's (every row it grants, the other grants too) is
    a part of it for ``granted`` alone: ``visible`` leaves it out of the union, which it would
    only make longer."""

    def register(function: Callable[[Any], Q | None]) -> Callable[..., Any]:
        if within is None:
            _ROWS.setdefault(model, []).append(function)
        elif within in _ROWS.get(model, ()):
            _PARTS.setdefault(model, []).append(function)
        else:
            raise LookupError(f"{within.__name__} is not a row scope of {model.__name__}")
        return function

    return register


def only[M: Model](model: type[M]) -> Callable[[Callable[[Any], Q]], Callable[..., Any]]:
    """Register a condition every visible row of ``model`` must also meet."""

    def register(function: Callable[[Any], Q]) -> Callable[..., Any]:
        _ONLY.setdefault(model, []).append(function)
        return function

    return register


# Answers kept per read-only request.
#
# A page asks the same access questions many times: which cases the user's team holds, which of
# them share a category of data, whether the user sees this case. Each answer is a query (and
# the ORM builds its nested subqueries anew each time). Within one GET or HEAD request, which
# writes nothing a policy reads, the answer cannot change, so ``remembering()`` (opened by
# ``RequestMemoMiddleware`` around such requests) keeps each answer for the rest of the request.
#
# Outside such a request (a form post, a service, a command, a test calling a rule directly)
# nothing is remembered: every call asks the database, as before. The next request asks anew,
# so a withdrawn consent or an ended team membership still takes effect at the next page load.

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


def remembers() -> bool:
    """Is a ``remembering()`` block open (a read-only request)?"""
    return _MEMO.get() is not None


def _memo_key(function: Callable[..., Any], args: Any, kwargs: dict[str, Any]) -> tuple[Any, ...]:
    return (function, *map(_key, args), *sorted((k, _key(v)) for k, v in kwargs.items()))


def per_request[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """Remember ``function``'s answer per arguments while a ``remembering()`` block lasts."""

    @functools.wraps(function)
    def remembered(*args: P.args, **kwargs: P.kwargs) -> R:
        memo = _MEMO.get()
        key = _memo_key(function, args, kwargs)
        if memo is None or _UNSAVED in key:
            return function(*args, **kwargs)
        try:
            return memo[key]  # type: ignore[no-any-return]
        except KeyError:
            memo[key] = answer = function(*args, **kwargs)
            return answer

    return remembered


def holds(scope: QuerySet[Any], pk: Any) -> bool:
    """Is the row ``pk`` among ``scope``? In a ``remembering()`` block the keys of ``scope`` are
    read once and kept on it, so that further questions to the same (remembered) scope are
    answered without the database; elsewhere one ``EXISTS`` query answers."""
    keys: frozenset[Any] | None = getattr(scope, "_remembered_keys", None)
    if keys is None:
        if _MEMO.get() is None:
            return scope.filter(pk=pk).exists()
        keys = frozenset(scope.values_list("pk", flat=True))
        scope._remembered_keys = keys  # type: ignore[attr-defined]
    return pk in keys


def subquery(scope: QuerySet[Any], field: str = "pk") -> RawSQL | list[Any]:
    """``scope.values(field)`` for an ``IN`` lookup, its SQL compiled once and kept on ``scope``.

    A page's queries embed the same remembered scopes (the team's cases, a consent scope) many
    times; the ORM would clone, relabel and compile each scope's nested subqueries anew for every
    query that embeds them. The SQL of a queryset never changes (a queryset is immutable and its
    values, ``now`` included, are fixed when it is built), so it is kept as long as ``scope`` is:
    in a ``remembering()`` block for the rest of the request, elsewhere for this one use. An
    empty scope is an empty list, which the ORM leaves out of the query as it would the scope."""
    built: dict[str, tuple[str, tuple[Any, ...]] | None] = scope.__dict__.setdefault(
        "_built_sql", {}
    )
    if field not in built:
        query = scope.values(field).order_by().query
        try:
            sql, params = query.get_compiler(using=scope.db).as_sql()
        except EmptyResultSet:
            built[field] = None
        else:
            built[field] = (sql, tuple(params))
    found = built[field]
    # the SQL is the ORM's own compilation, every value a parameter
    return [] if found is None else RawSQL(*found)  # noqa: S611


class RequestMemoMiddleware:
    """Opens a ``remembering()`` block around every GET and HEAD request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            return self.get_response(request)
        with remembering():
            return self.get_response(request)


def can(user: object, permission: Permission[T], obj: T | None = None) -> bool:  # noqa: UP047
    """May ``user`` do ``permission`` (to ``obj``)?"""
    return permission.allows(user, obj)


def require(user: object, permission: Permission[T], obj: T | None = None) -> None:  # noqa: UP047
    """Raise ``PermissionDenied`` unless ``can(user, permission, obj)``."""
    if not can(user, permission, obj):
        raise PermissionDenied


def visible[M: Model](user: object, model: type[M]) -> QuerySet[M]:
    """The rows of ``model`` this user may see; an empty queryset for anyone else."""
    if model not in _ROWS:
        raise LookupError(f"no row scope is registered for {model.__name__}")
    if not active(user):
        return model._default_manager.none()
    grants = [q for q in (scope(user) for scope in _ROWS[model]) if q is not None]
    if not grants:
        return model._default_manager.none()
    union = grants[0]
    for grant in grants[1:]:
        union |= grant
    return _meeting_only(user, model._default_manager.filter(union))


def granted[M: Model](
    user: object, model: type[M], scope: Callable[[Any], Q | None]
) -> QuerySet[M]:
    """The rows of ``model`` that one of its row scopes (``scope``, registered with ``rows``,
    or a part of one) grants this user, with the model's ``only`` conditions: a part of
    ``visible(user, model)`` for a page that shows only these rows, asked without the union of
    every other scope (and the subqueries they embed)."""
    if scope not in _ROWS.get(model, ()) and scope not in _PARTS.get(model, ()):
        raise LookupError(f"{scope.__name__} is not a row scope of {model.__name__}")
    grant = scope(user) if active(user) else None
    if grant is None:
        return model._default_manager.none()
    return _meeting_only(user, model._default_manager.filter(grant))


def _meeting_only[M: Model](user: object, queryset: QuerySet[M]) -> QuerySet[M]:
    for condition in _ONLY.get(queryset.model, []):
        queryset = queryset.filter(condition(user))
    return queryset


def permissions() -> dict[str, Permission[Any]]:
    """Every declared permission, by name (for the tests that guard the policy)."""
    return dict(_PERMISSIONS)


def scoped_models() -> set[type[Model]]:
    return set(_ROWS)


ALL = Q()
"""A row scope that grants every row (reference data)."""


@per_request
def sees(user: object, obj: Model) -> bool:
    """Is this row among those ``user`` may see?"""
    return visible(user, type(obj)).filter(pk=obj.pk).exists()


def seen(user: object, obj: Model) -> None:
    """``obj`` was just read through ``visible(user, type(obj))``: in a ``remembering()``
    block, ``sees(user, obj)`` answers yes without asking the database again."""
    memo = _MEMO.get()
    key = _memo_key(sees.__wrapped__, (user, obj), {})  # type: ignore[attr-defined]
    if memo is not None and _UNSAVED not in key:
        memo[key] = True
