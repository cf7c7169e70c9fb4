"""Case conferences, their decisions and tasks, and the reminders the real worker sends.

A conference on a case suggests its participants from the mandate matrix; the minutes are
case details (encrypted, seen within consent); each decision can become a task for an
institution, with reminders before and after its due date from the background worker.
"""

import io
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from spona.accounts.models import Role
from spona.audit.models import AuditAction, AuditEvent
from spona.cases.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    ConsentMethod,
    DataCategory,
)
from spona.cases.services import case_open_for_presumed_victim, consent_record, consent_withdraw
from spona.conferences import reminders, selectors, services
from spona.conferences.access import (
    CONFERENCE_CONTENT,
    CONFERENCE_MINUTES,
    CONFERENCE_RUN,
    TASK_CANCEL,
    TASK_COMPLETE,
)
from spona.conferences.models import Conference, ConferenceStatus, Task, TaskStatus
from spona.core.locking import StaleEditError
from spona.inbox.models import Notification
from spona.institutions.models import InstitutionType
from spona.policy import can, visible
from tests.factories import InstitutionFactory, MunicipalityFactory, PersonFactory, UserFactory

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def place(municipality, social_welfare):
    """A municipality's institutions and people, a national Centre, a case of the social
    welfare centre in protection, and an institution elsewhere."""
    csr = social_welfare
    kinds = ["police", "school", "health", "ngo", "employer", "local_government"]
    local = {
        kind: InstitutionFactory(type=InstitutionType(kind), municipality=municipality)
        for kind in kinds
    }
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    elsewhere = InstitutionFactory(municipality=MunicipalityFactory())
    people = {
        "manager": UserFactory(role=Role.CASE_MANAGER, institution=csr, email="m@csr.invalid"),
        "supervisor": UserFactory(role=Role.SUPERVISOR, institution=csr, email="s@csr.invalid"),
        "inspector": UserFactory(
            role=Role.CASE_MANAGER, institution=local["police"], email="i@police.invalid"
        ),
        "teacher": UserFactory(role=Role.CASE_MANAGER, institution=local["school"]),
        "officer": UserFactory(role=Role.CENTRE_OFFICER, institution=centre, email="o@c.invalid"),
        "coordinator": UserFactory(
            role=Role.COORDINATOR, institution=local["local_government"], email="k@lg.invalid"
        ),
        "outsider": UserFactory(role=Role.CASE_MANAGER, institution=elsewhere),
        "frontline": UserFactory(role=Role.FRONTLINE, institution=local["police"]),
    }
    person = PersonFactory(registered_by=people["manager"])
    case = case_open_for_presumed_victim(
        user=people["manager"], person=person, is_child=False, origin={}
    )
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.PROTECTION)
    case.refresh_from_db()
    # the person agreed to share the case details with the police (tasks go to it)
    consent_record(
        user=people["manager"],
        case=case,
        institution_type=InstitutionType.POLICE,
        category=DataCategory.CASE_DETAILS,
        method=ConsentMethod.WRITTEN,
    )
    return {"csr": csr, "centre": centre, "case": case, **local, **people}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _convene(place, **overrides) -> Conference:
    data = {
        "user": place["manager"],
        "case": place["case"],
        "topic": "План заштите",
        "phase": "protection",
        "held_on": timezone.now() + timedelta(days=2),
        "participants": [place["csr"], place["police"], place["centre"]],
    }
    return services.conference_convene(**{**data, **overrides})


def _task(place, conference: Conference, *, due_in_days: int = 7, **overrides) -> Task:
    [decision] = services.conference_record(
        user=place["manager"],
        conference=conference,
        expected_version=conference.version,
        minutes="Записник",
        decisions=["Проценити безбедност"],
    )
    data = {
        "user": place["manager"],
        "decision": decision,
        "title": "Процена безбедности",
        "owner_institution": place["police"],
        "due_on": timezone.localdate() + timedelta(days=due_in_days),
    }
    return services.task_create(**{**data, **overrides})


