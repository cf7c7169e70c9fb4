"""What waits for a user: the sections of the home page ("my work"), one definition.

Each app adds the work it owns from its ``navigation`` module (``provide``): a function that
takes the user and returns ``None`` when the section is not for this user, or else the
``Section`` to be made of its read's rows (a count and the first few items; or ``None`` after
all), a ``spona.core.prepared.Later``: its app's selector asks its prepared read
(``Shaped.later``). The home page asks every provider, reads all their reads together (one
round trip on PostgreSQL), then makes the sections (``sections_for``) and shows them most
urgent first. The municipality's summary works the same way (``summarise``): each app adds the
figures it can count for a municipality; the page publishes them through ``spona.disclosure``.

Items name things by code, never by a person's name: the home page is seen over shoulders.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cached_property
from typing import Any, cast

from django.db.models import Count, Model, Q, QuerySet, Window
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.functional import Promise

from spona.core.prepared import Later, read_together
from spona.core.urgency import Urgency

#: How many items a section shows; the count says how many there are in all.
SHOWN = 5

_URGENCY_ORDER: dict[str, int] = {Urgency.IMMEDIATE: 0, Urgency.URGENT: 1, Urgency.NORMAL: 2}
#: An urgency's label by its value: ``Urgency.values`` and ``Urgency(value)`` build a list and
#: look the member up anew on each call (about 20 Python calls), and a page of items asks
#: each item's urgency several times while sorting and writing it.
URGENCY_LABELS = dict(Urgency.choices)


@dataclass(frozen=True)
class Item:
    """One thing that waits: its code, a short line, where to act, when it is due."""

    code: str
    text: str
    url: str
    due: datetime | date | None = None
    urgency: str = ""

    @cached_property
    def due_at(self) -> datetime | None:
        """The due time as a moment (a due date ends at the end of that day); worked out once
        per item, which is sorted and written by it several times."""
        if self.due is None or isinstance(self.due, datetime):
            return self.due
        return timezone.make_aware(datetime.combine(self.due, time.max))

    @cached_property
    def overdue(self) -> bool:
        """Past due when first asked: an item lives for one request, and is sorted and written
        by it several times (the clock read once an item, not once an ask)."""
        return self.due_at is not None and self.due_at < timezone.now()

    def sort_key(self) -> tuple[int, datetime, int]:
        """Overdue first, then the soonest due, then the most urgent."""
        return (
            0 if self.overdue else 1,
            self.due_at or _NEVER,
            _URGENCY_ORDER.get(self.urgency, 3),
        )


_NEVER = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Section:
    """A kind of work for this user: how many in all, how many overdue, the first few."""

    key: str
    title: Promise | str
    count: int
    items: list[Item]
    url: str = ""
    overdue_count: int = 0
    empty: Promise | str = ""
    #: aggregate figures instead of items: (label, published value)
    figures: Sequence[tuple[Promise | str, str]] = ()

    def sort_key(self) -> tuple[int, datetime]:
        first = min(map(Item.sort_key, self.items), default=None)
        if self.overdue_count or (first and first[0] == 0):
            return (0, first[1] if first else timezone.now())
        if first is not None:
            return (1, first[1])
        return (2 if self.count or self.figures else 3, _NEVER)


def counted[M: Model](rows: QuerySet[M], overdue: Q | None = None) -> QuerySet[M]:
    """The first ``SHOWN`` of ``rows``, each with how many rows there are in all and how many
    of them are ``overdue`` (every row when no condition is given): one query, not two. The
    counts ride on each row read as window aggregates, which are taken over every row before
    the ``LIMIT``. The count of every row is written as SQL: the ORM's ``Window(Count(...))``
    is resolved, copied and hashed (to order by) anew in every query, about 600 Python calls
    each. A section may prepare this query (``spona.core.prepared``) and read it with
    :func:`read_counted`."""
    if rows.query.distinct:  # the window would count the rows before DISTINCT removes any
        raise ValueError("counted needs rows without DISTINCT")
    every = RawSQL("COUNT(*) OVER ()", ())
    late = every if overdue is None else Window(Count("pk", filter=overdue))
    # the plugin types an annotated queryset's rows as any model's
    return cast("QuerySet[M]", rows.annotate(waiting_in_all=every, overdue_in_all=late)[:SHOWN])


def read_counted[M: Model](shown: list[M]) -> tuple[list[M], int, int]:
    """The rows of a :func:`counted` query, how many there are in all and how many overdue."""
    if not shown:
        return [], 0, 0
    return shown, int(shown[0].waiting_in_all), int(shown[0].overdue_in_all)  # type: ignore[attr-defined]


#: A section's read once read (``Shaped.later(...).then(read_counted)``): its first rows, how
#: many in all and how many overdue.
type Counted[M: Model] = Later[tuple[list[M], int, int]]


def counted_section[M: Model](
    read: Counted[M],
    item: Callable[[M], Item],
    *,
    key: str,
    title: Promise | str,
    url: str = "",
    empty: Promise | str = "",
    seen: Callable[[list[M]], object] | None = None,
) -> Later[Section | None]:
    """The section a counted read makes once it is read: its first rows as items (``item``),
    how many in all and how many overdue. ``seen`` is given the rows first (the audit of what
    the home page lists, where a row can name a person)."""

    def section(counts: tuple[list[M], int, int]) -> Section:
        shown, count, overdue = counts
        if seen is not None:
            seen(shown)
        return Section(
            key=key,
            title=title,
            count=count,
            overdue_count=overdue,
            items=[item(row) for row in shown],
            url=url,
            empty=empty,
        )

    return read.then(section)


def nothing_counted() -> Counted[Any]:
    """A section's read for a user it shows nothing to: nothing to read."""
    return Later.known(([], 0, 0))


def first_counted[M: Model](
    rows: QuerySet[M], overdue: Q | None = None
) -> tuple[list[M], int, int]:
    """:func:`counted` read: the first rows, the count of all, the count overdue."""
    return read_counted(list(counted(rows, overdue)))


#: A user's section once its read is read (``None``: not for the user after all), or ``None``.
Provider = Callable[[Any], Later[Section | None] | None]
_PROVIDERS: list[Provider] = []


def provide(*providers: Provider) -> None:
    """Add an app's work sections to the home page (each once)."""
    _PROVIDERS.extend(p for p in providers if p not in _PROVIDERS)


def sections_for(user: object) -> list[Section]:
    """This user's work, most urgent first: sections with overdue items, then by the soonest
    due time, then the rest; the items of each section likewise. Every provider asks its read
    first; they are read together (``read_together``), then the sections made of the rows."""
    asked = [later for provider in _PROVIDERS if (later := provider(user)) is not None]
    read_together(*asked)
    sections = [section for later in asked if (section := later.get()) is not None]
    for section in sections:  # each section's own list, made for this request
        section.items.sort(key=Item.sort_key)
    return sorted(sections, key=Section.sort_key)


@dataclass(frozen=True)
class Figure:
    """A number an app counts for one municipality (the coordinator's summary)."""

    key: str
    label: Promise
    count: Callable[[int], int]


_FIGURES: list[Figure] = []


def summarise(*figures: Figure) -> None:
    """Add an app's figures to the municipality's summary (each once)."""
    _FIGURES.extend(f for f in figures if f not in _FIGURES)


def figures_for(municipality_id: int) -> list[tuple[Figure, int]]:
    """Every registered figure, counted for the municipality (unpublished raw counts)."""
    return [(figure, figure.count(municipality_id)) for figure in _FIGURES]
