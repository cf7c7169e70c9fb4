"""Querysets compiled once per process, asked again with other values.

The ORM builds and compiles a queryset's SQL anew each time it runs: for a query that every
request makes with only a key changed (the signed-in user, loaded with their institution and
its municipality), building and compiling is most of its Python work. ``Prepared`` builds the
queryset once per process and database with sample values, keeps the SQL and the compiler
(which knows how to turn each row into model instances), and runs the same SQL with the values
of each use as parameters. What a row holds is read from the database on every use: only the
SQL text, which depends on the models alone, is kept.
"""

import copy
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.query import Query


class _Kept:
    """Mixed into a copy of the kept compiler: it answers with the kept SQL and this use's
    values instead of compiling the query again."""

    kept_sql: str
    kept_params: tuple[Any, ...]

    def as_sql(self, *args: Any, **kwargs: Any) -> tuple[str, tuple[Any, ...]]:
        return self.kept_sql, self.kept_params


class _PreparedQuery(Query):
    """The query of a prepared queryset: its compiler is the kept one, bound to this use's
    values and to the calling thread's connection."""

    kept: SQLCompiler
    kept_class: type[SQLCompiler]
    kept_sql: str
    kept_params: tuple[Any, ...]

    def get_compiler(
        self, using: str | None = None, connection: Any = None, elide_empty: bool = True
    ) -> SQLCompiler:
        compiler = copy.copy(self.kept)
        compiler.__class__ = self.kept_class
        compiler.connection = connections[using] if using else connection
        compiler.kept_sql = self.kept_sql  # type: ignore[attr-defined]
        compiler.kept_params = self.kept_params  # type: ignore[attr-defined]
        return compiler


class Prepared[M: Model]:
    """``build(*values)``'s queryset, compiled once per database for any values.

    ``build`` must turn its values into the SQL's parameters as they are, and nothing else into
    a parameter: the sample values given here are compiled, and the compiled parameters must be
    exactly those samples (checked), so that another use only replaces them."""

    def __init__(self, build: Callable[..., QuerySet[M]], *samples: Any) -> None:
        self._build = build
        self._samples = samples
        self._kept: dict[str, tuple[QuerySet[M], _PreparedQuery]] = {}

    def _prepare(self, using: str) -> tuple[QuerySet[M], _PreparedQuery]:
        queryset = self._build(*self._samples).using(using)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        if tuple(params) != self._samples:
            raise ValueError(f"the query's parameters {params!r} are not its values")
        query: _PreparedQuery = queryset.query.chain(klass=_PreparedQuery)  # type: ignore[assignment]
        query.kept = compiler
        query.kept_class = type(f"Kept{type(compiler).__name__}", (_Kept, type(compiler)), {})
        query.kept_sql = sql
        return queryset, query

    def __call__(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[M]:
        """The rows for ``values``, as ``list(build(*values))`` would read them. A list, not
        a queryset: a queryset's further filters would not change the kept SQL."""
        if using not in self._kept:
            self._kept[using] = self._prepare(using)
        queryset, kept = self._kept[using]
        query = copy.copy(kept)
        query.kept_params = values
        return list(type(queryset)(model=queryset.model, query=query, using=using))