# --- convening ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_matrix_suggests_who_leads_and_contributes_in_the_case_phase(place) -> None:
    options = selectors.participant_options(
        municipality=place["case"].municipality, phase="protection", case=place["case"]
    )
    suggested = {o.institution.type for o in options if o.suggested}
    # protection: the centre and the Centre lead; police, health, NGO and local government help
    assert suggested == {
        "social_welfare",
        "national_centre",
        "police",
        "health",
        "ngo",
        "local_government",
    }
    reasons = {o.institution.type: o.cell.role for o in options if o.cell}
    assert (reasons["school"], reasons["employer"]) == ("informed", "none")
    assert place["outsider"].institution not in [o.institution for o in options]

    page = _client(place["manager"]).get(
        reverse("conferences:conference_convene") + f"?case={place['case'].code}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{place["police"].pk}" checked' in html
    assert f'value="{place["school"].pk}">' in html  # offered, not ticked
    assert "leads: coordinates the protection of each victim" in html
    # in integration the employer contributes (jobs and training)
    later = selectors.participant_options(
        municipality=place["case"].municipality, phase="integration"
    )
    assert "employer" in {o.institution.type for o in later if o.suggested}


@pytest.mark.django_db
def test_convening_on_a_case_invites_writes_the_timeline_and_the_audit(place) -> None:
    client = _client(place["manager"])
    url = reverse("conferences:conference_convene") + f"?case={place['case'].code}"
    when = timezone.localtime() + timedelta(days=3)
    response = client.post(
        url,
        {
            "topic": "План заштите",
            "phase": "protection",
            "held_on": when.strftime("%Y-%m-%dT%H:%M"),
            "agenda": "1. Смештај",
            "participants": [place["csr"].pk, place["police"].pk, place["centre"].pk],
        },
    )
    conference = Conference.objects.get()
    assert response["Location"] == reverse("conferences:conference_detail", args=[conference.code])
    assert (conference.case, conference.status) == (place["case"], ConferenceStatus.PLANNED)
    assert conference.municipality == place["case"].municipality
    event = CaseEvent.objects.get(case=place["case"], kind=CaseEventKind.CONFERENCE)
    assert event.details == {"conference": conference.code, "status": "planned"}
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="conferences.conference"
    ).exists()
    invited = set(
        Notification.objects.filter(kind="conference_invitation").values_list(
            "recipient__username", flat=True
        )
    )
    # the participants' case managers, supervisors and officers; not the convener, not the school
    expected = {place["supervisor"], place["inspector"], place["officer"]}
    assert invited == {u.username for u in expected}
    params = Notification.objects.filter(kind="conference_invitation").first().params
    assert place["case"].code in params["topic"]
    assert place["manager"].username not in str(params)


@pytest.mark.django_db
def test_convening_needs_participants_and_the_right_to_convene(place) -> None:
    client = _client(place["manager"])
    url = reverse("conferences:conference_convene") + f"?case={place['case'].code}"
    response = client.post(url, {"topic": "Т", "phase": "protection", "held_on": ""})
    assert response.status_code == 200
    assert not Conference.objects.exists()
    # the police is not on the case team: it cannot convene on the case, nor find it
    police = _client(place["inspector"])
    assert police.get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        _convene(place, user=place["inspector"])
    # the national Centre has no local topics
    with pytest.raises(PermissionDenied):
        _convene(place, user=place["officer"], case=None)


@pytest.mark.django_db
def test_a_local_topic_conference_is_seen_across_the_municipality(place) -> None:
    conference = _convene(
        place,
        user=place["coordinator"],
        case=None,
        topic="Превенција у школама",
        phase="prevention",
        participants=[place["school"], place["ngo"]],
    )
    assert conference.municipality == place["coordinator"].institution.municipality
    assert not CaseEvent.objects.filter(kind=CaseEventKind.CONFERENCE).exists()
    # any institution of the municipality sees it; one elsewhere does not
    assert conference in visible(place["inspector"], Conference)
    assert conference not in visible(place["outsider"], Conference)
    assert can(place["coordinator"], CONFERENCE_RUN, conference)
    assert not can(place["inspector"], CONFERENCE_RUN, conference)


# --- minutes, decisions, visibility -------------------------------------------------------


