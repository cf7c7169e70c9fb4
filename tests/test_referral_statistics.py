"""Who refers, how fast: counts by referring institution type, medians, overdue referrals;
exact for the Centre and the coordinator, small cells suppressed for analysts."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spona.accounts.models import Role
from spona.cases.models import CaseEvent, Referral
from spona.cases.services import case_open_for_presumed_victim, case_transition
from spona.cases.statistics import referral_statistics
from spona.institutions.models import InstitutionType
from spona.signals.models import Signal
from spona.signals.services import signal_raise
from tests.factories import InstitutionFactory, MunicipalityFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _open(user, *, signal=None):
    person = PersonFactory(registered_by=user)
    origin = {"signal": signal.pk} if signal else {}
    return case_open_for_presumed_victim(user=user, person=person, is_child=False, origin=origin)


@pytest.fixture
def referrals(municipality):
    """12 cases referred to the Centre by the police and 3 by the social welfare centre."""
    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    csr = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    officer = UserFactory(role=Role.CENTRE_OFFICER, institution=centre)
    inspector = UserFactory(role=Role.CASE_MANAGER, institution=police)
    manager = UserFactory(role=Role.CASE_MANAGER, institution=csr)
    cases = [_open(inspector) for _ in range(12)] + [_open(manager) for _ in range(3)]
    return {"officer": officer, "cases": cases, "municipality": municipality, "csr": csr}


def _by_type(stats):
    return {str(row.label): row.count for row in stats.sources}


def test_the_centre_sees_exact_counts_and_shares_including_zeros(referrals) -> None:
    stats = referral_statistics(user=referrals["officer"])
    counts = _by_type(stats)
    assert counts[str(InstitutionType.POLICE.label)] == 12
    assert counts[str(InstitutionType.SOCIAL_WELFARE.label)] == 3
    assert counts[str(InstitutionType.SCHOOL.label)] == 0
    assert counts[str(InstitutionType.HEALTH.label)] == 0
    police = next(r for r in stats.sources if r.label == InstitutionType.POLICE.label)
    assert (stats.total, police.share) == (15, 80.0)


def test_analysts_get_small_cells_suppressed(referrals, make_user) -> None:
    stats = referral_statistics(user=make_user(Role.ANALYST))
    counts = _by_type(stats)
    assert counts[str(InstitutionType.SOCIAL_WELFARE.label)] is None
    shown = [c for c in counts.values() if c is not None] + [stats.total]
    assert not any(value is not None and 0 < value < 11 for value in shown)
    # one suppressed cell would be given away by the total: a second one is hidden
    assert sum(c is None for c in counts.values()) + (stats.total is None) >= 2
    assert stats.overdue is None


def test_the_coordinator_sees_the_own_municipality_only(referrals) -> None:
    elsewhere = InstitutionFactory(type=InstitutionType.POLICE, municipality=MunicipalityFactory())
    _open(UserFactory(role=Role.CASE_MANAGER, institution=elsewhere))
    coordinator = UserFactory(
        role=Role.COORDINATOR,
        institution=InstitutionFactory(
            type=InstitutionType.LOCAL_GOVERNMENT, municipality=referrals["municipality"]
        ),
    )
    assert referral_statistics(user=coordinator).total == 15
    assert referral_statistics(user=referrals["officer"]).total == 16


def test_medians_from_signal_to_referral_to_answer_and_to_decision(referrals) -> None:
    officer = referrals["officer"]
    raiser = UserFactory(role=Role.FRONTLINE, institution=referrals["csr"])
    cases = []
    for hours in (2, 4, 9):
        signal = signal_raise(
            user=raiser, municipality=referrals["municipality"], what_seen="Сумња"
        )
        Signal.objects.filter(pk=signal.pk).update(
            created_at=timezone.now() - timedelta(hours=hours)
        )
        cases.append(
            _open(UserFactory(role=Role.CASE_MANAGER, institution=referrals["csr"]), signal=signal)
        )
    decided = cases[2]
    CaseEvent.objects.filter(case=decided).update(at=timezone.now() - timedelta(hours=6))
    Referral.objects.filter(case=decided).update(sent_at=timezone.now() - timedelta(hours=6))
    for case, hours in zip(cases, (1, 3, 5), strict=True):
        referral = case.referrals.get()
        Referral.objects.filter(pk=referral.pk).update(
            answered_at=referral.sent_at + timedelta(hours=hours)
        )
    case_transition(
        user=officer,
        case=decided,
        expected_version=1,
        to="identified",
        decided_on=timezone.localdate(),
        decision_panel="Комисија Центра",
        decision_reasons="Индикатори потврђени",
    )
    stats = referral_statistics(user=officer)
    assert stats.signal_to_referral.n == 3
    assert 2.9 < stats.signal_to_referral.hours < 3.1
    assert stats.referral_to_answer.n == 3
    assert stats.referral_to_answer.hours == 3.0
    assert stats.referral_to_decision.n == 1
    assert 5.9 < stats.referral_to_decision.hours < 6.1


def test_overdue_referrals_are_counted_and_listed_by_case_code(referrals, client) -> None:
    late = referrals["cases"][0].referrals.get()
    Referral.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    stats = referral_statistics(user=referrals["officer"])
    assert stats.overdue_count == 1
    assert stats.overdue == [late]
    client.force_login(referrals["officer"])
    page = client.get(reverse("cases:referral_statistics")).content.decode()
    assert referrals["cases"][0].code in page


def test_the_analysts_page_never_lists_a_case(referrals) -> None:
    client = Client()
    client.force_login(UserFactory(role=Role.ANALYST, institution=referrals["csr"]))
    page = client.get(reverse("cases:referral_statistics")).content.decode()
    assert "&lt;11" in page
    assert not any(case.code in page for case in referrals["cases"])
