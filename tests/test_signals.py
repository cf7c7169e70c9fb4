"""Signals: any institution raises one, the right institutions triage it, citizens report
anonymously (rate-limited, robots kept out, nothing identifying stored)."""

import re
import time
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import translation

from spona.accounts.models import Role
from spona.audit.models import AuditEvent
from spona.institutions.models import InstitutionType
from spona.policy import can, visible
from spona.signals import services
from spona.signals.access import SIGNAL_TRIAGE
from spona.signals.models import Signal, Source, Status, Urgency
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people_of(municipality):
    """A user of each kind of institution in the municipality, and a Centre officer."""

    def user(kind: InstitutionType, role: Role = Role.FRONTLINE, national: bool = False):
        institution = InstitutionFactory(type=kind, municipality=None if national else municipality)
        return UserFactory(role=role, institution=institution)

    return user


def _raise(user, municipality, **extra) -> Signal:
    return services.signal_raise(
        user=user, municipality=municipality, what_seen="Девојка ради ноћу без плате", **extra
    )


@pytest.mark.parametrize(
    "kind",
    [
        InstitutionType.SCHOOL,
        InstitutionType.HEALTH,
        InstitutionType.EMPLOYMENT,
        InstitutionType.NGO,
    ],
)
def test_any_institution_can_raise_a_signal_in_one_form(people_of, municipality, kind) -> None:
    teacher = people_of(kind)
    client = Client()
    client.force_login(teacher)
    response = client.post(
        reverse("signals:signal_create"),
        {
            "municipality": municipality.pk,
            "what_seen": "Ученица прича о послу у иностранству",
            "urgency": "normal",
            "child_involved": "yes",
        },
    )
    signal = Signal.objects.get()
    assert response["Location"] == reverse("signals:signal_detail", args=[signal.code])
    assert (signal.source, signal.raised_by_institution.type) == (Source.INSTITUTION, kind)


def test_social_welfare_and_police_of_the_municipality_triage(people_of, municipality) -> None:
    signal = _raise(people_of(InstitutionType.SCHOOL), municipality)
    csr = people_of(InstitutionType.SOCIAL_WELFARE, Role.CASE_MANAGER)
    police = people_of(InstitutionType.POLICE, Role.SUPERVISOR)
    health = people_of(InstitutionType.HEALTH, Role.CASE_MANAGER)
    elsewhere = UserFactory(
        role=Role.CASE_MANAGER, institution=InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE)
    )
    assert can(csr, SIGNAL_TRIAGE, signal)
    assert can(police, SIGNAL_TRIAGE, signal)
    assert not can(health, SIGNAL_TRIAGE, signal)
    assert signal not in visible(elsewhere, Signal)


def test_centre_sees_urgent_and_child_signals_only(people_of, municipality) -> None:
    raiser = people_of(InstitutionType.SCHOOL)
    normal = _raise(raiser, municipality)
    urgent = _raise(raiser, municipality, urgency=Urgency.URGENT)
    child = _raise(raiser, municipality, child_involved="yes")
    centre = people_of(InstitutionType.NATIONAL_CENTRE, Role.CENTRE_OFFICER, national=True)
    assert set(visible(centre, Signal)) == {urgent, child}
    assert normal not in visible(centre, Signal)


def test_raiser_sees_their_own_signal_but_not_others(people_of, municipality) -> None:
    teacher, colleague = people_of(InstitutionType.SCHOOL), people_of(InstitutionType.SCHOOL)
    mine = _raise(teacher, municipality)
    _raise(colleague, municipality)
    assert list(visible(teacher, Signal)) == [mine]


def test_triage_queue_puts_immediate_danger_first(people_of, municipality) -> None:
    from spona.signals.selectors import triage_queue

    raiser = people_of(InstitutionType.SCHOOL)
    normal = _raise(raiser, municipality)
    danger = _raise(raiser, municipality, urgency=Urgency.IMMEDIATE)
    urgent = _raise(raiser, municipality, urgency=Urgency.URGENT)
    csr = people_of(InstitutionType.SOCIAL_WELFARE, Role.CASE_MANAGER)
    assert list(triage_queue(user=csr)) == [danger, urgent, normal]