@pytest.mark.django_db
def test_minutes_and_decisions_are_recorded_encrypted_and_audited(place) -> None:
    conference = _convene(place)
    client = _client(place["manager"])
    url = reverse("conferences:conference_record", args=[conference.code])
    response = client.post(
        url,
        {"version": 1, "minutes": "Особа је безбедна.", "decisions": "Смештај\n\nПраћење\n"},
    )
    assert response.status_code == 302
    conference.refresh_from_db()
    assert (conference.status, conference.minutes) == (ConferenceStatus.HELD, "Особа је безбедна.")
    assert list(conference.decisions.values_list("text", "order")) == [
        ("Смештај", 1),
        ("Праћење", 2),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT minutes FROM conferences_conference WHERE id = %s", [conference.pk])
        assert "безбедна" not in cursor.fetchone()[0]
    update = AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(conference.pk)
    ).last()
    assert update.details["decisions_added"] == 2
    assert "Особа" not in str(update.details)
    statuses = [
        e.details["status"] for e in CaseEvent.objects.filter(kind=CaseEventKind.CONFERENCE)
    ]
    assert statuses == ["planned", "held"]
    # the same form again, from the copy opened before: refused, nothing changed
    stale = client.post(
        url,
        {"version": 1, "minutes": "Друго", "decisions": "Треће"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Someone else changed this record" in stale.content.decode()
    conference.refresh_from_db()
    assert (conference.minutes, conference.decisions.count()) == ("Особа је безбедна.", 2)


@pytest.mark.django_db
def test_only_the_team_reads_the_minutes_and_outsiders_find_nothing(place) -> None:
    conference = _convene(place)
    task = _task(place, conference)
    detail = reverse("conferences:conference_detail", args=[conference.code])
    # the invited police (not on the case team) sees the meeting and the decisions, not the minutes
    police_page = _client(place["inspector"]).get(detail, HTTP_ACCEPT_LANGUAGE="en")
    assert police_page.status_code == 200
    assert "Проценити безбедност" in police_page.content.decode()
    assert "Записник" not in police_page.content.decode()
    assert "Записник" in _client(place["manager"]).get(detail).content.decode()
    # the coordinator sees its municipality's case conferences by code, never the minutes
    assert conference in visible(place["coordinator"], Conference)
    assert not can(place["coordinator"], CONFERENCE_MINUTES, conference)
    # reading a case conference is audited like reading the case
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, object_type="conferences.conference"
    ).exists()
    # an institution neither on the case nor invited finds nothing
    outsider = _client(place["outsider"])
    assert outsider.get(detail).status_code == 404
    assert outsider.get(reverse("conferences:task_detail", args=[task.code])).status_code == 404
    listed = outsider.get(reverse("conferences:conference_list")).content.decode()
    assert conference.code not in listed
    # the school was not invited to the case conference
    assert _client(place["teacher"]).get(detail).status_code == 404
    # a frontline professional sees a task only when named in it
    assert task not in visible(place["frontline"], Task)


# --- tasks --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_decision_becomes_a_task_that_its_owner_completes(place) -> None:
    conference = _convene(place)
    services.conference_record(
        user=place["manager"],
        conference=conference,
        expected_version=1,
        minutes="Записник",
        decisions=["Проценити безбедност"],
    )
    decision = conference.decisions.get()
    manager = _client(place["manager"])
    form = manager.get(reverse("conferences:decision_task", args=[decision.pk]))
    assert form.status_code == 200
    due = timezone.localdate() + timedelta(days=5)
    response = manager.post(
        reverse("conferences:decision_task", args=[decision.pk]),
        {
            "title": "Процена безбедности",
            "owner_institution": place["police"].pk,
            "owner_user": "",
            "due_on": due.isoformat(),
        },
    )
    task = Task.objects.get()
    assert response["Location"] == reverse("conferences:task_detail", args=[task.code])
    assert (task.case, task.conference, task.decision) == (place["case"], conference, decision)
    assigned = Notification.objects.filter(kind="task_assigned")
    assert {n.recipient for n in assigned} == {place["inspector"]}
    assert CaseEvent.objects.filter(kind=CaseEventKind.TASK_CREATED, case=place["case"]).exists()
    # the police sees it among its institution's tasks, and marks it done
    police = _client(place["inspector"])
    listing = police.get(reverse("conferences:task_list")).content.decode()
    assert task.code in listing
    police.post(reverse("conferences:task_complete", args=[task.code]), {"version": 1})
    task.refresh_from_db()
    assert (task.status, task.done_at is not None) == (TaskStatus.DONE, True)
    done = CaseEvent.objects.get(kind=CaseEventKind.TASK_DONE)
    assert (done.details, done.actor) == ({"task": task.code}, place["inspector"])
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="conferences.task", details__status="done"
    ).exists()
    # a done task is not done twice, and the police may not cancel another's task
    assert not can(place["inspector"], TASK_COMPLETE, task)


