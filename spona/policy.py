"""The access policy's one entry point: who may do what, and who may see which rows.

Two questions, asked by every view, API endpoint, service and command:

* ``can(user, permission, obj=None)``: may this user do this (to this object)?
* ``visible(user, Model)``: which rows of this kind may this user see (a queryset)?

This module knows no app. Each app declares its permissions and row scopes in its own
``access.py`` (imported when the app is ready), next to the models they guard:

* ``Permission[T]("name")`` with one ``@permission.rule`` function ``(user, obj: T | None) -> bool``;
* ``@rows(Model)`` functions ``(user) -> Q | None`` that each grant a part of a model's rows (an app
  higher up may widen a lower app's model: a case team sees the persons of its cases), and
  ``@only(Model)`` functions ``(user) -> Q`` that every visible row must also satisfy;
* or either written as a function of values, ``@rows(Model, of=asked)``: ``asked(user)`` gives the
  user as the scope asks them (``Asked``), so that a page can build ``visible``'s union once
  for every user of a shape (``values_of``, ``visible_of``) without knowing which apps widen it.

Rules follow need-to-know; the module docstrings of the ``access`` modules say how. Unknown users and
inactive accounts may do nothing and see nothing.

A rule or scope that a page asks many times may be kept for the rest of a read-only request
(``per_request``, ``holds``, ``RequestMemoMiddleware``; see "Answers kept per read-only request").
"""

import functools
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import chain
from typing import Any, Generic, NamedTuple, TypeVar

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


class Asked(NamedTuple):
    """A user as a row scope of values asks them (``rows(..., of=...)``): ``shape``, what the
    scope's form depends on (a role's branch), and ``values``, what it is asked with, by name:
    keys, names, moments, each used by the scope's SQL as it is, and nothing the scope does not
    use (``None``: a value the user has not, which may change the form: a user without an
    institution is a query without its key)."""

    shape: Hashable
    values: dict[str, Any]


#: The shapes of a model's row scopes and conditions (``values_of``): of each, ``Asked``'s shape
#: and the names of its values, or ``None`` for a scope that grants the user nothing.
type Shapes = tuple[tuple[Hashable, tuple[str, ...]] | None, ...]


def unasked(user: object) -> Asked:
    """The ``of`` of a scope or condition that asks nothing of the user."""
    return Asked(None, {})


@dataclass(frozen=True)
class _Scope:
    """A registered row scope or condition: ``function`` of the user, or, with ``of``, of the
    user's values: ``function(shape, **values)`` of ``of(user)``, which is ``None`` when the
    scope grants the user nothing (their role has no part in it)."""

    function: Callable[..., Any]
    of: Callable[[Any], Asked | None] | None

    def __call__(self, user: object) -> Any:
        return self.function(user) if self.of is None else _asked_of(self, user)


_PERMISSIONS: dict[str, Permission[Any]] = {}
_ROWS: dict[type[Model], list[_Scope]] = {}
_PARTS: dict[type[Model], list[_Scope]] = {}
_ONLY: dict[type[Model], list[_Scope]] = {}


def _registration(function: Callable[..., Any], *scopes: list[_Scope]) -> _Scope | None:
    """How ``function`` is registered among ``scopes`` (``None``: it is not)."""
    return next((scope for scope in chain(*scopes) if scope.function is function), None)


def rows[M: Model](
    model: type[M],
    *,
    within: Callable[..., Q | None] | None = None,
    of: Callable[[Any], Asked | None] | None = None,
) -> Callable[[Callable[..., Q | None]], Callable[..., Any]]:
    """Register a function that grants the rows of ``model`` it returns (``None``: none): a
    function of the user, or, with ``of``, of the values ``of(user)`` gives (``Asked``; ``None``:
    the scope grants this user nothing).

    A scope ``within`` another of the model's (every row it grants, the other grants too) is
    a part of it for ``granted`` alone: ``visible`` leaves it out of the union, which it would
    only make longer."""

    def register(function: Callable[..., Q | None]) -> Callable[..., Any]:
        scope = _Scope(function, of)
        if within is None:
            _ROWS.setdefault(model, []).append(scope)
        elif _registration(within, _ROWS.get(model, [])):
            _PARTS.setdefault(model, []).append(scope)
        else:
            raise LookupError(f"{within.__name__} is not a row scope of {model.__name__}")
        return function

    return register


def only[M: Model](
    model: type[M], *, of: Callable[[Any], Asked] | None = None
) -> Callable[[Callable[..., Q]], Callable[..., Any]]:
    """Register a condition every visible row of ``model`` must also meet (of the user, or with
    ``of`` of the user's values, as ``rows``)."""

    def register(function: Callable[..., Q]) -> Callable[..., Any]:
        _ONLY.setdefault(model, []).append(_Scope(function, of))
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
        pk = value.pk
        return (type(value), pk) if pk is not None else _UNSAVED
    return value  # type: ignore[no-any-return]


def remembers() -> bool:
    """Is a ``remembering()`` block open (a read-only request)?"""
    return _MEMO.get() is not None


def _memo_key(function: Callable[..., Any], args: Any, kwargs: dict[str, Any]) -> tuple[Any, ...]:
    if not kwargs:  # most questions: the keyword arguments not sorted for nothing
        return (function, *map(_key, args))
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


