"""The new signal and the signal's page for less (issue 18, h32signal): the signal read by a
query prepared per shape of user is what ``visible`` reads, for every demo user and signal;
the triage forms' fields are kept per what they show and are what the forms write; the post's
municipality is read once, by a prepared query, and refused as before."""

from typing import Any

import pytest
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from spona.accounts.models import Role, User
from spona.core.templatetags.spona_forms import form_fields
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.policy import visible
from spona.signals import forms, selectors
from spona.signals.models import Signal, SignalNote
from tests.factories import InstitutionFactory, UserFactory


@pytest.mark.django_db
def test_every_demo_user_reads_by_code_exactly_the_signals_visible_reads(demo) -> None:
    codes = [*Signal.objects.values_list("code", flat=True), "S-NONE"]
    for user in User.objects.filter(is_active=True):
        for code in codes:
            expected = (
                visible(user, Signal)
                .select_related("municipality", "raised_by_institution")
                .filter(code=code)
                .first()
            )
            try:
                read = selectors.signal_get(user=user, code=code)
            except Http404:
                read = None
            assert read == expected, (user.username, code)
            if read is not None and expected is not None:
                assert read.municipality == expected.municipality
                assert read.raised_by_institution == expected.raised_by_institution


@pytest.mark.django_db
def test_a_user_who_sees_no_signal_is_refused_and_the_notes_are_the_signals(demo) -> None:
    coordinator = User.objects.filter(role=Role.COORDINATOR, is_active=True).first()
    signal = Signal.objects.first()
    assert coordinator is not None
    assert signal is not None
    with pytest.raises(Http404):
        selectors.signal_get(user=coordinator, code=signal.code)
    SignalNote.objects.create(signal=signal, text="Видели смо је опет", from_citizen=True)
    SignalNote.objects.create(signal=signal, text="И данас", from_citizen=True)
    assert selectors.signal_notes(signal) == list(signal.notes.all())
    assert [note.text for note in selectors.signal_notes(signal)][-1] == "И данас"


@pytest.mark.django_db
def test_the_institutions_offered_for_assignment_are_those_the_form_accepts(demo) -> None:
    for municipality in Municipality.objects.filter(signal__isnull=False).distinct():
        accepted = list(selectors.assignable(municipality.pk).values_list("pk", flat=True))
        offered = [pk for pk, _name in selectors.assignable_choices(municipality.pk)]
        assert sorted(offered) == sorted(accepted)
        assert offered, municipality


@pytest.mark.django_db
def test_the_triage_forms_are_kept_per_what_they_show_and_are_the_forms_own(demo) -> None:
    forms._triage_fields.cache_clear()
    signal = Signal.objects.filter(status="new", urgency="normal").first()
    assert signal is not None
    with translation.override("sr-latn"):
        kept = forms.triage_fields(signal)
        assign = forms.AssignForm(
            initial={"version": signal.version, "urgency": signal.urgency},
            municipality=signal.municipality_id,
        )
        assert kept["assign"] == form_fields(assign) + "\n"
        dismiss = forms.DismissForm(initial={"version": signal.version})
        assert kept["dismiss"] == form_fields(dismiss) + "\n"
        assert forms.triage_fields(signal) == kept
        assert forms._triage_fields.cache_info().hits == 1
        # another version, another urgency, a new institution that can receive: written anew
        signal.version += 1
        assert f'value="{signal.version}"' in forms.triage_fields(signal)["merge"]
        signal.urgency = "immediate"
        assert 'value="immediate" selected' in forms.triage_fields(signal)["assign"]
        shelter = InstitutionFactory(
            municipality=signal.municipality, type=InstitutionType.NGO, name="Sklonište Nada"
        )
        assert "Sklonište Nada" not in forms.triage_fields(signal)["assign"]
        UserFactory(role=Role.CASE_MANAGER, institution=shelter)
        assert "Sklonište Nada" in forms.triage_fields(signal)["assign"]
        assert forms._triage_fields.cache_info()[:2] == (2, 4)  # hits, misses
    with translation.override("en"):
        assert "Assign to" in forms.triage_fields(signal)["assign"]
    assert forms._triage_fields.cache_info()[:2] == (2, 5)


@pytest.mark.django_db
def test_a_sent_assignment_accepts_only_the_institutions_offered(demo) -> None:
    signal = Signal.objects.filter(status="new").first()
    assert signal is not None
    offered = {pk for pk, _name in selectors.assignable_choices(signal.municipality_id)}
    elsewhere = Institution.objects.exclude(pk__in=offered).first()
    assert elsewhere is not None
    for pk, valid in [(next(iter(offered)), True), (elsewhere.pk, False)]:
        form = forms.AssignForm(
            {"version": signal.version, "institution": pk, "urgency": ""},
            municipality=signal.municipality_id,
        )
        assert form.is_valid() is valid


@pytest.fixture
def teacher(municipality) -> User:
    school = InstitutionFactory(municipality=municipality, type=InstitutionType.SCHOOL)
    return UserFactory(role=Role.FRONTLINE, institution=school)


def _post(client: Client, municipality: Any) -> Any:
    return client.post(
        reverse("signals:signal_create"),
        {
            "what_seen": "Дете проси",
            "municipality": municipality,
            "urgency": "normal",
            "child_involved": "no",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.django_db
def test_the_posted_municipality_is_read_once(teacher, municipality) -> None:
    client = Client()
    client.force_login(teacher)
    _post(client, municipality.pk)  # the prepared read compiled once
    with CaptureQueriesContext(connection) as captured:
        sent = _post(client, municipality.pk)
    assert sent.status_code == 302
    reads = [q["sql"] for q in captured if 'FROM "institutions_municipality"' in q["sql"]]
    assert len(reads) == 1
    assert Signal.objects.filter(municipality=municipality, raised_by=teacher).count() == 2
    assert _post(client, "pirot").status_code == 302  # typed, without diacritics


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["999999", "99999999999999999999", "²", "Атлантида", "0", "-1"])
def test_a_municipality_that_does_not_exist_is_refused_as_before(teacher, typed) -> None:
    client = Client()
    client.force_login(teacher)
    raised = Signal.objects.count()
    sent = _post(client, typed)
    assert sent.status_code == 200
    assert "Select a valid choice. That choice is not one of the available choices." in (
        sent.content.decode()
    )
    assert Signal.objects.count() == raised