@pytest.mark.django_db
def test_a_past_due_date_is_refused_and_a_person_must_work_in_the_owner(place) -> None:
    conference = _convene(place)
    services.conference_record(
        user=place["manager"],
        conference=conference,
        expected_version=1,
        minutes="",
        decisions=["О"],
    )
    url = reverse("conferences:decision_task", args=[conference.decisions.get().pk])
    yesterday = timezone.localdate() - timedelta(days=1)
    data = {"title": "Т", "owner_institution": place["police"].pk, "due_on": yesterday}
    response = _client(place["manager"]).post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert "The date cannot be in the past." in response.content.decode()
    wrong_person = {**data, "due_on": timezone.localdate(), "owner_user": place["officer"].pk}
    response = _client(place["manager"]).post(url, wrong_person)
    assert response.status_code == 200
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_stale_task_edits_are_refused(place) -> None:
    task = _task(place, _convene(place))
    services.task_reassign(
        user=place["manager"],
        task=task,
        expected_version=1,
        owner_institution=place["police"],
        owner_user=place["inspector"],
        due_on=task.due_on,
    )
    with pytest.raises(StaleEditError):
        services.task_complete(user=place["inspector"], task=task, expected_version=1)
    assert Notification.objects.filter(kind="task_assigned", recipient=place["inspector"]).count()


