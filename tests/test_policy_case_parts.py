"""The case page's and the home page's parts asked of one case or one grant (issue 18, h18scope2)
read exactly the rows the whole scope would: for every kind of user (the lead, a team member
with and without consent, break-glass, invited only, the coordinator, an outsider, an inactive
account), in a read-only request and outside one."""

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from spona.accounts.models import Role, User
from spona.cases.models import BreakGlassGrant, Case, CaseStatus, ConsentMethod, DataCategory
from spona.cases.selectors import case_get
from spona.cases.services import case_open_for_presumed_victim, consent_record, referral_send
from spona.conferences import selectors as conferences
from spona.conferences import services as conference_services
from spona.conferences.models import Task
from spona.core.roles import CONFERENCE_ROLES
from spona.institutions.models import InstitutionType
from spona.plans.models import Plan, PlanKind
from spona.plans.selectors import case_plans
from spona.policy import granted, remembering, visible
from spona.providers import selectors as providers
from spona.providers.models import Delivery, DeliveryStatus, Domain, ServiceRequest
from spona.providers.services import delivery_record, provider_add
from tests.factories import InstitutionFactory, MunicipalityFactory, PersonFactory, UserFactory


@pytest.fixture
def place(municipality: Any) -> dict[str, Any]:
    """A case led by a social welfare centre, referred to the police (who may read its
    details) and to a health centre (who may not), a conference on it with the police and the
    Centre invited and a task for the police, a plan the coordinator answers for, a service
    delivered and one requested, and users of every kind around it."""

    def institution(kind: str, where: Any = municipality) -> Any:
        return InstitutionFactory(type=InstitutionType(kind), municipality=where)

    csr, police, health = institution("social_welfare"), institution("police"), institution("ngo")
    centre, school = institution("national_centre", None), institution("school")
    people = {
        "lead": UserFactory(role=Role.CASE_MANAGER, institution=csr),
        "supervisor": UserFactory(role=Role.SUPERVISOR, institution=csr),
        "police": UserFactory(role=Role.CASE_MANAGER, institution=police),
        "health": UserFactory(role=Role.CASE_MANAGER, institution=health),
        "officer": UserFactory(role=Role.CENTRE_OFFICER, institution=centre),
        "glass": UserFactory(role=Role.CASE_MANAGER, institution=school),
        "coordinator": UserFactory(
            role=Role.COORDINATOR, institution=institution("local_government")
        ),
        "outsider": UserFactory(
            role=Role.CASE_MANAGER,
            institution=InstitutionFactory(municipality=MunicipalityFactory()),
        ),
        "frontline": UserFactory(role=Role.FRONTLINE, institution=police),
        "inactive": UserFactory(role=Role.CASE_MANAGER, institution=csr, is_active=False),
    }
    lead = people["lead"]
    person = PersonFactory(registered_by=lead)
    case = case_open_for_presumed_victim(user=lead, person=person, is_child=False, origin={})
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.PROTECTION)
    case.refresh_from_db()
    consent_record(
        user=lead,
        case=case,
        institution_type=InstitutionType.POLICE,
        category=DataCategory.CASE_DETAILS,
        method=ConsentMethod.WRITTEN,
    )
    for to in (police, health):
        referral_send(user=lead, case=case, to=to, reason="…", urgency="normal")
    BreakGlassGrant.objects.create(
        case=case, user=people["glass"], reason="…", expires_at=timezone.now() + timedelta(hours=1)
    )
    conference = conference_services.conference_convene(
        user=lead,
        case=case,
        topic="План заштите",
        phase="protection",
        held_on=timezone.now() + timedelta(days=2),
        participants=[csr, police, centre],
    )
    [decision] = conference_services.conference_record(
        user=lead,
        conference=conference,
        expected_version=conference.version,
        minutes="Записник",
        decisions=["Проценити безбедност"],
    )
    for owner in ({"owner_institution": police}, {"owner_institution": csr, "owner_user": lead}):
        conference_services.task_create(
            user=lead,
            decision=decision,
            title="Процена",
            due_on=timezone.localdate() + timedelta(days=3),
            **owner,
        )
    Plan.objects.create(
        case=case,
        kind=PlanKind.INTEGRATION,
        lead_institution=csr,
        drafted_by=lead,
        coordinator=people["coordinator"],
    )
    provider = provider_add(
        user=people["coordinator"],
        municipality=municipality,
        name="Прихватилиште",
        type=InstitutionType.SERVICE_PROVIDER,
    )
    delivery_record(
        user=lead,
        case=case,
        provider=provider,
        domain=Domain.ACCOMMODATION,
        started_on=timezone.localdate(),
        status=DeliveryStatus.ONGOING,
    )
    UserFactory(role=Role.CASE_MANAGER, institution=provider.institution)  # who answers
    asked = referral_send(
        user=lead, case=case, to=provider.institution, reason="…", urgency="normal"
    )
    ServiceRequest.objects.create(referral=asked, domain=Domain.ACCOMMODATION)
    return {"case": case, **people}


