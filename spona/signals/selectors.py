"""Reads of signals: the triage queue, one's own signals, the first page of a list of them, one
signal (audited)."""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    When,
    Window,
)
from django.http import Http404
from django.utils import timezone

from spona.accounts.models import User
from spona.accounts.selectors import with_receivers
from spona.audit.models import AuditAction
from spona.audit.services import audit, audit_listed
from spona.core.fields import EncryptedTextField, decrypt_all
from spona.core.listing import Listing, listing
from spona.core.prepared import Prepared, Shaped
from spona.core.roles import Role
from spona.core.urgency import Urgency
from spona.core.work import Counted, counted, read_counted
from spona.institutions.filters import reference_choices
from spona.institutions.models import Institution, Municipality
from spona.policy import Shapes, active, can, values_of, visible, visible_of
from spona.signals.access import (
    SIGNAL_TRIAGE,
    routed_to,
    triage_municipality,
    triage_scope,
    triaged_by,
)
from spona.signals.filters import SignalFilter
from spona.signals.models import Signal, SignalNote, Status

OPEN = [Status.NEW, Status.ASSIGNED]


def triage_queue(*, user: User) -> QuerySet[Signal]:
    """Open signals this user triages (their municipality's, those routed to their institution,
    the Centre's share), most urgent and oldest first."""
    scope = triage_scope(user)
    if scope is None or not can(user, SIGNAL_TRIAGE):
        return Signal.objects.none()
    urgency_order = Case(
        When(urgency=Urgency.IMMEDIATE, then=0),
        When(urgency=Urgency.URGENT, then=1),
        default=2,
    )
    signals = (
        visible(user, Signal)
        .filter(scope, status__in=OPEN)
        .select_related("municipality", "raised_by_institution")
    )
    return signals.annotate(urgency_order=urgency_order).order_by("urgency_order", "created_at")


def _due() -> Case:
    """When a signal should be triaged: its time of arrival plus what its urgency allows."""
    return Case(
        *(
            When(urgency=urgency, then=F("created_at") + urgency.allowed_time)
            for urgency in Urgency
        ),
        output_field=DateTimeField(),
    )


def _waiting(
    national: bool,
    *,
    municipality: int | None,
    routed: int | None,
    institution: int | None,
    **late_before: datetime,
) -> QuerySet[Signal]:
    """Untriaged signals in the triage scope (``triaged_by``) and those routed to the user's
    ``institution``, soonest due first, as the home page counts and shows them: overdue when
    they arrived before ``late_before`` of their urgency (``late_<urgency>``)."""
    waiting = Q(status=Status.NEW)
    if institution is not None:  # routed here: this institution acts on it next
        waiting |= Q(status=Status.ASSIGNED, assigned_institution=institution)
    scope = triaged_by(municipality, routed, national=national)
    # the municipality's names, a subquery each: PostgreSQL works them out for the rows shown
    # alone, after the sort and the limit; a join is made for every signal waiting, counted
    # or not (h33home)
    names = Municipality.objects.filter(pk=OuterRef("municipality")).order_by()
    signals = (
        Signal.objects.filter(scope, waiting)
        .only("code", "urgency", "created_at")
        .annotate(
            due=_due(),
            municipality_cyr=Subquery(names.values("name_cyr")),
            municipality_lat=Subquery(names.values("name_lat")),
        )
        .order_by("due", "pk")
    )
    late = Q(pk__in=[])
    for urgency in Urgency:
        late |= Q(urgency=urgency, created_at__lt=late_before[f"late_{urgency}"])
    return counted(signals, late)


#: The home page's signals to triage: compiled once per process for each shape of user.
_WAITING = Shaped(_waiting)


def triage_waiting(*, user: User) -> Counted[Signal] | None:
    """The first signals waiting for this user's triage (the home page's first section):
    untriaged ones in their scope (``triaged``) and those routed to their institution, each
    annotated with ``due`` (arrival plus what the urgency allows), soonest first; how many
    wait and how many are past the time their urgency allows (``read_counted``), once
    read (``Shaped.later``). ``None`` for a user who triages no signal (the section is not
    theirs: the policy asked once, here). Only what the section shows is read: the code, the
    urgency, the time of arrival, when it is due and the municipality's names
    (``municipality_cyr``, ``municipality_lat``)."""
    if not can(user, SIGNAL_TRIAGE):
        return None
    # ``can`` says the user triages: ``triaged_by`` grants some signals
    now = timezone.now()
    late_before: dict[str, Any] = {
        f"late_{urgency}": now - urgency.allowed_time for urgency in Urgency
    }
    return _WAITING.later(
        user.role == Role.CENTRE_OFFICER,
        municipality=triage_municipality(user),
        routed=routed_to(user),
        institution=user.institution_id,
        **late_before,
    ).then(read_counted)


def my_signals(*, user: User) -> QuerySet[Signal]:
    return visible(user, Signal).filter(raised_by=user).select_related("municipality")


def signal_list_page(*, user: User, params: Mapping[str, Any] | None = None) -> dict[str, object]:
    """The signals page: one page of the triage queue and one of one's own signals, both
    searched and filtered by ``params`` (``SignalFilter``), audited as one read naming only
    the signals shown."""
    queue: Listing[Signal] = listing(SignalFilter, triage_queue(user=user), params)
    mine: Listing[Signal] = listing(
        SignalFilter, my_signals(user=user), params, page_param="mine-page"
    )
    audit_listed(user=user, purpose="signal list", queue=queue.rows, mine=mine.rows)
    return {"filters": queue.filters, "queue": queue.page, "mine": mine.page}


