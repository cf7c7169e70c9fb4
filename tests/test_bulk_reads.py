"""Issue 14, finding 8: every list that shows person-level data (a page or a page of the API)
writes ONE audit event naming the objects it shows."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spona.accounts.models import Role
from spona.accounts.services import api_token_create
from spona.audit.models import AuditAction, AuditEvent
from spona.conferences.models import Task
from spona.screening.models import ProtocolStep
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _page(world: World, role: Role, url: str) -> str:
    client = Client()
    client.force_login(world.users[role])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _one_listing(purpose: str, since: int) -> dict[str, list[str]]:
    """The single read event the list wrote, and what it names."""
    events = AuditEvent.objects.filter(action=AuditAction.READ, purpose=purpose, seq__gt=since)
    assert events.count() == 1, f"{purpose}: {events.count()} events"
    listed: dict[str, list[str]] = events.get().details["listed"]
    return listed


def _last_seq() -> int:
    last = AuditEvent.objects.order_by("-seq").first()
    return last.seq if last else 0


@pytest.mark.parametrize(
    ("role", "url_name", "purpose", "shows"),
    [
        (Role.CASE_MANAGER, "cases:case_list", "case list", lambda w: {"cases": [w.case_code]}),
        (Role.FRONTLINE, "signals:signal_list", "signal list", lambda w: {"mine": [w.signal_code]}),
        (
            Role.CASE_MANAGER,
            "conferences:task_list",
            "task list",
            lambda w: {"tasks": [w.task_code]},
        ),
        (
            Role.CASE_MANAGER,
            "conferences:conference_list",
            "conference list",
            lambda w: {"conferences": [w.conference_code]},
        ),
    ],
)
def test_finding_08_each_list_page_writes_one_audit_event_naming_what_it_shows(
    world: World, role: Role, url_name: str, purpose: str, shows
) -> None:
    since = _last_seq()
    html = _page(world, role, reverse(url_name))
    listed = _one_listing(purpose, since)
    for key, codes in shows(world).items():
        assert set(codes) <= set(listed[key])
    for codes in listed.values():
        for code in codes:
            assert code in html  # the event names what the page shows


def test_finding_08_the_home_page_overdue_tasks_and_overdue_steps_are_audited(
    world: World,
) -> None:
    Task.objects.filter(code=world.task_code).update(due_on=timezone.localdate() - timedelta(1))
    since = _last_seq()
    _page(world, Role.CASE_MANAGER, reverse("workspace:home"))
    assert _one_listing("home: my tasks", since) == {"tasks": [world.task_code]}

    ProtocolStep.objects.filter(pk=world.step_pk).update(
        due_at=timezone.now() - timedelta(days=1), done_at=None
    )
    since = _last_seq()
    html = _page(world, Role.SUPERVISOR, reverse("screening:overdue"))
    person_code = ProtocolStep.objects.get(pk=world.step_pk).screening.person.code
    assert _one_listing("overdue steps", since) == {"persons": [person_code]}
    assert person_code in html


def test_finding_08_the_signals_api_audits_the_page_it_returns(world: World) -> None:
    """The probe: ``GET /api/v1/signals/?limit=1000`` returned contact details unaudited."""
    _token, raw = api_token_create(user=world.users[Role.CASE_MANAGER], name="bulk")
    since = _last_seq()
    response = Client().get(
        reverse("api_signal_list") + "?limit=1000", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200
    returned = [signal["code"] for signal in response.json()["results"]]
    assert world.signal_code in returned
    assert _one_listing("signal list (API)", since) == {"signals": returned}


def test_finding_08_an_empty_list_writes_nothing(world: World) -> None:
    since = _last_seq()
    _page(world, Role.ANALYST, reverse("workspace:home"))
    assert not AuditEvent.objects.filter(seq__gt=since, purpose__in=["home: my tasks"]).exists()