def test_triage_assign_merge_and_dismiss(people_of, municipality) -> None:
    raiser = people_of(InstitutionType.SCHOOL)
    first, duplicate, noise = (_raise(raiser, municipality) for _ in range(3))
    csr = people_of(InstitutionType.SOCIAL_WELFARE, Role.CASE_MANAGER)
    services.signal_assign(user=csr, signal=first, expected_version=1, institution=csr.institution)
    services.signal_merge(user=csr, signal=duplicate, expected_version=1, into=first)
    services.signal_dismiss(user=csr, signal=noise, expected_version=1, reason="Шала")
    statuses = {s.pk: (s.status, s.merged_into_id) for s in Signal.objects.all()}
    assert statuses == {
        first.pk: (Status.ASSIGNED, None),
        duplicate.pk: (Status.MERGED, first.pk),
        noise.pk: (Status.DISMISSED, None),
    }


def test_teacher_may_not_triage(people_of, municipality) -> None:
    teacher = people_of(InstitutionType.SCHOOL)
    signal = _raise(teacher, municipality)
    client = Client()
    client.force_login(teacher)
    response = client.post(
        reverse("signals:signal_dismiss", args=[signal.code]), {"version": 1, "reason": "x"}
    )
    assert response.status_code == 403


# --- the citizen form ---------------------------------------------------------------------


def _started(seconds_ago: int) -> str:
    """The signed start time a form opened ``seconds_ago`` carries."""
    real = time.time
    with mock.patch.object(time, "time", return_value=real() - seconds_ago):
        return signing.TimestampSigner(salt="spona.citizen-signal").sign("form")


def _citizen_form(municipality, seconds_ago: int = 60, **changes) -> dict[str, object]:
    started = _started(seconds_ago)
    data = {
        "municipality": municipality.pk,
        "what_seen": "Деца просе на раскрсници сваки дан, одрасли им узимају новац",
        "urgency": "normal",
        "child_involved": "yes",
        "started": started,
        "website": "",
    }
    return {**data, **changes}


