"""Referrals: the receiver accepts, declines with a reason, completes; the sender may revoke
before an answer. A declined or revoked referral takes the case away from the receiver."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from spona.accounts.models import Role
from spona.cases.models import Case, CaseEvent, ReferralStatus
from spona.cases.services import case_open_for_presumed_victim, referral_act
from spona.institutions.models import InstitutionType
from spona.policy import visible
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(municipality):
    csr = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    manager = UserFactory(role=Role.CASE_MANAGER, institution=csr)
    officer = UserFactory(role=Role.CENTRE_OFFICER, institution=centre)
    person = PersonFactory(registered_by=manager)
    case = case_open_for_presumed_victim(user=manager, person=person, is_child=False, origin={})
    return {"manager": manager, "officer": officer, "case": case, "referral": case.referrals.get()}


def test_the_centre_accepts_then_completes(sent) -> None:
    referral = referral_act(
        user=sent["officer"], referral=sent["referral"], expected_version=1, action="accept"
    )
    assert (referral.status, referral.answered_by) == (ReferralStatus.ACCEPTED, sent["officer"])
    referral_act(user=sent["officer"], referral=referral, expected_version=2, action="complete")
    kinds = list(CaseEvent.objects.filter(case=sent["case"]).values_list("kind", flat=True))
    assert kinds[-2:] == ["referral_accepted", "referral_completed"]


def test_the_sender_may_not_answer_and_the_receiver_may_not_revoke(sent) -> None:
    with pytest.raises(PermissionDenied):
        referral_act(
            user=sent["manager"], referral=sent["referral"], expected_version=1, action="accept"
        )
    with pytest.raises(PermissionDenied):
        referral_act(
            user=sent["officer"], referral=sent["referral"], expected_version=1, action="revoke"
        )


def test_declining_needs_a_reason_and_hides_the_case_from_the_receiver(sent) -> None:
    with pytest.raises(ValidationError):
        referral_act(
            user=sent["officer"], referral=sent["referral"], expected_version=1, action="decline"
        )
    referral_act(
        user=sent["officer"],
        referral=sent["referral"],
        expected_version=1,
        action="decline",
        reason="Није у надлежности",
    )
    assert sent["case"] not in visible(sent["officer"], Case)


def test_revoked_before_an_answer_then_nothing_more(sent) -> None:
    referral_act(
        user=sent["manager"], referral=sent["referral"], expected_version=1, action="revoke"
    )
    assert sent["case"] not in visible(sent["officer"], Case)
    with pytest.raises(PermissionDenied):
        referral_act(
            user=sent["officer"], referral=sent["referral"], expected_version=2, action="accept"
        )


def test_the_centre_accepts_from_the_case_page(sent) -> None:
    client = Client()
    client.force_login(sent["officer"])
    page = client.get(reverse("cases:case_detail", args=[sent["case"].code]))
    assert page.status_code == 200
    url = reverse("cases:referral_act", args=[sent["referral"].pk, "accept"])
    assert client.post(url, {"version": 1})["Location"] == reverse(
        "cases:case_detail", args=[sent["case"].code]
    )
    sent["referral"].refresh_from_db()
    assert sent["referral"].status == ReferralStatus.ACCEPTED
