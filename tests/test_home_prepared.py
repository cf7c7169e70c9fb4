"""The home page's sections are prepared once per shape of user (issue 18, h18home3): each
reads exactly the rows, the count and the overdue count that the whole scope reads through the
ORM (``visible``, ``granted``), for every user of the demo and a few users of the policy's odd
branches (no institution, break-glass, a coordinator without a municipality, an inactive
account), in a read-only request and outside one."""

from datetime import timedelta
from typing import Any

import psycopg
import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spona.accounts.models import Role, User
from spona.cases import selectors as cases
from spona.cases.access import referred_here
from spona.cases.models import BreakGlassGrant, Case, CaseStatus, Referral, ReferralStatus
from spona.conferences import selectors as conferences
from spona.conferences.access import own_tasks
from spona.conferences.models import Task, TaskStatus
from spona.core.prepared import read_together
from spona.core.roles import INSTITUTION_WIDE_ROLES, PERSON_ROLES, TASK_ROLES
from spona.core.work import first_counted, nothing_counted
from spona.institutions.models import InstitutionType
from spona.planning import selectors as planning
from spona.plans import selectors as plans
from spona.plans.models import Plan, PlanKind, PlanStatus, Review
from spona.policy import can, granted, remembering, rows, visible
from spona.screening import selectors as screening
from spona.screening.access import PROTOCOL_OVERSEE, institution_screenings, own_screenings
from spona.screening.models import ProtocolStep, Screening
from spona.signals import selectors as signals
from spona.signals.access import SIGNAL_TRIAGE, triaged
from spona.signals.models import Signal, Status
from spona.workspace.demo import demo_load
from tests.factories import InstitutionFactory, UserFactory


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The demo, with plans whose reviews fall due, and users of the policy's odd branches."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        _odd_users_and_plans()
        yield
        transaction.set_rollback(True)


def _odd_users_and_plans() -> None:
    today = timezone.localdate()
    manager = User.objects.filter(role=Role.CASE_MANAGER, institution__isnull=False).first()
    coordinator = User.objects.filter(role=Role.COORDINATOR).first()
    assert manager is not None
    assert coordinator is not None
    led = Case.objects.filter(opened_by_institution=manager.institution_id)
    for number, case in enumerate(led.order_by("pk")[:3]):
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.PROTECTION)
        plan = Plan.objects.create(
            case=case,
            kind=PlanKind.INTEGRATION,
            lead_institution_id=case.opened_by_institution_id,
            drafted_by=manager,
            coordinator=coordinator if number else None,
            status=PlanStatus.APPROVED,
        )
        Review.objects.create(plan=plan, due_on=today + timedelta(days=5 * number - 3))
    school = InstitutionFactory(type=InstitutionType.SCHOOL)
    glass = UserFactory(role=Role.CASE_MANAGER, institution=school)
    BreakGlassGrant.objects.create(
        case=led.first(), user=glass, reason="…", expires_at=timezone.now() + timedelta(hours=1)
    )
    UserFactory(role=Role.CASE_MANAGER, institution=None)
    UserFactory(role=Role.SUPERVISOR, institution=None)
    UserFactory(role=Role.FRONTLINE, institution=None)
    UserFactory(
        role=Role.COORDINATOR,
        institution=InstitutionFactory(type=InstitutionType.LOCAL_GOVERNMENT, municipality=None),
    )
    UserFactory(role=Role.CASE_MANAGER, institution=manager.institution, is_active=False)


# The sections' reads through the ORM, as the home page made them before they were prepared.


def _to_answer(user: User) -> Any:
    if user.role not in INSTITUTION_WIDE_ROLES or user.institution_id is None:
        return [], 0, 0
    waiting = visible(user, Referral).filter(
        to_institution=user.institution_id, status=ReferralStatus.SENT
    )
    # the one scope that grants them grants all of them
    assert set(waiting) == set(
        granted(user, Referral, referred_here).filter(status=ReferralStatus.SENT)
    )
    return first_counted(waiting.order_by("due_at", "pk"), Q(due_at__lt=timezone.now()))