def _keys(rows: Any) -> set[Any]:
    return {row.pk for row in rows}


def _whole_scope(user: User, case: Case) -> dict[str, Any]:
    mine = Q(owner_user=user.pk)
    if user.role in CONFERENCE_ROLES and user.institution_id is not None:
        mine |= Q(owner_institution=user.institution_id)
    return {
        "case": _keys(visible(user, Case).filter(pk=case.pk)),
        "conferences": {
            (c.pk, c.content_shared)  # type: ignore[attr-defined]
            for c in conferences.conference_list(user=user).filter(case=case)
        },
        "plans": _keys(visible(user, Plan).filter(case=case)),
        "deliveries": _keys(visible(user, Delivery).filter(case=case)),
        "requests": _keys(visible(user, ServiceRequest).filter(referral__case=case)),
        "tasks": _keys(visible(user, Task).filter(mine)),
    }


def _asked_of_the_case(user: User, case: Case) -> dict[str, Any]:
    try:
        shown = {case_get(user=user, code=case.code).pk}
    except Http404:
        shown = set()
    return {
        "case": shown,
        "conferences": {
            (c.pk, c.content_shared)  # type: ignore[attr-defined]
            for c in conferences.case_conferences(user=user, case=case).get()
        },
        "plans": _keys(case_plans(user, case).get()),
        "deliveries": _keys(providers.case_deliveries(user=user, case=case).get()),
        "requests": _keys(providers.case_requests(user=user, case=case).get()),
        "tasks": _keys(conferences.tasks_for(user=user)),
    }


WHO = [
    "lead", "supervisor", "police", "health", "officer", "glass", "coordinator", "outsider",
    "frontline", "inactive",
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("who", WHO)
def test_a_case_s_parts_asked_of_the_case_are_the_whole_scope_s(place: Any, who: str) -> None:
    user, case = place[who], place["case"]
    expected = _whole_scope(user, case)
    assert _asked_of_the_case(user, case) == expected
    with remembering():
        assert _asked_of_the_case(user, case) == expected


@pytest.mark.django_db
def test_the_scope_shows_something_to_someone_and_withholds_from_others(place: Any) -> None:
    """The comparison above is not between empty sets."""
    seen = {who: _whole_scope(place[who], place["case"]) for who in WHO}
    assert seen["lead"]["plans"]
    assert seen["lead"]["deliveries"]
    assert seen["lead"]["requests"]
    assert {shared for _pk, shared in seen["police"]["conferences"]} == {True}
    assert {shared for _pk, shared in seen["health"]["conferences"]} == {False}
    assert seen["coordinator"]["plans"]
    assert not seen["coordinator"]["case"]
    assert seen["health"]["case"]
    assert not seen["health"]["deliveries"]
    assert seen["glass"]["case"]
    assert seen["coordinator"]["conferences"]  # the municipality's: outside the team
    assert seen["police"]["tasks"]
    assert seen["lead"]["tasks"]
    assert not any(seen["outsider"].values())
    assert not any(seen["inactive"].values())


@pytest.mark.django_db
def test_only_a_registered_row_scope_is_granted(place: Any) -> None:
    with pytest.raises(LookupError):
        granted(place["lead"], Plan, lambda user: Q())
