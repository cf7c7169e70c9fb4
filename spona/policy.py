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
"""

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from spona.core.memo import per_request


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
_ONLY: dict[type[Model], list[Callable[[Any], Q]]] = {}


def rows[M: Model](model: type[M]) -> Callable[[Callable[[Any], Q | None]], Callable[..., Any]]:
    """Register a function that grants the rows of ``model`` it returns (``None``: none)."""

    def register(function: Callable[[Any], Q | None]) -> Callable[..., Any]:
        _ROWS.setdefault(model, []).append(function)
        return function

    return register


def only[M: Model](model: type[M]) -> Callable[[Callable[[Any], Q]], Callable[..., Any]]:
    """Register a condition every visible row of ``model`` must also meet."""

    def register(function: Callable[[Any], Q]) -> Callable[..., Any]:
        _ONLY.setdefault(model, []).append(function)
        return function

    return register


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
    queryset = model._default_manager.filter(union)
    for condition in _ONLY.get(model, []):
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