def _unanswered(user: User) -> Any:
    if user.role not in INSTITUTION_WIDE_ROLES or user.institution_id is None:
        return [], 0, 0
    sent = visible(user, Referral).filter(
        from_institution=user.institution_id, status=ReferralStatus.SENT
    )
    return first_counted(sent.order_by("due_at", "pk"), Q(due_at__lt=timezone.now()))


def _to_triage(user: User) -> Any:
    if not can(user, SIGNAL_TRIAGE):
        return [], 0, 0
    waiting = Q(status=Status.NEW)
    if user.institution_id is not None:
        waiting |= Q(status=Status.ASSIGNED, assigned_institution=user.institution_id)
    rows = granted(user, Signal, triaged).filter(waiting).annotate(due=signals._due())
    now = timezone.now()
    late = Q(pk__in=[])
    for urgency in signals.Urgency:
        late |= Q(urgency=urgency, created_at__lt=now - urgency.allowed_time)
    return first_counted(rows.order_by("due", "pk"), late)


def _steps_overdue(user: User) -> Any:
    if user.role not in PERSON_ROLES:
        return [], 0, 0
    mine = institution_screenings if can(user, PROTOCOL_OVERSEE) else own_screenings
    steps = ProtocolStep.objects.filter(
        screening__in=granted(user, Screening, mine),
        done_at__isnull=True,
        due_at__lt=timezone.now(),
    )
    return first_counted(steps.order_by("due_at", "pk"))


def _reviews_due(user: User) -> Any:
    if user.role not in {Role.CASE_MANAGER, Role.SUPERVISOR, Role.COORDINATOR}:
        return [], 0, 0
    today = timezone.localdate()
    return first_counted(plans.reviews_due_rows(user, today), Q(due_on__lt=today))


def _overdue_activities(user: User) -> Any:
    if user.institution is None:
        return [], 0, 0
    mine = Q(lead=user.institution_id)
    if user.role == Role.COORDINATOR:
        mine |= Q(municipality=user.institution.municipality_id)
    return first_counted(planning.overdue().filter(mine).order_by("ends_on", "pk"))


def _tasks(user: User) -> Any:
    if user.role not in TASK_ROLES:
        return [], 0, 0
    mine = visible(user, Task).filter(own_tasks(user), status=TaskStatus.OPEN)
    return first_counted(mine.order_by("due_on", "pk"), Q(due_on__lt=timezone.localdate()))


PREPARED = [
    cases._TO_ANSWER,
    cases._UNANSWERED,
    signals._WAITING,
    screening._STEPS_OVERDUE,
    plans._REVIEWS_DUE,
    planning._OVERDUE_FOR,
    conferences._OPEN_TASKS,
]

#: Each section: its read through the ORM (above), and the prepared read the home page asks
#: (``Shaped.later``: its value, once read, the rows and counts).
SECTIONS = {
    "referrals to answer": (_to_answer, lambda user: cases.referrals_to_answer(user=user)),
    "referrals unanswered": (_unanswered, lambda user: cases.referrals_unanswered(user=user)),
    "signals to triage": (
        _to_triage,
        lambda user: signals.triage_waiting(user=user) or nothing_counted(),
    ),
    "steps overdue": (_steps_overdue, lambda user: screening.steps_overdue_for(user=user)),
    "plan reviews": (
        _reviews_due,
        lambda user: plans.reviews_due_first(user, timezone.localdate()),
    ),
    "activities overdue": (_overdue_activities, lambda user: planning.overdue_for(user)),
    "tasks": (_tasks, lambda user: conferences.open_tasks(user=user)),
}


def _answers(user: User, which: int) -> dict[str, tuple[list[int], int, int]]:
    answers = {}
    for name, reads in SECTIONS.items():
        shown, count, overdue = reads[0](user) if which == 0 else reads[1](user).get()
        answers[name] = ([row.pk for row in shown], count, overdue)
    return answers


def _row(row: Any) -> Any:
    """What a read gave of a row: its values and its related rows' (``select_related``)."""
    values = {name: value for name, value in vars(row).items() if name != "_state"}
    related = {name: _row(other) for name, other in row._state.fields_cache.items()}
    return type(row), values, related


