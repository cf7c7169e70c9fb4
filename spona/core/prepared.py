"""Querysets compiled once per process, asked again with other values.

The ORM builds and compiles a queryset's SQL anew each time it runs: for a query that every
request makes with only a key changed (the signed-in user, loaded with their institution and
its municipality), building and compiling is most of its Python work. ``Prepared`` builds the
queryset once per process and database with sample values, keeps the SQL and the compiler
(which knows how to turn each row into model instances), and runs the same SQL with the values
of each use as parameters. What a row holds is read from the database on every use: only the
SQL text, which depends on the models alone, is kept.
"""

from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, date, datetime, timedelta
from operator import is_
from typing import Any, Protocol, runtime_checkable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.constants import MULTI
from django.db.models.sql.query import Query


class _Kept:
    """Mixed into a copy of the kept compiler: it answers with the kept SQL and this use's
    values instead of compiling the query again, and converts the rows of its columns with
    the converters it found for them the first time on this connection.

    The class made for each prepared query (``Prepared._prepare``) holds its columns
    (``kept_fields``, the expressions the compiler selects, shared by every copy), whether any
    is composite, and their converters by connection: the ORM looks each column's converters
    up again on every read (about five Python calls a column, two hundred for a row with its
    related rows), though they depend on the columns' fields and the connection alone."""

    kept_sql: str
    kept_params: tuple[Any, ...]
    kept_rows: list[tuple[Any, ...]] | None
    kept_fields: tuple[Any, ...]
    kept_composite: bool
    kept_converters: dict[Any, dict[int, Any]]
    connection: Any
    col_count: int
    has_extra_select: bool

    def as_sql(self, *args: Any, **kwargs: Any) -> tuple[str, tuple[Any, ...]]:
        return self.kept_sql, self.kept_params

    def execute_sql(
        self, result_type: Any = MULTI, chunked_fetch: bool = False, *args: Any, **kwargs: Any
    ) -> Any:
        """The rows already fetched (``kept_rows``: sent with other reads, ``read_together``),
        or fetched at once (``_fetched``), as the ORM's read of all of them returns them (one
        chunk); a read of another kind, or in chunks, is the ORM's."""
        if result_type != MULTI or chunked_fetch:
            return super().execute_sql(result_type, chunked_fetch, *args, **kwargs)  # type: ignore[misc]
        rows = self.kept_rows
        if rows is None:
            rows = self._fetched()
        if self.has_extra_select:
            rows = [row[: self.col_count] for row in rows]
        return [rows] if rows else []

    def _fetched(self) -> list[tuple[Any, ...]]:
        """The query's rows read with one ``fetchall``: the ORM reads them a hundred at a
        time until the cursor gives none (about twenty Python calls more for a row), though
        it reads them all before it returns them when not asked for chunks."""
        with self.connection.cursor() as cursor:
            cursor.execute(self.kept_sql, self.kept_params)
            return cursor.fetchall()  # type: ignore[no-any-return]

    def _kept_columns(self, expressions: Any) -> bool:
        kept = self.kept_fields
        return len(expressions) == len(kept) and all(map(is_, expressions, kept))

    def get_converters(self, expressions: Any) -> dict[int, Any]:
        if not self._kept_columns(expressions):
            return super().get_converters(expressions)  # type: ignore[misc, no-any-return]
        converters = self.kept_converters.get(self.connection)
        if converters is None:
            converters = super().get_converters(expressions)  # type: ignore[misc]
            self.kept_converters[self.connection] = converters
        return converters

    def has_composite_fields(self, expressions: Any) -> bool:
        if not self._kept_columns(expressions):
            return super().has_composite_fields(expressions)  # type: ignore[misc, no-any-return]
        return self.kept_composite


def _copied[T](value: T) -> T:
    """``copy.copy(value)`` of an object whose state is its ``__getstate__`` (a query, a
    compiler: no ``__copy__``, ``__setstate__`` or slots), in four calls, not copy's dozen: a
    prepared read copies its query and its compiler each time."""
    copied = object.__new__(type(value))
    copied.__dict__.update(value.__getstate__())  # type: ignore[call-overload]
    return copied