def _first_listed(listed: tuple[Shapes, tuple[str, ...], int], **values: Any) -> QuerySet[Signal]:
    """The first signals of a list, as rows of its columns and the number of signals the user
    sees in all (the last column, counted beside the page): ``listed`` is the shape of the
    user's scopes (``values_of``), the columns and how many rows."""
    shape, columns, size = listed
    # the count as the database sends it (an integer from PostgreSQL and SQLite), without
    # the integer field's converter (two Python calls a row)
    count = Window(Count("*"), output_field=Field())
    seen = visible_of(Signal, shape, **values).annotate(seen=count)
    read = [_token(column) if column in _SEALED else column for column in columns]
    return seen.values_list(*read, "seen")[:size]


#: a signal's encrypted columns (``EncryptedTextField``)
_SEALED = frozenset(
    field.name for field in Signal._meta.concrete_fields if isinstance(field, EncryptedTextField)
)


def _token(column: str) -> "ExpressionWrapper[F]":
    """An encrypted column read as it is stored (its token, or ``''``), not opened by its
    field one value at a time."""
    return ExpressionWrapper(F(column), output_field=TextField())


#: The first page of a list of signals: compiled once per shape of user, not on every read.
_FIRST_LISTED = Shaped(_first_listed)


def first_signals(
    *, user: User, columns: Sequence[str], size: int
) -> tuple[list[tuple[Any, ...]], int]:
    """The first ``size`` signals this user may see, in ``visible``'s order (newest first),
    as rows of ``columns``; and how many they may see in all, counted by the same query
    (``COUNT(*) OVER ()``). One query prepared per shape of user (``Shaped``): the scopes'
    union is not built and compiled on every read, nor counted by a query of its own. The
    encrypted columns' tokens are opened together (``decrypt_all``), not one by one. Not
    audited: the caller audits the rows it shows."""
    shape, values = values_of(user, Signal)
    rows = _FIRST_LISTED((shape, tuple(columns), size), **values)
    sealed = [at for at, column in enumerate(columns) if column in _SEALED]
    texts = decrypt_all([row[at] for row in rows for at in sealed])
    opened: list[tuple[Any, ...]] = []
    next_text = 0
    for row in rows:
        shown = list(row[:-1])
        for at in sealed:
            shown[at] = texts[next_text]
            next_text += 1
        opened.append(tuple(shown))
    return opened, rows[0][-1] if rows else 0


def _coded(shape: Shapes, *, code: str, **values: Any) -> QuerySet[Signal]:
    """The signal of this code if a user of ``shape`` (``values_of``) sees it, with its
    municipality and the raiser's institution, as ``visible(...).filter(code=...).first()``;
    and whether anything was added to it later (``has_notes``)."""
    seen = visible_of(Signal, shape, **values).select_related(
        "municipality", "raised_by_institution"
    )
    notes = SignalNote.objects.filter(signal=OuterRef("pk"))
    return seen.filter(code=code).annotate(has_notes=Exists(notes))[:1]


#: The signal's page and the API's signal: compiled once per shape of user, not on every read.
_CODED = Shaped(_coded)


def signal_get(*, user: User, code: str) -> Signal:
    """The signal of this code if the user may see it (``Http404`` if not), its read audited:
    one query prepared per shape of user (``Shaped``), not ``visible``'s union built and
    compiled on every read."""
    if not active(user):
        raise Http404
    shape, values = values_of(user, Signal)
    try:
        found: list[Signal] = _CODED(shape, code=code, **values)
    except EmptyResultSet:  # the user's scopes grant no signal at all
        raise Http404 from None
    if not found:
        raise Http404
    signal = found[0]
    audit(AuditAction.READ, signal, user=user)
    return signal


def _notes_of(signal: int) -> QuerySet[SignalNote]:
    return SignalNote.objects.filter(signal=signal)


_NOTES_OF = Prepared(_notes_of, 1)


def signal_notes(signal: Signal) -> list[SignalNote]:
    """What was added to the signal later, oldest first (part of the signal's read: the
    caller audits it), by a query prepared once per process; none read for a signal that
    ``signal_get`` found without any (``has_notes``: most signals)."""
    if not getattr(signal, "has_notes", True):
        return []
    return _NOTES_OF(signal.pk)


def assignable(municipality: int) -> QuerySet[Institution]:
    """The active institutions of the municipality, and the national ones, that have someone
    to receive a signal of it (a signal routed where nobody answers would wait forever)."""
    here = Q(municipality=municipality) | Q(municipality__isnull=True)
    return with_receivers(Institution.objects.filter(here, is_active=True))


def _assignable_keys(municipality: int) -> QuerySet[Institution, Any]:
    return assignable(municipality).values_list("pk", flat=True)


_ASSIGNABLE_KEYS = Prepared(_assignable_keys, 1)


def assignable_choices(municipality: int) -> list[tuple[int, str]]:
    """(key, name) of the institutions a signal of the municipality may be assigned to
    (``assignable``), in the alphabetical order of the page's script (``reference_choices``):
    their keys read by one query prepared once per process."""
    keys = frozenset(_ASSIGNABLE_KEYS(municipality))
    return [(pk, name) for pk, name in reference_choices("institution") if pk in keys]


def signals_raised_count(municipality: int) -> int:
    """How many signals the municipality had in the last 12 months (an aggregate: publish it
    through ``spona.disclosure``)."""
    since = timezone.now() - timedelta(days=365)
    return Signal.objects.filter(municipality=municipality, created_at__gte=since).count()
