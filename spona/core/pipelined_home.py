"""The home page's sections' reads sent to PostgreSQL together: one round trip for all.

Each section of the home page (``spona.core.work``) reads a prepared query of the user's
values (``spona.core.prepared.Shaped``). Read one after the other, each read is a round trip,
and on tables of the home page's size the round trip costs PostgreSQL more than the query
(h33home: 0.08–0.25 ms of its CPU a statement in a request, 0.02–0.07 ms the same statement in
a loop). So a read is *sent* (:func:`send`) and its rows asked for later (its answer, a
callable): inside :func:`together` psycopg's pipeline mode queues each statement, the block's
end sends them all with one Sync, and their results come back together; each answer then
builds its rows as ``Prepared`` reads them. Outside :func:`together`, or on another database
than PostgreSQL, a read is made when it is sent.

In autocommit the statements between two Syncs run in one implicit transaction, each with a
snapshot of its own (READ COMMITTED), as when each was sent alone; one that fails fails the
block. The statements are the same, and go through Django's cursor (logged and counted as
any other query).

The case page's reads (h34case) are sent together the same way; the two are to become one
deferred read in ``spona.core.prepared``.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.constants import MULTI

from spona.core.prepared import Prepared, Shaped, _PreparedQuery

#: The databases whose reads are sent together now (inside :func:`together`).
_TOGETHER: ContextVar[frozenset[str]] = ContextVar("together", default=frozenset())


@contextmanager
def together(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Send the reads of the block (:func:`send`) in one round trip, when the block ends."""
    database = connections[using]
    if database.vendor != "postgresql" or using in _TOGETHER.get():
        yield
        return
    database.close_if_health_check_failed()  # before the pipeline: its check is a query
    database.ensure_connection()
    sending = _TOGETHER.set(_TOGETHER.get() | {using})
    try:
        with database.wrap_database_errors, database.connection.pipeline():
            yield
    finally:
        _TOGETHER.reset(sending)


def send[M: Model](
    shaped: Shaped[M], shape: Hashable, *, using: str = DEFAULT_DB_ALIAS, **values: Any
) -> Callable[[], list[M]]:
    """``shaped(shape, **values)`` sent: called, the answer gives its rows. Inside
    :func:`together` the statement waits for the block's end; called before that, the
    answer would wait for the block's results then."""
    key = (shape, *(value is None for value in values.values()), *values)
    if key not in shaped._prepared:
        shaped._prepared[key] = shaped._prepare(shape, values)
    given, prepared = shaped._prepared[key]
    return _sent(prepared, tuple(values[name] for name in given), using)


def _sent[M: Model](
    prepared: Prepared[M], values: tuple[Any, ...], using: str
) -> Callable[[], list[M]]:
    """``prepared(*values)``'s statement executed (in pipeline mode: queued), and its answer."""
    if len(values) != len(prepared._samples) or None in values:
        raise ValueError("a prepared query takes all its values, none of them None")
    if using not in prepared._kept:
        prepared._kept[using] = prepared._prepare(using)
    queryset, kept, parameters = prepared._kept[using]
    # ``copy.copy(kept)`` as an ``_Answered`` (a query copies its ``__getstate__``)
    query = _Answered.__new__(_Answered)
    query.__dict__ = kept.__getstate__()  # type: ignore[assignment]
    query.kept_params = parameters.of(values)
    cursor = connections[using].cursor()
    cursor.execute(query.kept_sql, query.kept_params)  # what the kept compiler's SQL is

    def rows() -> list[M]:
        query.fetched = cursor.fetchall()
        cursor.close()
        read = type(queryset)(model=queryset.model, query=query, using=using)
        # as the queryset reads its rows: model instances, or values (``values_list``)
        read._iterable_class = queryset._iterable_class
        read._fields = queryset._fields  # type: ignore[attr-defined]
        return list(read)

    if using in _TOGETHER.get():
        return rows
    answer = rows()  # read now: the answer is the rows
    return lambda: answer


class _Answered(_PreparedQuery):
    """A prepared query whose rows have been fetched: its compiler gives them to the ORM
    instead of executing the statement."""

    fetched: list[tuple[Any, ...]]

    def get_compiler(
        self, using: str | None = None, connection: Any = None, elide_empty: bool = True
    ) -> SQLCompiler:
        compiler = super().get_compiler(using, connection, elide_empty)
        compiler.__class__ = _fetching(type(compiler))
        compiler.fetched = self.fetched  # type: ignore[attr-defined]
        return compiler


class _Fetched:
    """Mixed into a kept compiler: ``execute_sql`` answers with the rows fetched, as Django's
    reads them all at once (one chunk, the extra columns cut)."""

    fetched: list[tuple[Any, ...]]
    has_extra_select: bool
    col_count: int

    def execute_sql(self, result_type: Any = MULTI, *args: Any, **kwargs: Any) -> Any:
        if result_type != MULTI:
            raise ValueError("a fetched read gives its rows only")
        if self.has_extra_select:
            return [[row[: self.col_count] for row in self.fetched]]
        return [self.fetched]


#: Each kept compiler's class with ``_Fetched`` mixed in, made once.
_FETCHING: dict[type[SQLCompiler], type[SQLCompiler]] = {}


def _fetching(kept: type[SQLCompiler]) -> type[SQLCompiler]:
    if kept not in _FETCHING:
        _FETCHING[kept] = type(f"Fetched{kept.__name__}", (_Fetched, kept), {})
    return _FETCHING[kept]
