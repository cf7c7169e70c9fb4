"""The case team: consent decides what the team sees beyond the case itself, break-glass opens a
case for an emergency, referrals are sent with a due date from their urgency, overdue ones
show, and the inbox carries the alerts."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation
from django_tasks_db.models import DBTaskResult

from spona.accounts.models import Role
from spona.audit.models import AuditAction, AuditEvent
from spona.cases import selectors
from spona.cases.access import shares
from spona.cases.models import (
    BreakGlassGrant,
    Case,
    CaseEvent,
    CaseEventKind,
    ConsentMethod,
    DataCategory,
    Referral,
    ReferralStatus,
)
from spona.cases.reminders import sweep as sweep_referrals
from spona.cases.services import (
    break_glass_open,
    case_open_for_presumed_victim,
    case_transition,
    consent_record,
    consent_withdraw,
    referral_act,
    referral_send,
)
from spona.coordination.models import MandateRole
from spona.inbox.models import Notification
from spona.inbox.services import mark_read
from spona.institutions.models import InstitutionType
from spona.people.models import Person
from spona.policy import visible
from spona.screening.models import Screening
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(municipality):
    """A case opened by the social welfare centre, referred to the Centre and to the police."""
    csr = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    manager = UserFactory(role=Role.CASE_MANAGER, institution=csr, email="m@csr.invalid")
    supervisor = UserFactory(role=Role.SUPERVISOR, institution=csr, email="s@csr.invalid")
    officer = UserFactory(role=Role.CENTRE_OFFICER, institution=centre, email="o@c.invalid")
    inspector = UserFactory(role=Role.CASE_MANAGER, institution=police)
    person = PersonFactory(registered_by=manager)
    case = case_open_for_presumed_victim(user=manager, person=person, is_child=False, origin={})
    referral_send(user=manager, case=case, to=police, reason="Заштита", urgency="urgent")
    screening = Screening.objects.create(
        institution=csr, screened_by=manager, person=person, catalogue=_catalogue()
    )
    return {
        "csr": csr,
        "police": police,
        "centre": centre,
        "manager": manager,
        "supervisor": supervisor,
        "officer": officer,
        "inspector": inspector,
        "person": person,
        "case": case,
        "screening": screening,
    }


def _catalogue():
    from spona.screening.services import catalogue_load_default

    return catalogue_load_default()


def _share(team, institution_type, category=DataCategory.IDENTITY):
    return consent_record(
        user=team["manager"],
        case=team["case"],
        institution_type=institution_type,
        category=category,
        method=ConsentMethod.WRITTEN,
    )


def test_the_team_sees_the_case_but_the_person_only_within_consent(team) -> None:
    for member in ("officer", "inspector"):
        assert team["case"] in visible(team[member], Case)
        assert team["person"] not in visible(team[member], Person)
    assert team["person"] in visible(team["manager"], Person)  # the lead always does
    _share(team, InstitutionType.NATIONAL_CENTRE)
    assert team["person"] in visible(team["officer"], Person)
    assert team["person"] not in visible(team["inspector"], Person)  # not the police's type
    assert team["screening"] not in visible(team["officer"], Screening)  # identity only
    _share(team, InstitutionType.NATIONAL_CENTRE, DataCategory.CASE_DETAILS)
    assert team["screening"] in visible(team["officer"], Screening)


def test_withdrawn_consent_hides_the_data_at_once_and_is_logged(team) -> None:
    identity = _share(team, InstitutionType.NATIONAL_CENTRE)
    _share(team, InstitutionType.POLICE)
    details = _share(team, InstitutionType.NATIONAL_CENTRE, DataCategory.CASE_DETAILS)
    consent_withdraw(user=team["manager"], consent=identity)
    consent_withdraw(user=team["manager"], consent=details)
    assert team["person"] not in visible(team["officer"], Person)
    assert team["screening"] not in visible(team["officer"], Screening)
    assert team["person"] in visible(team["inspector"], Person)  # its own consent stands
    assert team["person"] in visible(team["manager"], Person)
    assert CaseEvent.objects.filter(kind=CaseEventKind.CONSENT_WITHDRAWN).count() == 2
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, details__withdrawn=True, details__consent=identity.pk
    ).exists()


def test_the_person_page_follows_consent(team) -> None:
    client = Client()
    client.force_login(team["officer"])
    url = reverse("people:person_detail", args=[team["person"].code])
    assert client.get(url).status_code == 404
    consent = _share(team, InstitutionType.NATIONAL_CENTRE)
    assert client.get(url).status_code == 200
    consent_withdraw(user=team["manager"], consent=consent)
    assert client.get(url).status_code == 404


def test_only_the_lead_records_or_withdraws_consent(team) -> None:
    with pytest.raises(PermissionDenied):
        consent_record(
            user=team["officer"],
            case=team["case"],
            institution_type=InstitutionType.NATIONAL_CENTRE,
            category=DataCategory.IDENTITY,
            method=ConsentMethod.ORAL_WITNESSED,
        )
    consent = _share(team, InstitutionType.NATIONAL_CENTRE)
    with pytest.raises(PermissionDenied):
        consent_withdraw(user=team["officer"], consent=consent)


def test_a_declined_referral_takes_the_case_and_its_shared_data_away(team) -> None:
    _share(team, InstitutionType.NATIONAL_CENTRE)
    referral = team["case"].referrals.get(to_institution=team["centre"])
    referral_act(
        user=team["officer"], referral=referral, expected_version=1, action="decline", reason="Не"
    )
    assert team["case"] not in visible(team["officer"], Case)
    assert team["person"] not in visible(team["officer"], Person)
    assert not shares(team["officer"], team["case"], DataCategory.IDENTITY)


# --- break-glass ----------------------------------------------------------------------------


def test_break_glass_opens_the_case_for_a_limited_time_and_alerts(team) -> None:
    stranger_police = InstitutionFactory(type=InstitutionType.POLICE)
    own_supervisor = UserFactory(role=Role.SUPERVISOR, institution=stranger_police)
    officer = UserFactory(role=Role.CASE_MANAGER, institution=stranger_police)
    assert team["case"] not in visible(officer, Case)
    grant = break_glass_open(
        user=officer, code=team["case"].code.lower(), reason="Особа је у непосредној опасности"
    )
    assert team["case"] in visible(officer, Case)
    assert team["person"] in visible(officer, Person)
    alerted = set(
        Notification.objects.filter(kind="break_glass").values_list("recipient", flat=True)
    )
    assert alerted == {team["supervisor"].pk, team["manager"].pk}  # the case's lead
    reviewers = set(
        Notification.objects.filter(kind="break_glass_review").values_list("recipient", flat=True)
    )
    assert reviewers == {own_supervisor.pk, team["officer"].pk}  # own supervisor, the Centre
    event = AuditEvent.objects.filter(action=AuditAction.BREAK_GLASS).get()
    assert (event.actor_id, event.details["grant"]) == (officer.pk, grant.pk)
    assert CaseEvent.objects.filter(case=team["case"], kind=CaseEventKind.BREAK_GLASS).exists()
    # the reason is kept encrypted, and never put into an e-mail
    assert "опасности" not in " ".join(m.body for m in mail.outbox)
    BreakGlassGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now())
    assert team["case"] not in visible(officer, Case)
    assert team["person"] not in visible(officer, Person)


def test_break_glass_needs_a_reason_and_a_real_case(team) -> None:
    with pytest.raises(ValidationError) as error:
        break_glass_open(user=team["inspector"], code="C-NOSUCH", reason="кратко")
    assert set(error.value.message_dict) == {"code", "reason"}
    assert not BreakGlassGrant.objects.exists()
    analyst = UserFactory(role=Role.ANALYST, institution=team["csr"])
    with pytest.raises(PermissionDenied):
        break_glass_open(user=analyst, code=team["case"].code, reason="Хитно, особа је у опасности")


def test_break_glass_page_opens_the_case_and_warns(team) -> None:
    client = Client()
    officer = UserFactory(role=Role.CASE_MANAGER, institution=InstitutionFactory())
    client.force_login(officer)
    response = client.post(
        reverse("cases:break_glass"),
        {"code": team["case"].code, "reason": "Дете је нестало, хитна потрага"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("cases:case_detail", args=[team["case"].code])
    assert response.status_code == 200
    bad = client.post(reverse("cases:break_glass"), {"code": "C-NOSUCH", "reason": "x"})
    assert bad.status_code == 200
    assert bad.context["form"].errors


# --- referrals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("urgency", "hours"), [("immediate", 1), ("urgent", 24), ("normal", 24 * 7)]
)
def test_a_referral_is_due_by_its_urgency_and_the_receiver_is_told(team, urgency, hours) -> None:
    employment = InstitutionFactory(type=InstitutionType.EMPLOYMENT)
    receiver = UserFactory(role=Role.SUPERVISOR, institution=employment)
    before = timezone.now()
    referral = referral_send(
        user=team["manager"], case=team["case"], to=employment, reason="Посао", urgency=urgency
    )
    expected = before + timedelta(hours=hours)
    assert abs((referral.due_at - expected).total_seconds()) < 5
    assert Notification.objects.filter(recipient=receiver, kind="referral_received").exists()
    assert team["case"] in visible(receiver, Case)


def test_referrals_refuse_self_duplicates_empty_reasons_and_outsiders(team) -> None:
    with pytest.raises(ValidationError) as error:
        referral_send(
            user=team["manager"], case=team["case"], to=team["police"], reason="", urgency="soon"
        )
    assert set(error.value.message_dict) == {"to", "reason", "urgency"}
    with pytest.raises(ValidationError):
        referral_send(
            user=team["manager"], case=team["case"], to=team["csr"], reason="x", urgency="normal"
        )
    outsider = UserFactory(role=Role.CASE_MANAGER, institution=InstitutionFactory())
    with pytest.raises(PermissionDenied):
        referral_send(
            user=outsider, case=team["case"], to=team["police"], reason="x", urgency="normal"
        )
    assert Referral.objects.count() == 2


def test_overdue_referrals_show_to_sender_and_receiver_only(team) -> None:
    late = team["case"].referrals.get(to_institution=team["police"])
    Referral.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    assert list(selectors.overdue_referrals(user=team["manager"])) == [late]
    assert list(selectors.overdue_referrals(user=team["inspector"])) == [late]
    assert list(selectors.overdue_referrals(user=team["officer"])) == []
    Referral.objects.filter(pk=late.pk).update(status=ReferralStatus.ACCEPTED)
    assert list(selectors.overdue_referrals(user=team["manager"])) == []


def test_the_case_page_shows_team_consent_and_the_referral_form_to_the_lead(team) -> None:
    client = Client()
    client.force_login(team["manager"])
    page = client.get(reverse("cases:case_detail", args=[team["case"].code]))
    assert [m.institution for m in page.context["team"]] == [
        team["csr"],
        team["centre"],
        team["police"],
    ]
    assert page.context["consent_form"] is not None
    assert page.context["referral_form"] is not None
    client.force_login(team["inspector"])
    page = client.get(reverse("cases:case_detail", args=[team["case"].code]))
    assert page.context["consent_form"] is None
    assert page.context["may"].sharing == {
        "identity": False,
        "case_details": False,
        "health": False,
    }
    assert team["person"].given_name not in page.content.decode()


# --- inbox ----------------------------------------------------------------------------------


def test_notifications_are_emailed_by_the_worker_and_read_in_the_readers_language(team) -> None:
    message = Notification.objects.get(recipient=team["officer"], kind="referral_received")
    assert message.emailed_at is not None
    assert any(team["case"].code in m.subject for m in mail.outbox if "o@c.invalid" in m.to)
    with translation.override("en"):
        assert message.subject == f"New referral on case {team['case'].code}"
    client = Client()
    client.force_login(team["officer"])
    assert team["case"].code in client.get(reverse("inbox:inbox")).content.decode()
    assert mark_read(user=team["manager"], notification_ids=[message.pk]) == 0  # not theirs
    client.post(reverse("inbox:mark_read"))
    assert Notification.objects.get(pk=message.pk).read_at is not None


# --- the overdue reminder of a referral, on the real worker ----------------------------------


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_the_worker_reminds_both_sides_of_an_overdue_referral_once(team, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    employment = InstitutionFactory(type=InstitutionType.EMPLOYMENT)
    receiver = UserFactory(role=Role.CASE_MANAGER, institution=employment, email="e@nsz.invalid")
    referral = referral_send(
        user=team["manager"], case=team["case"], to=employment, reason="Посао", urgency="immediate"
    )
    _run_worker()  # not due yet: the e-mail of the new referral goes, no reminder
    assert not Notification.objects.filter(kind="referral_overdue").exists()
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    DBTaskResult.objects.filter(task_path__endswith="referral_overdue").update(
        run_after=timezone.now() - timedelta(minutes=1)
    )
    _run_worker()
    _run_worker()
    overdue = Notification.objects.filter(kind="referral_overdue")  # to the receiver
    assert list(overdue.values_list("recipient", flat=True)) == [receiver.pk]
    waiting = Notification.objects.filter(kind="referral_waiting")  # to the sender
    assert sorted(waiting.values_list("recipient", flat=True)) == sorted(
        [team["manager"].pk, team["supervisor"].pk]
    )
    assert any("e@nsz.invalid" in m.to and referral.case.code in m.subject for m in mail.outbox)
    assert sweep_referrals() == 0  # the worker already sent it


def test_an_answered_referral_is_not_reminded(team) -> None:
    referral = team["case"].referrals.get(to_institution=team["centre"])
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(hours=1))
    referral_act(user=team["officer"], referral=referral, expected_version=1, action="accept")
    police = team["case"].referrals.get(to_institution=team["police"])
    Referral.objects.filter(pk=police.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert sweep_referrals() == 1
    assert Notification.objects.filter(kind="referral_overdue").count() == 1  # the police
    assert Notification.objects.filter(kind="referral_waiting").count() == 2  # the csr


def test_following_a_notification_marks_it_read_and_opens_its_page(team) -> None:
    message = Notification.objects.get(recipient=team["officer"], kind="referral_received")
    client = Client()
    client.force_login(team["officer"])
    response = client.get(reverse("inbox:open", args=[message.pk]))
    assert response.url == reverse("cases:case_detail", args=[team["case"].code])
    assert Notification.objects.get(pk=message.pk).read_at is not None
    client.force_login(team["manager"])
    assert client.get(reverse("inbox:open", args=[message.pk])).status_code == 404


def test_the_identifier_sees_the_reasons_it_recorded_without_a_details_consent(team) -> None:
    referral = team["case"].referrals.get(to_institution=team["centre"])
    referral_act(user=team["officer"], referral=referral, expected_version=1, action="accept")
    case_transition(
        user=team["officer"],
        case=team["case"],
        expected_version=1,
        to="identified",
        decided_on=timezone.localdate(),
        decision_panel="Комисија",
        decision_reasons="Принудни рад потврђен",
    )
    client = Client()
    for user, sees in ((team["officer"], True), (team["inspector"], False)):
        client.force_login(user)
        page = client.get(reverse("cases:case_detail", args=[team["case"].code]))
        assert ("Принудни рад потврђен" in page.content.decode()) is sees


def test_the_matrix_names_who_leads_and_who_is_informed_in_the_case_phase(
    team, municipality
) -> None:
    employment = InstitutionFactory(type=InstitutionType.EMPLOYMENT, municipality=municipality)
    leads = selectors.phase_institutions(team["case"])  # presumed victim: identification
    assert team["centre"] in leads
    assert employment not in leads
    informed = selectors.phase_institutions(team["case"], MandateRole.INFORMED)
    assert team["csr"] not in informed


def test_the_timeline_says_what_each_event_concerns(team) -> None:
    consent = _share(team, InstitutionType.NATIONAL_CENTRE)
    consent_withdraw(user=team["manager"], consent=consent)
    entries = {e.kind: e for e in selectors.timeline(team["case"]).get()}
    sent = entries[CaseEventKind.REFERRAL_SENT]
    assert sent.detail.startswith(str(team["csr"]))
    assert " → " in sent.detail
    withdrawn = entries[CaseEventKind.CONSENT_WITHDRAWN].detail
    assert withdrawn == (f"{DataCategory.IDENTITY.label} · {InstitutionType.NATIONAL_CENTRE.label}")


def test_notification_dates_are_shown_in_the_readers_language(team) -> None:
    message = Notification.objects.get(recipient=team["officer"], kind="referral_received")
    due = timezone.localtime(team["case"].referrals.get(to_institution=team["centre"]).due_at)
    for language in ("sr", "en"):
        with translation.override(language):
            assert formats.date_format(due, "SHORT_DATETIME_FORMAT") in message.body
