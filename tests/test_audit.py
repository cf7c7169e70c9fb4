"""The audit log: what is written, and that tampering is detected."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils.translation import gettext_lazy

from spona.accounts.models import Role
from spona.audit.models import AppendOnlyError, AuditAction, AuditEvent
from spona.audit.selectors import audit_chain_verify
from spona.audit.services import _preparer, audit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _stored_in_order() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("seq"))


def _some_events(n: int = 5) -> list[AuditEvent]:
    for i in range(n):
        audit(AuditAction.READ, details={"n": i})
    return _stored_in_order()


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _drop_trigger() -> None:
    """What an attacker with the database owner's rights could do first."""
    if connection.vendor == "postgresql":
        _raw("DROP TRIGGER audit_event_append_only ON audit_auditevent", [])
    else:
        _raw("DROP TRIGGER audit_event_append_only", [])


def test_untouched_log_verifies(capsys: pytest.CaptureFixture[str]) -> None:
    _some_events()
    call_command("audit_verify")
    assert "audit log intact: 5 events" in capsys.readouterr().out


def test_edited_row_is_detected_by_audit_verify() -> None:
    events = _some_events()
    _drop_trigger()
    _raw("UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["tampered", events[2].pk])
    with pytest.raises(CommandError, match="broken at event 3: content changed"):
        call_command("audit_verify")


def test_deleted_row_is_detected() -> None:
    events = _some_events()
    _drop_trigger()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = audit_chain_verify()
    assert (report.ok, report.broken_at) == (False, 2)


def test_rewritten_chain_from_an_edited_row_is_still_detected() -> None:
    """Recomputing one row's hash is not enough: the next row's link breaks."""
    events = _some_events()
    _drop_trigger()
    victim = AuditEvent.objects.get(pk=events[1].pk)
    victim.object_id = "tampered"
    new_hash = victim.compute_hash()
    _raw(
        "UPDATE audit_auditevent SET object_id = %s, hash = %s WHERE id = %s",
        ["tampered", new_hash, victim.pk],
    )
    assert audit_chain_verify().broken_at == 3


def test_database_refuses_to_update_an_event() -> None:
    event = _some_events(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE audit_auditevent SET purpose = %s WHERE id = %s", ["x", event.pk])


def test_model_refuses_changes_and_deletes() -> None:
    event = _some_events(1)[0]
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_reading_a_person_is_audited_with_who_where_and_what(client_for, person) -> None:
    client = client_for(Role.CASE_MANAGER, institution=person.registered_by_institution)
    client.get(reverse("people:person_detail", args=[person.code]), REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.filter(action=AuditAction.READ).last()
    assert event is not None
    assert (event.object_type, event.object_id) == ("people.person", str(person.pk))
    assert event.role == Role.CASE_MANAGER
    assert event.institution_id == person.registered_by_institution_id
    assert event.client_address == "10.1.2.3"


def test_audit_details_hold_no_names(client_for, person) -> None:
    client = client_for(Role.CASE_MANAGER, institution=person.registered_by_institution)
    client.get(reverse("people:person_list"))
    client.get(reverse("people:person_detail", args=[person.code]))
    dump = " ".join(e.canonical() for e in AuditEvent.objects.all())
    assert person.given_name not in dump
    assert person.family_name not in dump


# --- issue 14, finding 9: the hash covers every stored column ------------------------------


def _tampered_value(column: str, event: AuditEvent) -> object:
    """A different value of the right type for each column of the audit table."""
    other_user = UserFactory()
    values: dict[str, object] = {
        "id": event.pk + 1000,
        "seq": event.seq + 1000,
        "at": "2020-01-01 00:00:00",
        "actor_id": other_user.pk,
        "actor_username": "mallory",
        "institution_id": 424242,
        "role": "system_admin",
        "action": "export",
        "object_type": "people.person",
        "object_id": "tampered",
        "purpose": "tampered",
        "client_address": "10.9.9.9",
        "details": '{"channel": "api"}',
        "prev_hash": "f" * 64,
        "hash": "e" * 64,
        "hash_version": 3,
    }
    return values[column]


def test_finding_09_the_hash_covers_every_stored_column(make_user) -> None:
    """The probe changed ``actor_id`` with the trigger dropped and ``spona audit verify``
    did not notice. Now every column of the table, edited in turn, breaks the chain."""
    columns = [field.column for field in AuditEvent._meta.concrete_fields]
    assert "actor_id" in columns
    assert "hash_version" in columns
    user = make_user(Role.CASE_MANAGER)
    _drop_trigger()
    for column in columns:
        AuditEvent.objects.all()._raw_delete(AuditEvent.objects.db)
        for i in range(5):
            audit(AuditAction.READ, user=user, details={"n": i})
        events = _stored_in_order()
        call_command("audit_verify")  # intact before the edit
        _raw(
            f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s",  # noqa: S608 - own columns
            [_tampered_value(column, events[2]), events[2].pk],
        )
        report = audit_chain_verify()
        assert not report.ok, f"editing {column} went unnoticed"
        with pytest.raises(CommandError, match="audit log broken"):
            call_command("audit_verify")


def test_finding_09_events_hashed_before_the_change_still_verify() -> None:
    """Events written with the first hash (its fields only) keep verifying; a newer event
    cannot be passed off as an old one."""
    events = _some_events(4)
    _drop_trigger()
    previous = events[0].prev_hash
    for event in events[:2]:  # what the log held before issue 14
        legacy = AuditEvent.objects.get(pk=event.pk)
        legacy.hash_version = None
        legacy.prev_hash = previous
        _raw(
            "UPDATE audit_auditevent SET hash_version = NULL, prev_hash = %s, hash = %s "
            "WHERE id = %s",
            [legacy.prev_hash, legacy.compute_hash(), legacy.pk],
        )
        previous = legacy.compute_hash()
    # re-link the third event (the first new one) to the last legacy event
    third = AuditEvent.objects.get(pk=events[2].pk)
    third.prev_hash = previous
    _raw(
        "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
        [previous, third.compute_hash(), third.pk],
    )
    fourth = AuditEvent.objects.get(pk=events[3].pk)
    fourth.prev_hash = third.compute_hash()
    _raw(
        "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
        [fourth.prev_hash, fourth.compute_hash(), fourth.pk],
    )
    assert audit_chain_verify().ok
    # lowering a new event's version (and recomputing its hash the old way) is caught
    fourth.hash_version = None
    _raw(
        "UPDATE audit_auditevent SET hash_version = NULL, hash = %s WHERE id = %s",
        [fourth.compute_hash(), fourth.pk],
    )
    report = audit_chain_verify()
    assert (report.ok, report.broken_at, report.reason) == (False, 4, "hash version lowered")


def _stored_row(pk: int) -> tuple[object, ...]:
    """An event's row as the database gives it, every column, without the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent WHERE id = %s", [pk])
        names = [column[0] for column in cursor.description]
        row = cursor.fetchone()
    return tuple(value for name, value in zip(names, row, strict=True) if name not in UNIQUE)


#: the columns two copies of one event cannot share
UNIQUE = {"id", "seq", "hash"}


def test_an_event_is_stored_as_the_orms_insert_stores_it(make_user) -> None:
    """The append writes its ``INSERT`` once per process (h18floor) from the event's values,
    with no model instance (h35audit): every stored column, as the database gives it back, is
    what the ORM's own insert of the same event stores, and the chain verifies (the hash covers
    every stored column)."""
    from spona.audit.context import AuditContext, acting

    user = make_user(Role.CASE_MANAGER)
    details = {"listed": {"cases": ["К-1", "C-2"]}, "n": 1.5, "empty": None, "quote": "'\"%s"}
    with acting(AuditContext(user=user, client_address="2001:db8::1", channel="api")):
        audit(AuditAction.READ, user, purpose="ćirilica: провера", details=details)
        audit(AuditAction.EXPORT, details={}, username="someone")
    with acting(AuditContext(client_address="192.0.2.7")):
        audit(AuditAction.SIGN_IN_FAILED, username="who?")
    with transaction.atomic(), acting(AuditContext(user=user, channel="worker")):
        audit(AuditAction.UPDATE, user, details={"fields": ["role"]})
    written = _stored_in_order()
    assert [event.action for event in written] == ["read", "export", "sign_in_failed", "update"]
    assert (written[0].actor_id, written[0].institution_id) == (user.pk, user.institution_id)
    assert written[0].details == {"channel": "api", **details}
    fields = [field.attname for field in AuditEvent._meta.concrete_fields]
    _drop_trigger()  # to take the ORM's copies out again
    for stored in written:
        again = AuditEvent(**{f: getattr(stored, f) for f in fields})
        again.pk, again.seq, again.hash = None, stored.seq + 1000, "f" * 64
        again.save(force_insert=True)
        assert _stored_row(again.pk) == _stored_row(stored.pk)
        AuditEvent.objects.filter(pk=again.pk)._raw_delete(AuditEvent.objects.db)
    assert audit_chain_verify().ok


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("actor_username", ["ана", "", AuditAction.READ, gettext_lazy("Read"), 7]),
        ("action", [AuditAction.EXPORT, "read"]),
        ("purpose", ["ćirilica: провера", ""]),
        ("id", [1, 2**40, None, "3"]),
        ("actor_id", [5, None, "6"]),
        ("seq", [1, 2**40, "3"]),
        ("institution_id", [None, 42, "42"]),
        ("hash_version", [2, None, "2"]),
        (
            "at",
            [
                datetime(2026, 12, 8, 3, 0, tzinfo=UTC),
                datetime(2026, 12, 8, 3, 0, 0, 1, tzinfo=timezone(timedelta(hours=1))),
            ],
        ),
        ("details", [{}, {"channel": "web", "listed": {"cases": ["К-1"]}}, ["a"], "text"]),
        (
            "client_address",
            [None, "", "10.0.0.1", "2001:DB8:0:0::1", "::ffff:192.0.2.1"],
        ),
    ],
)
def test_each_column_is_made_ready_as_its_field_makes_it(column: str, values: list[object]) -> None:
    """The append's preparers, found once per process for each column, give the driver what
    the column's field gives it (``get_db_prep_save``), for the values ``audit`` writes and for
    any other."""
    field = AuditEvent._meta.get_field(
        column.removesuffix("_id") if column == "actor_id" else column
    )
    prepare = _preparer(field)
    for value in values:
        assert _as_sent(prepare(connection.ops, value)) == _as_sent(
            field.get_db_prep_save(value, connection)
        )


def _as_sent(value: object) -> tuple[object, ...]:
    """What the driver is given: its type, and its value (a ``Jsonb`` wrapper's document)."""
    return type(value), getattr(value, "obj", value), getattr(value, "dumps", None)


@pytest.mark.parametrize(
    ("given", "stored"),
    [("2001:DB8:0:0::1", "2001:db8::1"), ("::ffff:192.0.2.7", "::ffff:192.0.2.7"), ("", None)],
)
def test_an_address_is_hashed_as_it_is_stored(given: str, stored: str | None) -> None:
    """An IPv6 address written another way, or an empty one, is stored in its column's form:
    the hash covers that form, so the chain still verifies."""
    from spona.audit.context import AuditContext, acting

    with acting(AuditContext(client_address=given)):
        audit(AuditAction.SIGN_IN_FAILED, username="who?")
    assert AuditEvent.objects.get().client_address == stored
    assert audit_chain_verify().ok
