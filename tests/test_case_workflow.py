"""The case workflow: every allowed transition by the right institution, every other refused."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from spona.accounts.models import Role
from spona.cases.models import Case, CaseEvent, CaseStatus
from spona.cases.services import case_reopen, case_transition
from spona.cases.workflow import TRANSITIONS
from spona.institutions.models import InstitutionType
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
DECISION = {
    "decided_on": date(2026, 11, 2),
    "decision_panel": "Психолог, педагог, социјални радник",
    "decision_reasons": "Индикатори потврђени",
}
DETAILS = {
    CaseStatus.IDENTIFIED: DECISION,
    CaseStatus.NOT_IDENTIFIED: DECISION,
    CaseStatus.CLOSED: {"close_reason": "integrated"},
}


@pytest.fixture
def actors(municipality):
    csr = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    return {
        "manager": UserFactory(role=Role.CASE_MANAGER, institution=csr),
        "supervisor": UserFactory(role=Role.SUPERVISOR, institution=csr),
        "centre": UserFactory(role=Role.CENTRE_OFFICER, institution=centre),
        "csr": csr,
        "municipality": municipality,
    }


def _case(actors, status: str, *, child: bool = False) -> Case:
    person = PersonFactory(registered_by=actors["manager"])
    return Case.objects.create(
        person=person,
        status=status,
        is_child=child,
        municipality=actors["municipality"],
        opened_by_institution=actors["csr"],
        opened_by=actors["manager"],
    )


def _who(actors, rule: str, child: bool):
    return {
        "identifier": actors["manager"] if child else actors["centre"],
        "team": actors["manager"],
        "supervisor": actors["supervisor"],
    }[rule]


ALL = [(start, target) for start in CaseStatus for target in CaseStatus if start != target]


@pytest.mark.parametrize(("start", "target"), ALL, ids=[f"{s}->{t}" for s, t in ALL])
def test_only_the_table_allows_a_transition(actors, start, target) -> None:
    case = _case(actors, start)
    rule = TRANSITIONS[start].get(target)
    if rule is None:
        for user in [actors["manager"], actors["supervisor"], actors["centre"]]:
            with pytest.raises(PermissionDenied):
                case_transition(
                    user=user, case=case, expected_version=1, to=target, **DETAILS.get(target, {})
                )
        return
    case_transition(
        user=_who(actors, rule, False),
        case=case,
        expected_version=1,
        to=target,
        **DETAILS.get(target, {}),
    )
    case.refresh_from_db()
    assert case.status == target
    event = CaseEvent.objects.get(case=case)
    assert event.details == {"from": start, "to": target}


def test_the_centre_identifies_adults_and_the_guardianship_authority_children(actors) -> None:
    adult, child = (
        _case(actors, CaseStatus.PRESUMED_VICTIM),
        _case(actors, CaseStatus.PRESUMED_VICTIM, child=True),
    )
    with pytest.raises(PermissionDenied):
        case_transition(
            user=actors["manager"],
            case=adult,
            expected_version=1,
            to=CaseStatus.IDENTIFIED,
            **DECISION,
        )
    with pytest.raises(PermissionDenied):
        case_transition(
            user=actors["centre"],
            case=child,
            expected_version=1,
            to=CaseStatus.IDENTIFIED,
            **DECISION,
        )
    case_transition(
        user=actors["centre"], case=adult, expected_version=1, to=CaseStatus.IDENTIFIED, **DECISION
    )
    case_transition(
        user=actors["manager"], case=child, expected_version=1, to=CaseStatus.IDENTIFIED, **DECISION
    )
    other = UserFactory(
        role=Role.CASE_MANAGER, institution=InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE)
    )
    late = _case(actors, CaseStatus.PRESUMED_VICTIM, child=True)
    with pytest.raises(PermissionDenied):  # another municipality's centre is not the guardian here
        case_transition(
            user=other, case=late, expected_version=1, to=CaseStatus.NOT_IDENTIFIED, **DECISION
        )


def test_a_decision_needs_its_date_panel_and_reasons(actors) -> None:
    case = _case(actors, CaseStatus.PRESUMED_VICTIM)
    with pytest.raises(ValidationError):
        case_transition(
            user=actors["centre"],
            case=case,
            expected_version=1,
            to=CaseStatus.IDENTIFIED,
            decided_on=date(2026, 11, 2),
        )
    with pytest.raises(ValidationError):
        case_transition(
            user=actors["supervisor"], case=case, expected_version=1, to=CaseStatus.CLOSED
        )


def test_reopening_returns_to_the_status_before_closing(actors) -> None:
    case = _case(actors, CaseStatus.PROTECTION)
    case_transition(
        user=actors["supervisor"],
        case=case,
        expected_version=1,
        to=CaseStatus.CLOSED,
        close_reason="lost_contact",
    )
    with pytest.raises(PermissionDenied):
        case_reopen(user=actors["manager"], case=case, expected_version=2, reason="Јавила се")
    case_reopen(user=actors["supervisor"], case=case, expected_version=2, reason="Јавила се")
    case.refresh_from_db()
    assert (case.status, case.close_reason) == (CaseStatus.PROTECTION, "")


def test_decision_reasons_are_encrypted_at_rest(actors) -> None:
    from django.db import connection

    case = _case(actors, CaseStatus.PRESUMED_VICTIM)
    case_transition(
        user=actors["centre"], case=case, expected_version=1, to=CaseStatus.IDENTIFIED, **DECISION
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT decision_reasons FROM cases_case WHERE id = %s", [case.pk])
        (raw,) = cursor.fetchone()
    assert "Индикатори" not in raw