#: what ``recall`` answers when nothing is remembered
UNKNOWN = object()


def recall(function: Callable[..., Any], *args: Any) -> Any:
    """What the ``per_request`` ``function`` remembers for ``args`` in this read-only request,
    or ``UNKNOWN`` (nothing remembered yet, or outside such a request)."""
    memo = _MEMO.get()
    if memo is None:
        return UNKNOWN
    return memo.get(_memo_key(function.__wrapped__, args, {}), UNKNOWN)  # type: ignore[attr-defined]


def keep[R](function: Callable[..., R], answer: R, *args: Any) -> R:
    """Keep ``answer`` as the ``per_request`` ``function``'s for ``args`` for the rest of this
    read-only request (nothing outside one), as if it had answered: an answer a page read with
    its other reads (``spona.core.prepared.read_together``). The answer kept (the first)."""
    memo = _MEMO.get()
    if memo is None:
        return answer
    return memo.setdefault(_memo_key(function.__wrapped__, args, {}), answer)  # type: ignore[attr-defined,no-any-return]


@per_request
def _asked_of(scope: _Scope, user: object) -> Any:
    """A scope of values asked of the user's values. In a read-only request it is built once
    and kept, with the subqueries it compiled (``subquery``), as a scope of the user keeps the
    remembered scopes it embeds: its values are the request's (the moment of the user's
    break-glass grants among them), as they were when each scope asked them itself."""
    asked = scope.of(user)  # type: ignore[misc]
    return None if asked is None else scope.function(asked.shape, **asked.values)


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
    union = _union(scope(user) for scope in _ROWS[model])
    if union is None:
        return model._default_manager.none()
    return _meeting_only(user, model._default_manager.filter(union))


def _union(grants: Iterable[Q | None]) -> Q | None:
    """The rows any of ``grants`` grants (``None``: none)."""
    union = None
    for grant in grants:
        if grant is not None:
            union = grant if union is None else union | grant
    return union


def _of_values(model: type[Model]) -> list[_Scope]:
    """The model's row scopes and conditions, in the order ``visible`` asks them, each one
    of values."""
    if model not in _ROWS:
        raise LookupError(f"no row scope is registered for {model.__name__}")
    scopes = [*_ROWS[model], *_ONLY.get(model, [])]
    for scope in scopes:
        if scope.of is None:
            raise LookupError(f"{scope.function.__name__} is not a scope of values")
    return scopes


def values_of(user: object, model: type[Model]) -> tuple[Shapes, dict[str, Any]]:
    """An active user as ``visible(user, model)`` asks them: the shape of each of the model's
    row scopes and conditions (``Asked``'s shape and the names of its values; ``None``: a scope
    that grants this user nothing), and their values, each named by its scope's place (the
    values of two scopes never mix). ``visible_of(model, shape, **values)`` is then
    ``visible(user, model)``, built alike for every user of the shape: a query prepared once
    per shape (``spona.core.prepared.Shaped``). Every scope and condition of the model must be
    of values (``rows(..., of=...)``)."""
    if not active(user):
        raise ValueError("an inactive user sees no rows: there are no values to ask with")
    shapes: list[tuple[Hashable, tuple[str, ...]] | None] = []
    values: dict[str, Any] = {}
    for place, scope in enumerate(_of_values(model)):
        asked = scope.of(user)  # type: ignore[misc]
        if asked is None:
            shapes.append(None)
            continue
        shapes.append((asked.shape, tuple(asked.values)))
        values.update({f"s{place}_{name}": value for name, value in asked.values.items()})
    return tuple(shapes), values


def _values_at(place: int, values: dict[str, Any]) -> dict[str, Any]:
    """The values of the scope at ``place`` among those :func:`values_of` named."""
    prefix = f"s{place}_"
    return {name.removeprefix(prefix): v for name, v in values.items() if name.startswith(prefix)}


def visible_of[M: Model](model: type[M], shape: Shapes, **values: Any) -> QuerySet[M]:
    """``visible(user, model)`` of the user :func:`values_of` gives ``shape`` and ``values``
    of: the same scopes, asked with the same values, in the same union."""
    scopes = _of_values(model)
    asked = [
        None if scope_shape is None else scope.function(scope_shape[0], **_values_at(place, values))
        for place, (scope, scope_shape) in enumerate(zip(scopes, shape, strict=True))
    ]
    scoped = len(_ROWS[model])
    union = _union(asked[:scoped])
    if union is None:
        return model._default_manager.none()
    queryset = model._default_manager.filter(union)
    for condition in asked[scoped:]:
        queryset = queryset.filter(condition)
    return queryset


def granted[M: Model](user: object, model: type[M], scope: Callable[..., Q | None]) -> QuerySet[M]:
    """The rows of ``model`` that one of its row scopes (``scope``, registered with ``rows``,
    or a part of one) grants this user, with the model's ``only`` conditions: a part of
    ``visible(user, model)`` for a page that shows only these rows, asked without the union of
    every other scope (and the subqueries they embed)."""
    registered = _registration(scope, _ROWS.get(model, []), _PARTS.get(model, []))
    if registered is None:
        raise LookupError(f"{scope.__name__} is not a row scope of {model.__name__}")
    grant = registered(user) if active(user) else None
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