class _PreparedQuery(Query):
    """The query of a prepared queryset: its compiler is the kept one, bound to this use's
    values and to the calling thread's connection."""

    kept: SQLCompiler
    kept_class: type[SQLCompiler]
    kept_sql: str
    kept_params: tuple[Any, ...]
    kept_rows: list[tuple[Any, ...]] | None = None

    def get_compiler(
        self, using: str | None = None, connection: Any = None, elide_empty: bool = True
    ) -> SQLCompiler:
        compiler = _copied(self.kept)
        compiler.__class__ = self.kept_class
        compiler.connection = connections[using] if using else connection
        compiler.kept_sql = self.kept_sql  # type: ignore[attr-defined]
        compiler.kept_params = self.kept_params  # type: ignore[attr-defined]
        compiler.kept_rows = self.kept_rows  # type: ignore[attr-defined]
        return compiler


def _other(value: Any) -> Any:
    """A second sample that differs from ``value`` (of a kind a prepared query may take)."""
    if isinstance(value, bool):
        raise TypeError("a prepared query takes no yes-or-no value: build one for each")
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "~"
    if isinstance(value, datetime | date):
        return value + timedelta(days=1)
    raise TypeError(f"a prepared query takes no value such as {value!r}")


class _Parameters:
    """Where each value goes among a prepared query's parameters, and the constants."""

    def __init__(
        self,
        connection: Any,
        samples: tuple[Any, ...],
        others: tuple[Any, ...],
        params: Sequence[Any],
        other_params: Sequence[Any],
    ) -> None:
        ops = connection.ops
        forms: list[Callable[[Any], Any]] = [
            lambda value: value,
            ops.adapt_datetimefield_value,
            ops.adapt_datefield_value,
        ]
        self._slots: list[tuple[int, Callable[[Any], Any]] | None] = []
        self._constants = tuple(params)
        for param, other_param in zip(params, other_params, strict=True):
            if param == other_param:
                self._slots.append(None)
                continue
            found = [
                (index, form)
                for index, (sample, other) in enumerate(zip(samples, others, strict=True))
                for form in forms[: 1 if isinstance(sample, int | str) else 3]
                if _adapts(form, sample) == param and _adapts(form, other) == other_param
            ]
            if not found:
                raise ValueError(f"the query's parameter {param!r} is none of its values")
            if len({index for index, _form in found}) > 1:
                raise ValueError(f"the query's parameter {param!r} is more than one value")
            self._slots.append(found[0])
        if {slot[0] for slot in self._slots if slot} != set(range(len(samples))):
            raise ValueError("the query's parameters do not take every value")

    def of(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            constant if slot is None else slot[1](values[slot[0]])
            for constant, slot in zip(self._constants, self._slots, strict=True)
        )


def _adapts(form: Callable[[Any], Any], value: Any) -> Any:
    try:
        return form(value)
    except (TypeError, ValueError, AttributeError):
        return _UNADAPTED


_UNADAPTED = object()