def test_a_part_of_a_scope_must_be_within_a_registered_scope() -> None:
    with pytest.raises(LookupError, match="not a row scope"):
        rows(Referral, within=own_tasks)(lambda user: None)


@pytest.mark.django_db
def test_every_section_prepared_per_shape_reads_what_the_whole_scope_reads(
    demo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for prepared in PREPARED:  # as a new process: nothing prepared yet
        monkeypatch.setattr(prepared, "_prepared", {})
    users = list(User.objects.select_related("institution__municipality").order_by("pk"))
    assert len(users) > 50
    seen: dict[str, int] = dict.fromkeys(SECTIONS, 0)
    for user in users:
        # a part of a scope (``rows(within=...)``) grants nothing its whole scope does not
        assert set(granted(user, Referral, referred_here)) <= set(visible(user, Referral))
        expected = _answers(user, 0)
        assert _answers(user, 1) == expected, user.username
        with remembering():
            assert _answers(user, 1) == expected, user.username
        for name, (_shown, count, _overdue) in expected.items():
            seen[name] += bool(count)
    # the comparison is not between empty answers: every section shows something to someone
    assert all(seen.values()), seen
    # and each section was compiled once per shape of user met, not once per user
    assert [len(prepared) for prepared in PREPARED] == [1, 1, 3, 3, 3, 3, 3]


@pytest.mark.django_db
def test_the_sections_read_together_read_what_each_reads_alone(demo: Any) -> None:
    """Read together (``read_together``: one round trip in psycopg's pipeline mode on
    PostgreSQL), each section's read gives the rows, with every value and related row, and the
    counts that it gives read alone."""
    users = list(User.objects.select_related("institution__municipality").order_by("pk"))
    shown = 0
    for user in users:
        alone = {name: reads[1](user).get() for name, reads in SECTIONS.items()}
        asked = {name: reads[1](user) for name, reads in SECTIONS.items()}
        read_together(*asked.values())
        answered = {name: later.get() for name, later in asked.items()}
        for name, (read, count, overdue) in answered.items():
            alone_read, alone_count, alone_overdue = alone[name]
            assert (count, overdue) == (alone_count, alone_overdue), (user.username, name)
            assert list(map(_row, read)) == list(map(_row, alone_read)), (user.username, name)
            shown += len(read)
    assert shown > 50


@pytest.mark.django_db
def test_the_home_page_sends_its_sections_reads_in_one_round_trip(demo: Any, monkeypatch) -> None:
    """On PostgreSQL every section's statement is queued in one pipeline, and none of them
    waits for its result before the pipeline ends (its Sync: one round trip for all)."""
    if connection.vendor != "postgresql":
        pytest.skip("pipeline mode is PostgreSQL's")
    sent: list[tuple[str, Any]] = []
    waited: list[Any] = []
    execute, fetch = psycopg.Cursor.execute, psycopg.Cursor._fetch_pipeline

    def executing(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append((str(query), cursor.connection._pipeline))
        return execute(cursor, query, *args, **kwargs)

    def fetching(cursor: Any) -> None:
        if not cursor.pgresult and cursor.connection._pipeline is not None:
            waited.append(cursor.connection._pipeline)
        fetch(cursor)

    user = User.objects.filter(role=Role.SUPERVISOR, institution__isnull=False).first()
    assert user is not None
    client = Client()
    client.force_login(user)
    client.get(reverse("workspace:home"))  # prepared, the reference data kept
    monkeypatch.setattr(psycopg.Cursor, "execute", executing)
    monkeypatch.setattr(psycopg.Cursor, "_fetch_pipeline", fetching)
    assert client.get(reverse("workspace:home")).status_code == 200
    tables = [f'FROM "{table}"' for table in SECTION_TABLES]
    reads = [(sql, pipeline) for sql, pipeline in sent if any(table in sql for table in tables)]
    assert len(reads) == 7
    [pipeline] = {pipeline for _sql, pipeline in reads}
    assert pipeline is not None
    assert pipeline not in waited


#: The tables the home page's sections read from (the referrals twice).
SECTION_TABLES = (
    "signals_signal",
    "screening_protocolstep",
    "cases_referral",
    "conferences_task",
    "plans_review",
    "planning_activity",
)
