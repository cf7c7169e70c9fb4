"""GET and HEAD views run outside a transaction, every other view inside the request's
(spona.core.middleware.ReadOnlyRequestsMiddleware; issue 18: two round trips fewer on every
read-only page). An audited read still appends its event in a short transaction of its own: the
event is committed and the chain's lock released before the page is rendered."""

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils.module_loading import import_string

from spona.accounts.models import Role
from spona.audit.models import AuditAction, AuditEvent
from spona.core.middleware import ReadOnlyRequestsMiddleware


def _chain_locked() -> bool:
    """Whether this connection holds an advisory lock (the audit chain's) on PostgreSQL."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        return bool(cursor.fetchone()[0])


def _rendering(client: Client, method: str, url: str, **data: str) -> list[dict[str, Any]]:
    """What the database connection was doing each time a template was rendered."""
    seen: list[dict[str, Any]] = []

    def rendered(**_: Any) -> None:
        seen.append(
            {
                "in_transaction": connection.in_atomic_block,
                "chain_locked": _chain_locked(),
                "reads_audited": AuditEvent.objects.filter(action=AuditAction.READ).count(),
            }
        )

    template_rendered.connect(rendered)
    try:
        getattr(client, method)(url, data)
    finally:
        template_rendered.disconnect(rendered)
    assert seen
    return seen


@pytest.mark.django_db(transaction=True)
def test_a_read_only_page_renders_outside_a_transaction_after_its_audit_event_is_committed(
    client_for: Any, person: Any
) -> None:
    client = client_for(Role.CASE_MANAGER, institution=person.registered_by_institution)
    seen = _rendering(client, "get", reverse("people:person_list"))
    assert {(s["in_transaction"], s["chain_locked"], s["reads_audited"]) for s in seen} == {
        (False, False, 1)
    }
    listed = AuditEvent.objects.get(action=AuditAction.READ).details["listed"]
    assert listed == {"persons": [person.code]}


@pytest.mark.django_db(transaction=True)
def test_a_post_runs_its_view_in_the_request_transaction(client_for: Any) -> None:
    client = client_for(Role.CASE_MANAGER)
    seen = _rendering(client, "post", reverse("signals:signal_create"), what_seen="")
    assert {s["in_transaction"] for s in seen} == {True}


def test_no_middleware_after_it_has_a_process_view() -> None:
    """Its process_view answers GET and HEAD itself, so one placed after it would be skipped."""
    classes = [import_string(path) for path in settings.MIDDLEWARE]
    last = max(i for i, kind in enumerate(classes) if hasattr(kind, "process_view"))
    assert classes[last] is ReadOnlyRequestsMiddleware