def test_citizen_reports_without_signing_in_and_gets_a_receipt(municipality) -> None:
    form = _citizen_form(municipality)
    with_time = Client()
    response = with_time.post(reverse("report:citizen_report"), form, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    receipt = response.context["receipt"]
    signal = Signal.objects.get()
    assert (signal.source, signal.raised_by, signal.contact) == (Source.CITIZEN, None, "")
    assert receipt not in signal.receipt_hash


def test_citizen_report_stores_no_address(municipality) -> None:
    Client().post(
        reverse("report:citizen_report"), _citizen_form(municipality), REMOTE_ADDR="203.0.113.9"
    )
    event = AuditEvent.objects.get(object_type="signals.signal")
    assert event.client_address is None
    assert "203.0.113.9" not in event.canonical()


def test_citizen_adds_information_with_the_receipt(municipality) -> None:
    receipt = (
        Client()
        .post(reverse("report:citizen_report"), _citizen_form(municipality))
        .context["receipt"]
    )
    added = Client().post(
        reverse("report:citizen_follow_up"),
        {"receipt": receipt.lower(), "text": "Сада их има више"},
    )
    assert added.context["added"]
    assert Signal.objects.get().notes.get().text == "Сада их има више"
    wrong = Client().post(
        reverse("report:citizen_follow_up"), {"receipt": "XXXX-XXXX-XXXX", "text": "x"}
    )
    assert wrong.context["form"].errors["receipt"]


def test_robots_are_refused_without_a_third_party(municipality) -> None:
    honeypot = Client().post(
        reverse("report:citizen_report"), _citizen_form(municipality, website="http://spam")
    )
    tampered = Client().post(
        reverse("report:citizen_report"), _citizen_form(municipality, started="forged")
    )
    assert honeypot.context["form"].non_field_errors()
    assert tampered.context["form"].non_field_errors()
    assert not Signal.objects.exists()


def test_a_form_sent_within_seconds_or_hours_later_is_refused(municipality) -> None:
    quick = Client().post(
        reverse("report:citizen_report"), _citizen_form(municipality, seconds_ago=1)
    )
    stale = Client().post(
        reverse("report:citizen_report"), _citizen_form(municipality, seconds_ago=3 * 3600)
    )
    assert stale.context["form"].non_field_errors()
    response = quick
    assert response.context["form"].non_field_errors()
    assert not Signal.objects.exists()


def test_citizen_reports_are_rate_limited_per_client(municipality) -> None:
    client = Client()
    codes = [
        client.post(
            reverse("report:citizen_report"),
            _citizen_form(municipality),
            REMOTE_ADDR="198.51.100.7",
        ).status_code
        for _ in range(6)
    ]
    assert codes == [200] * 5 + [429]
    other = Client().post(
        reverse("report:citizen_report"), _citizen_form(municipality), REMOTE_ADDR="198.51.100.8"
    )
    assert other.status_code == 200
    assert Signal.objects.count() == 6


# --- warning signs that fit the reporter's institution (schools and health care referred
# no one in the study year: they get the signs they can see) ---------------------------------


@pytest.mark.parametrize(
    ("kind", "shown", "not_shown"),
    [
        (
            InstitutionType.SCHOOL,
            [
                "Sudden or repeated absences",
                "An older ‘boyfriend’",
                "job, modelling or marriage abroad",
            ],
            ["Injuries that do not fit the story told"],
        ),
        (
            InstitutionType.HEALTH,
            [
                "Injuries that do not fit the story told",
                "A companion who speaks for the patient",
                "No identity document",
            ],
            ["Sudden or repeated absences"],
        ),
        (
            InstitutionType.EMPLOYMENT,
            ["Someone else holds the person’s documents"],
            ["Sudden or repeated absences", "Injuries that do not fit the story told"],
        ),
    ],
)
def test_the_signal_form_offers_the_warning_signs_of_the_reporters_institution(
    people_of, kind, shown, not_shown
) -> None:
    from spona.screening.services import catalogue_load_default

    catalogue_load_default()
    client = Client()
    client.force_login(people_of(kind))
    html = client.get(reverse("signals:signal_create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in shown:
        assert text in html
    for text in not_shown:
        assert text not in html


def test_ticked_warning_signs_are_kept_and_shown_to_the_triage(people_of, municipality) -> None:
    from spona.screening.services import catalogue_load_default

    catalogue_load_default()
    teacher = people_of(InstitutionType.SCHOOL)
    client = Client()
    client.force_login(teacher)
    client.post(
        reverse("signals:signal_create"),
        {
            "municipality": municipality.pk,
            "what_seen": "Ученица не долази на наставу",
            "urgency": "normal",
            "child_involved": "yes",
            "indicators": ["SC01", "SC02"],
        },
    )
    signal = Signal.objects.get()
    assert signal.indicators == ["SC01", "SC02"]
    manager = people_of(InstitutionType.SOCIAL_WELFARE, Role.CASE_MANAGER)
    triage = Client()
    triage.force_login(manager)
    html = triage.get(
        reverse("signals:signal_detail", args=[signal.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Sudden or repeated absences, or stops coming to school" in html
    # a sign the school's list does not offer is refused, and nothing is raised
    response = client.post(
        reverse("signals:signal_create"),
        {
            "municipality": municipality.pk,
            "what_seen": "x",
            "urgency": "normal",
            "child_involved": "no",
            "indicators": ["HC01"],
        },
    )
    assert response.status_code == 200
    assert Signal.objects.count() == 1


def test_the_citizen_form_has_no_professional_checklist(client) -> None:
    from spona.screening.services import catalogue_load_default

    catalogue_load_default()
    html = client.get(reverse("report:citizen_report"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Warning signs you noticed" not in html


def test_the_empty_signal_form_is_written_once_and_never_stale(people_of, municipality) -> None:
    """The staff form's empty fields are written once per process for what they show (issue
    18, ``_empty_fields``): the same markup as ``{% form_fields %}``; a renamed municipality,
    another language or another list of warning signs is written anew; a form sent back with
    errors is written with them."""
    from spona.core.templatetags.spona_forms import form_fields
    from spona.screening.services import catalogue_load_default
    from spona.signals import forms

    forms._empty_fields.cache_clear()
    teacher = people_of(InstitutionType.SCHOOL)
    client = Client()
    client.force_login(teacher)

    def page(language: str = "en") -> str:
        url = reverse("signals:signal_create")
        html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)  # one per page

    first = page("sr-latn")
    assert ('value="Pirot"', forms._empty_fields.cache_info().misses) == ('value="Pirot"', 1)
    assert page("sr-latn") == first
    assert forms._empty_fields.cache_info().hits == 1
    with translation.override("sr-latn"):
        form = forms.SignalForm(initial={"municipality": municipality.pk})
        assert str(form_fields(form)) in first
    municipality.name_lat = "Pirot (grad)"
    municipality.save()
    assert 'value="Pirot (grad)"' in page("sr-latn")
    assert "Sudden or repeated absences" not in page()
    catalogue_load_default()
    assert "Sudden or repeated absences" in page()
    assert 'value="Пирот"' in page("sr")
    sent = client.post(reverse("signals:signal_create"), {"municipality": municipality.pk})
    assert sent.status_code == 200
    assert 'class="error"' in sent.content.decode()