class Prepared[M: Model]:
    """``build(*values)``'s queryset, compiled once per database for any values.

    ``build`` is built and compiled twice, with the sample values given here and with others
    that differ from them in every value (``_other``). The SQL must be the same both times;
    each parameter that differs between the two must be one of the values (the same one both
    times), as the database takes it (a moment or a date as the connection adapts it); a
    parameter that does not differ is a constant of the query (a status, a role) and is kept.
    Anything else (SQL that depends on a value, a parameter worked out from a value) is
    refused, so that another use only replaces the values."""

    def __init__(self, build: Callable[..., QuerySet[M]], *samples: Any) -> None:
        self._build = build
        self._samples = samples
        self._kept: dict[str, tuple[QuerySet[M], _PreparedQuery, _Parameters]] = {}

    def _compiled(self, using: str, values: tuple[Any, ...]) -> tuple[QuerySet[M], SQLCompiler]:
        queryset = self._build(*values).using(using)
        return queryset, queryset.query.get_compiler(using=using)

    def _prepare(self, using: str) -> tuple[QuerySet[M], _PreparedQuery, _Parameters]:
        queryset, compiler = self._compiled(using, self._samples)
        sql, params = compiler.as_sql()
        others = tuple(map(_other, self._samples))
        other_sql, other_params = self._compiled(using, others)[1].as_sql()
        if other_sql != sql or len(other_params) != len(params):
            raise ValueError("the query's SQL depends on its values")
        parameters = _Parameters(compiler.connection, self._samples, others, params, other_params)
        query: _PreparedQuery = queryset.query.chain(klass=_PreparedQuery)  # type: ignore[assignment]
        query.kept = compiler
        fields = tuple(column[0] for column in compiler.select[: compiler.col_count])
        kept_columns = {
            "kept_fields": fields,
            "kept_composite": compiler.has_composite_fields(fields),
            "kept_converters": {},
        }
        query.kept_class = type(
            f"Kept{type(compiler).__name__}", (_Kept, type(compiler)), kept_columns
        )
        query.kept_sql = sql
        return queryset, query, parameters

    def _kept_for(self, using: str) -> tuple[QuerySet[M], _PreparedQuery, _Parameters]:
        if using not in self._kept:
            self._kept[using] = self._prepare(using)
        return self._kept[using]

    def _checked(self, values: tuple[Any, ...]) -> None:
        if len(values) != len(self._samples) or None in values:
            raise ValueError("a prepared query takes all its values, none of them None")

    def __call__(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[Any]:
        """The rows for ``values``, as ``list(build(*values))`` would read them (model
        instances, or tuples for ``values_list``). A list, not a queryset: a queryset's
        further filters would not change the kept SQL."""
        self._checked(values)
        queryset, kept, parameters = self._kept_for(using)
        return self._rows(queryset, kept, parameters.of(values), None)

    def later(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> "Later[list[Any]]":
        """The rows for ``values`` (as a call reads them) once asked for: sent with the other
        reads asked by the time they are (``read_together``)."""
        self._checked(values)
        read = _Read(self, values, using)
        return Later(read.rows, (read,))

    def _rows(
        self,
        queryset: QuerySet[M],
        kept: _PreparedQuery,
        params: tuple[Any, ...],
        fetched: list[Any] | None,
    ) -> list[Any]:
        """The rows of the kept query for ``params``: read now, or made from the rows
        ``fetched`` by a cursor that ran it (``_Read``), as the ORM makes them from what it
        reads."""
        query = _copied(kept)
        query.kept_params = params
        query.kept_rows = fetched
        rows = type(queryset)(model=queryset.model, query=query, using=queryset.db)
        # as the queryset reads its rows: model instances, or values (``values_list``)
        rows._iterable_class = queryset._iterable_class
        rows._fields = queryset._fields  # type: ignore[attr-defined]
        return list(rows)


class _Read:
    """A prepared read asked with its values: sent with others and read after
    (``read_together``), or read alone when its rows are first asked for (``read``: its
    rows, ``None`` until then)."""

    __slots__ = ("_cursor", "_kept", "_params", "_prepared", "read", "using")

    def __init__(self, prepared: Prepared[Any], values: tuple[Any, ...], using: str) -> None:
        self._prepared, self.using = prepared, using
        self._kept = prepared._kept_for(using)
        self._params = self._kept[2].of(values)
        self._cursor: Any = None
        self.read: list[Any] | None = None

    def send(self, database: Any) -> None:
        """Run the SQL on a cursor of ``database`` (in pipeline mode: sent, not yet read)."""
        self._cursor = database.cursor()
        self._cursor.execute(self._kept[1].kept_sql, self._params)

    def rows(self) -> list[Any]:
        if self.read is None:
            fetched = None
            if self._cursor is not None:
                with self._cursor as cursor:
                    fetched = cursor.fetchall()
            queryset, kept, _parameters = self._kept
            self.read = self._prepared._rows(queryset, kept, self._params, fetched)
        return self.read


class Later[T]:
    """A value made from the rows of prepared reads (``Prepared.later``) once it is asked for
    (``get``). The reads of several values asked before any of them is taken are sent together
    (``read_together``): one round trip on PostgreSQL, where each read was one."""

    __slots__ = ("_made", "_make", "reads")

    def __init__(self, make: Callable[[], T], reads: tuple[_Read, ...] = ()) -> None:
        self._make, self.reads = make, reads
        self._made: tuple[T] | None = None

    @classmethod
    def known(cls, value: T) -> "Later[T]":
        """A value that reads nothing."""
        return cls(lambda: value)

    def then[U](self, make: Callable[[T], U]) -> "Later[U]":
        """The value ``make`` makes of this one, from the same reads."""
        return Later(lambda: make(self.get()), self.reads)

    @staticmethod
    def of[U](make: Callable[..., U], *values: "Later[Any]") -> "Later[U]":
        """What ``make`` makes of the values, from all their reads."""
        return Later(
            lambda: make(*[value.get() for value in values]),
            tuple(read for value in values for read in value.reads),
        )

    def get(self) -> T:
        if self._made is None:
            for read in self.reads:
                if read.read is None:
                    read_together(self)
                    break
            self._made = (self._make(),)
        return self._made[0]


@runtime_checkable
class _Pipelines(Protocol):
    """A database connection that sends statements together (``spona.core.postgresql``)."""

    def pipelined(self, send: Callable[[], None]) -> None: ...


def read_together(*values: Later[Any]) -> None:
    """Read every prepared read of ``values`` that is not read yet. On PostgreSQL each
    database's are sent at once in pipeline mode and their rows read after: one round trip
    (a statement's cost to the server is mostly its round trip, not its plan). Elsewhere they
    are read one after the other, as they would be alone."""
    by_database: dict[str, dict[int, _Read]] = {}
    for value in values:
        for read in value.reads:
            if read.read is None:
                by_database.setdefault(read.using, {})[id(read)] = read
    for using, unread in by_database.items():
        reads = list(unread.values())
        database = connections[using]
        if len(reads) > 1 and isinstance(database, _Pipelines):
            database.pipelined(_sending(reads, database))
        for read in reads:
            read.rows()


def _sending(reads: list[_Read], database: Any) -> Callable[[], None]:
    def send() -> None:
        for read in reads:
            read.send(database)

    return send


#: The sample values of a shape, by kind: each value of a query a sample of its own, so that
#: no parameter could be two of them (``_Parameters``).
def _sample(kind: type, position: int) -> Any:
    if issubclass(kind, datetime):
        return datetime(2001, 1, 1, tzinfo=UTC) + timedelta(minutes=position)
    if issubclass(kind, date):
        return date(2002, 1, 1) + timedelta(days=2 * position)
    if issubclass(kind, str):
        return f"sample{position}"
    if issubclass(kind, int) and not issubclass(kind, bool):
        return 1001 + 2 * position
    raise TypeError(f"a prepared query takes no value of the kind {kind.__name__}")


class Shaped[M: Model]:
    """``build(shape, **values)``'s queryset, prepared once per shape (``Prepared``).

    The shape is what the query's form depends on (a role, whether the user's role acts for
    the institution); a value that is ``None`` is part of the shape too (a user without an
    institution is a query without its key), so ``build`` is given ``None`` for it and the
    prepared query takes the other values. The samples are made from the kinds of the values
    (``_sample``), not from any user's: a process keeps no one's values."""

    def __init__(self, build: Callable[..., QuerySet[M]]) -> None:
        self._build = build
        self._prepared: dict[Hashable, tuple[tuple[str, ...], Prepared[M]]] = {}

    def _prepare(
        self, shape: Hashable, values: dict[str, Any]
    ) -> tuple[tuple[str, ...], Prepared[M]]:
        given = tuple(name for name, value in values.items() if value is not None)
        absent = dict.fromkeys(name for name in values if name not in given)

        def built(*given_values: Any) -> QuerySet[M]:
            return self._build(shape, **dict(zip(given, given_values, strict=True)), **absent)

        samples = (_sample(type(values[name]), i) for i, name in enumerate(given))
        return given, Prepared(built, *samples)

    def _given(self, shape: Hashable, values: dict[str, Any]) -> tuple[Prepared[M], list[Any]]:
        """The query prepared for this shape (and these absent values), and what it takes."""
        key = (shape, *(value is None for value in values.values()), *values)
        if key not in self._prepared:
            self._prepared[key] = self._prepare(shape, values)
        given, prepared = self._prepared[key]
        return prepared, [values[name] for name in given]

    def __call__(
        self, shape: Hashable, *, using: str = DEFAULT_DB_ALIAS, **values: Any
    ) -> list[Any]:
        """The rows of ``build(shape, **values)`` (as ``Prepared`` reads them)."""
        prepared, given = self._given(shape, values)
        return prepared(*given, using=using)

    def later(
        self, shape: Hashable, *, using: str = DEFAULT_DB_ALIAS, **values: Any
    ) -> Later[list[Any]]:
        """The rows of ``build(shape, **values)`` once asked for, read with the others asked
        by then (``Prepared.later``)."""
        prepared, given = self._given(shape, values)
        return prepared.later(*given, using=using)

    def __len__(self) -> int:
        """How many queries this process prepared: one per shape met (for the tests)."""
        return len(self._prepared)