@pytest.mark.django_db
def test_overdue_tasks_show_on_the_owners_home_page(place) -> None:
    task = _task(place, _convene(place), due_in_days=-3)
    home = _client(place["inspector"]).get(reverse("workspace:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert task.code in home.content.decode()
    assert list(selectors.overdue_tasks(user=place["inspector"])) == [task]
    assert not selectors.overdue_tasks(user=place["manager"]).exists()  # not its task
    services.task_complete(user=place["inspector"], task=task, expected_version=task.version)
    assert not selectors.overdue_tasks(user=place["inspector"]).exists()


@pytest.mark.django_db
def test_cancelling_a_conference_tells_the_invited_and_a_task_can_be_called_off(place) -> None:
    planned = _convene(place)
    client = _client(place["manager"])
    client.post(reverse("conferences:conference_cancel", args=[planned.code]), {"version": 1})
    planned.refresh_from_db()
    assert planned.status == ConferenceStatus.CANCELLED
    assert _notified("conference_cancelled") == sorted(
        u.username for u in (place["supervisor"], place["inspector"], place["officer"])
    )
    task = _task(place, _convene(place))
    # the owner may complete, not cancel; the convener cancels
    assert not can(place["inspector"], TASK_CANCEL, task)
    client.post(reverse("conferences:task_cancel", args=[task.code]), {"version": 1})
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    assert not CaseEvent.objects.filter(kind=CaseEventKind.TASK_DONE).exists()


# --- reminders ----------------------------------------------------------------------------


def _run_worker() -> None:
    """The real worker (``spona worker``) in batch mode: everything due now, then exit."""
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def _notified(kind: str) -> list[str]:
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def _mailed(kind: str) -> list[list[str]]:
    """Who was e-mailed notifications of ``kind`` (written in the site's language)."""
    with translation.override(django_settings.LANGUAGE_CODE):
        subjects = {n.subject for n in Notification.objects.filter(kind=kind)}
    return [message.to for message in mail.outbox if message.subject in subjects]


@pytest.mark.django_db(transaction=True)
def test_the_worker_reminds_of_a_task_due_soon_and_keeps_the_overdue_reminder(
    place, settings
) -> None:
    settings.TASKS = DATABASE_QUEUE
    task = _task(place, _convene(place), due_in_days=0)  # due today
    queued = DBTaskResult.objects.filter(task_path__endswith="send_reminder")
    assert queued.count() == 2
    assert _notified("task_due_soon") == []  # nothing until the worker runs

    _run_worker()

    assert _notified("task_due_soon") == [place["inspector"].username]
    assert _mailed("task_due_soon") == [[place["inspector"].email]]
    assert Notification.objects.get(kind="task_due_soon").params == {
        "task": task.code,
        "due": {"date": task.due_on.isoformat()},
    }
    task.refresh_from_db()
    assert task.reminded_before_at is not None
    assert task.reminded_after_at is None
    # the overdue reminder waits in the queue for the morning after the due date
    waiting = queued.ready().count(), queued.filter(status="READY").get()
    assert waiting[0] == 0
    assert waiting[1].run_after == reminders.reminder_at(task.due_on, reminders.AFTER)
    assert timezone.localtime(waiting[1].run_after).hour == settings.TASK_REMINDER_HOUR


@pytest.mark.django_db(transaction=True)
def test_the_worker_reminds_of_an_overdue_task_once(place, settings) -> None:
    settings.TASKS = DATABASE_QUEUE
    task = _task(place, _convene(place), due_in_days=-2)

    _run_worker()

    assert _notified("task_overdue") == [place["inspector"].username]
    assert _notified("task_due_soon") == []  # too late for "due soon"
    assert _mailed("task_overdue") == [[place["inspector"].email]]
    assert AuditEvent.objects.filter(
        object_type="conferences.task", details__reminder="after", actor__isnull=True
    ).exists()
    # running it again, or the sweep, sends nothing more
    reminders.send_reminder.enqueue(task.pk, "after", task.due_on.isoformat())
    _run_worker()
    assert reminders.sweep() == 0
    assert len(_notified("task_overdue")) == len(_mailed("task_overdue")) == 1


@pytest.mark.django_db(transaction=True)
def test_a_done_task_or_a_moved_due_date_cancels_the_queued_notified(place, settings) -> None:
    settings.TASKS = DATABASE_QUEUE
    conference = _convene(place)
    done = _task(place, conference, due_in_days=-2)
    services.task_complete(user=place["inspector"], task=done, expected_version=1)
    moved = services.task_create(
        user=place["manager"],
        decision=conference.decisions.get(),
        title="Друго",
        owner_institution=place["police"],
        owner_user=place["inspector"],
        due_on=timezone.localdate() - timedelta(days=2),
    )
    services.task_reassign(
        user=place["manager"],
        task=moved,
        expected_version=1,
        owner_institution=place["police"],
        owner_user=place["inspector"],
        due_on=timezone.localdate(),  # moved to today: no longer overdue, due soon
    )

    _run_worker()

    assert _notified("task_overdue") == []
    assert _notified("task_due_soon") == [place["inspector"].username]
    moved.refresh_from_db()
    assert moved.reminded_before_at is not None
    assert moved.reminded_after_at is None


@pytest.mark.django_db
def test_without_a_deferring_backend_only_due_reminders_run_and_the_sweep_catches_up(
    place,
) -> None:
    # the test settings' immediate backend cannot defer: a task due next week waits
    task = _task(place, _convene(place), due_in_days=7)
    assert _notified("task_due_soon") == _notified("task_overdue") == []
    # nine days later (the due date moves into the past instead of the clock moving forward)
    Task.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    out = io.StringIO()
    call_command("reminders", stdout=out)
    assert "reminders sent: 1" in out.getvalue()
    assert _notified("task_overdue") == [place["inspector"].username]
    assert _mailed("task_overdue") == [[place["inspector"].email]]  # sent at once
    assert reminders.sweep() == 0


@pytest.mark.django_db
def test_a_task_due_today_is_reminded_at_once_without_a_deferring_backend(place) -> None:
    _task(place, _convene(place), due_in_days=0)
    assert _notified("task_due_soon") == [place["inspector"].username]


def test_reminder_moments_follow_the_settings(settings) -> None:
    settings.TASK_REMINDER_BEFORE = timedelta(days=2)
    settings.TASK_REMINDER_HOUR = 9
    due = timezone.localdate()
    before = timezone.localtime(reminders.reminder_at(due, reminders.BEFORE))
    after = timezone.localtime(reminders.reminder_at(due, reminders.AFTER))
    assert (before.date(), before.hour) == (due - timedelta(days=2), 9)
    assert (after.date(), after.hour) == (due + timedelta(days=1), 9)
    assert reminders.is_due(due, reminders.BEFORE, before)
    assert not reminders.is_due(due, reminders.BEFORE, after)  # overdue by then
    assert reminders.is_due(due, reminders.AFTER, after)
    assert not reminders.is_due(due, reminders.AFTER, after - timedelta(minutes=1))


# --- issue 14: conference content follows consent ---------------------------------------


@pytest.mark.django_db
def test_finding_04_conference_content_follows_consent_after_withdrawal(place) -> None:
    """The probe: after consent was withdrawn, the invited police still read the case
    conference's topic, agenda, decisions and tasks. Now they follow the case's consent scope
    at every read; the lead institution reads them, a local meeting is unchanged."""
    secrets = [
        "Смештај жртве у склониште",
        "ујак осумњичен",
        "Сместити жртву у склониште",
        "Одвести жртву од ујака",
        "ујак прети",
    ]
    conference = _convene(place, topic=secrets[0], agenda=secrets[1])
    [decision] = services.conference_record(
        user=place["manager"],
        conference=conference,
        expected_version=conference.version,
        minutes="Записник",
        decisions=[secrets[2]],
    )
    task = services.task_create(
        user=place["manager"],
        decision=decision,
        title=secrets[3],
        details=secrets[4],
        owner_institution=place["police"],
        due_on=timezone.localdate() + timedelta(days=3),
    )
    police, coordinator, lead = (
        _client(place[who]) for who in ["inspector", "coordinator", "manager"]
    )
    pages = [
        reverse("conferences:conference_detail", args=[conference.code]),
        reverse("conferences:conference_list"),
        reverse("conferences:task_list"),
        reverse("workspace:home"),
    ]

    def shown(client: Client) -> str:
        return " ".join(client.get(page).content.decode() for page in pages)

    # within consent the police read everything but the minutes
    before = shown(police)
    assert all(secret in before for secret in secrets[:4])
    assert (
        _client(place["inspector"])
        .get(reverse("conferences:task_detail", args=[task.code]))
        .status_code
        == 200
    )

    consent = place["case"].consents.get(institution_type=InstitutionType.POLICE)
    consent_withdraw(user=place["manager"], consent=consent)

    for client in (police, coordinator):
        after = shown(client)
        assert conference.code in after  # the meeting itself is still known to the invited
        assert not [secret for secret in secrets if secret in after]
        task_page = client.get(reverse("conferences:task_detail", args=[task.code]))
        assert task_page.status_code == 404
    assert task not in visible(place["inspector"], Task)
    assert not can(place["inspector"], CONFERENCE_CONTENT, conference)
    # a task about the case cannot go to the police any more
    with pytest.raises(ValidationError):
        services.task_create(
            user=place["manager"],
            decision=decision,
            title="Нови задатак",
            owner_institution=place["police"],
            due_on=timezone.localdate() + timedelta(days=3),
        )
    # the lead institution still reads it all
    assert all(secret in shown(lead) for secret in secrets[:4])
    # a local meeting is not about a person: unchanged
    local = _convene(
        place,
        user=place["coordinator"],
        case=None,
        topic="Превенција у школама",
        phase="prevention",
        participants=[place["school"], place["police"]],
    )
    assert can(place["inspector"], CONFERENCE_CONTENT, local)
    assert (
        "Превенција у школама"
        in police.get(reverse("conferences:conference_list")).content.decode()
    )
