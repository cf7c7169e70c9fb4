"""The at-risk track: a screening that finds a person at risk opens a prevention follow-up with
a date and, where the municipality has them, the matching risk group and its campaign; the
municipality's coordinator sees it (by code) and closes it."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spona.accounts.models import Role
from spona.audit.models import AuditAction, AuditEvent
from spona.institutions.models import InstitutionType
from spona.people.services import person_register
from spona.prevention.models import FollowUpStatus, PreventionFollowUp
from spona.prevention.services import campaign_create, default_groups
from spona.screening import services
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(municipality):
    services.catalogue_load_default()
    csr = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    office = InstitutionFactory(type=InstitutionType.LOCAL_GOVERNMENT, municipality=municipality)
    coordinator = UserFactory(role=Role.COORDINATOR, institution=office)
    groups = {g.code: g for g in default_groups(municipality)}
    today = timezone.localdate()
    campaign = campaign_create(
        user=coordinator,
        municipality=municipality,
        groups=[groups["girls-14-18"]],
        settlements=[],
        partners=[],
        name="Школа без трговине",
        goal="Девојчице које су напустиле школу",
        channels=["school_workshop"],
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=60),
        funder="local_government",
    )
    return {
        "municipality": municipality,
        "manager": UserFactory(role=Role.CASE_MANAGER, institution=csr),
        "coordinator": coordinator,
        "groups": groups,
        "campaign": campaign,
    }


def _screen(place, data, **person):
    manager = place["manager"]
    someone = person_register(user=manager, municipality=place["municipality"], **person)
    screening = services.screening_start(user=manager, person=someone)
    services.screening_complete(user=manager, screening=screening, expected_version=1, data=data)
    return screening


def test_a_girl_at_risk_gets_a_follow_up_with_her_group_and_its_campaign(place) -> None:
    born = date(timezone.localdate().year - 16, 1, 1).isoformat()
    screening = _screen(
        place,
        {"age_group": "child", "risk_factors": ["school_drop_out", "social_protection"]},
        sex="female",
        date_of_birth=born,
    )
    follow_up = PreventionFollowUp.objects.get()
    assert (screening.outcome, follow_up.screening) == ("at_risk", screening)
    assert follow_up.due_on == timezone.localdate() + timedelta(days=7)
    step = screening.steps.get(code="prevention_follow_up")
    assert timezone.localdate(step.due_at) == follow_up.due_on
    assert (follow_up.risk_group, follow_up.campaign) == (
        place["groups"]["girls-14-18"],
        place["campaign"],
    )
    assert follow_up.municipality == place["municipality"]
    note = place["coordinator"].notifications.get()
    assert (note.kind, note.params["person"]) == ("prevention_follow_up", screening.person.code)


def test_the_most_specific_group_is_chosen_and_a_group_needs_every_factor(place) -> None:
    _screen(
        place,
        {"risk_factors": ["unemployed", "low_education", "job_offer_abroad_paid_travel"]},
        sex="female",
        estimated_age=24,
    )
    _screen(place, {"risk_factors": ["unemployed"]}, sex="female", estimated_age=24)
    matched, unmatched = PreventionFollowUp.objects.order_by("pk")
    assert (matched.risk_group.code, matched.campaign) == ("women-20-30", None)
    assert (unmatched.risk_group, unmatched.campaign) == (None, None)


def test_domestic_violence_with_risk_factors_is_closed_and_on_the_risk_track(place) -> None:
    screening = _screen(
        place,
        {"flags": {"domestic_violence": True}, "risk_factors": ["violence_no_income"]},
    )
    assert (screening.outcome, screening.not_trafficking_reason) == (
        "not_trafficking",
        "domestic_violence",
    )
    assert PreventionFollowUp.objects.filter(screening=screening).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"acts": ["recruitment"], "means": ["deception"], "purposes": ["prostitution"]},
        {"indicators": ["DR01"]},
        {"flags": {"domestic_violence": True}},
    ],
    ids=["presumed victim", "insufficient information", "closed without risk factors"],
)
def test_no_follow_up_off_the_risk_track(place, data) -> None:
    _screen(place, {**data, "risk_factors": []})
    assert not PreventionFollowUp.objects.exists()


def test_the_coordinator_sees_follow_ups_of_the_municipality_by_code_and_closes_them(
    place,
) -> None:
    screening = _screen(place, {"risk_factors": ["homeless"]}, given_name="Марко")
    follow_up = PreventionFollowUp.objects.get()
    client = Client()
    client.force_login(place["coordinator"])
    page = client.get(reverse("prevention:follow_up_list"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert screening.person.code in html
    assert "Марко" not in html  # the coordinator sees pseudonymised data only
    assert "homeless" in html
    read = AuditEvent.objects.filter(action=AuditAction.READ).latest("seq")
    assert read.details["persons"] == [screening.person.code]

    other_place = MunicipalityFactory()
    stranger = UserFactory(
        role=Role.COORDINATOR, institution=InstitutionFactory(municipality=other_place)
    )
    outsider = Client()
    outsider.force_login(stranger)
    assert (
        screening.person.code
        not in outsider.get(reverse("prevention:follow_up_list")).content.decode()
    )
    done = reverse("prevention:follow_up_done", args=[follow_up.code])
    assert outsider.post(done, {"result": "supported"}).status_code == 404

    assert client.post(done, {"result": "supported"}).status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.result, follow_up.done_by) == (
        FollowUpStatus.DONE,
        "supported",
        place["coordinator"],
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE,
        object_type="prevention.preventionfollowup",
        object_id=str(follow_up.pk),
    ).exists()
