"""Every institution the mandate matrix gives a duty can act on what reaches it (issue 13), and
roles follow from the institution's type (issue 14, finding 1).

The property runs over every institution type × every phase in which the default matrix makes
that type lead or contribute: an account with the type's receiving role can answer a referral
sent there and finds a signal routed there in its triage queue; an institution with nobody to
answer cannot be chosen, a send is refused, and the coordinator is alerted.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from spona.accounts.access import grantable_roles
from spona.accounts.models import Role, User
from spona.accounts.services import user_create, user_update
from spona.cases.forms import ReferralForm
from spona.cases.models import Case, ReferralStatus
from spona.cases.services import case_open_for_presumed_victim, referral_act, referral_send
from spona.coordination.defaults import DEFAULT_MATRIX, PHASES
from spona.coordination.services import (
    alert_institutions_that_cannot_receive,
    mandate_set,
)
from spona.core.roles import INSTITUTION_WIDE_ROLES
from spona.core.urgency import Urgency
from spona.inbox.kinds import NotificationKind
from spona.inbox.models import Notification
from spona.institutions.models import Institution, InstitutionType
from spona.institutions.roles import ROLES_BY_TYPE, role_title
from spona.policy import can, visible
from spona.signals.access import SIGNAL_TRIAGE
from spona.signals.selectors import triage_queue
from spona.signals.services import signal_assign, signal_raise
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

DUTIES = [
    (kind, phase)
    for kind, row in DEFAULT_MATRIX.items()
    for phase, (code, _note) in zip(PHASES, row, strict=True)
    if code in "LC"
]


def _receiving_role(kind: InstitutionType) -> Role:
    """The role that acts for an institution of this type (the first one the type allows)."""
    return next(role for role in Role if role in ROLES_BY_TYPE[kind] & INSTITUTION_WIDE_ROLES)


def _institution(kind: InstitutionType, municipality) -> Institution:
    national = kind == InstitutionType.NATIONAL_CENTRE
    return InstitutionFactory(type=kind, municipality=None if national else municipality)


@pytest.fixture
def sender(municipality) -> User:
    csr = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    return UserFactory(role=Role.CASE_MANAGER, institution=csr)


def _case(sender: User) -> Case:
    person = PersonFactory(registered_by=sender)
    return case_open_for_presumed_victim(user=sender, person=person, is_child=False, origin={})


@pytest.mark.parametrize(("kind", "phase"), DUTIES)
def test_every_institution_with_a_duty_can_answer_a_referral(
    kind, phase, municipality, sender
) -> None:
    target = _institution(kind, municipality)
    receiver = UserFactory(role=_receiving_role(kind), institution=target)
    case = _case(sender)
    referral = case.referrals.filter(to_institution=target).first() or referral_send(
        user=sender, case=case, to=target, reason=f"{phase} support", urgency=Urgency.NORMAL
    )

    assert visible(receiver, Case).filter(pk=case.pk).exists()
    accepted = referral_act(
        user=receiver, referral=referral, expected_version=referral.version, action="accept"
    )
    done = referral_act(
        user=receiver, referral=accepted, expected_version=accepted.version, action="complete"
    )
    assert done.status == ReferralStatus.COMPLETED


@pytest.mark.parametrize(("kind", "phase"), DUTIES)
def test_every_institution_with_a_duty_can_decline_with_a_reason(
    kind, phase, municipality, sender
) -> None:
    target = _institution(kind, municipality)
    receiver = UserFactory(role=_receiving_role(kind), institution=target)
    case = _case(sender)
    referral = case.referrals.filter(to_institution=target).first() or referral_send(
        user=sender, case=case, to=target, reason=f"{phase} support", urgency=Urgency.NORMAL
    )
    declined = referral_act(
        user=receiver,
        referral=referral,
        expected_version=referral.version,
        action="decline",
        reason="no capacity this month",
    )
    assert declined.status == ReferralStatus.DECLINED


@pytest.mark.parametrize(("kind", "phase"), DUTIES)
def test_a_signal_routed_to_an_institution_with_a_duty_is_in_its_triage_queue(
    kind, phase, municipality, sender
) -> None:
    target = _institution(kind, municipality)
    receiver = UserFactory(role=_receiving_role(kind), institution=target)
    signal = signal_raise(
        user=sender, municipality=municipality, what_seen="a child begging at night"
    )
    signal_assign(user=sender, signal=signal, expected_version=signal.version, institution=target)

    assert signal in triage_queue(user=receiver)
    assert can(receiver, SIGNAL_TRIAGE, signal)


@pytest.mark.parametrize("kind", list(InstitutionType))
def test_an_institution_without_anyone_to_answer_cannot_be_chosen(
    kind, municipality, sender
) -> None:
    coordinator = UserFactory(
        role=Role.COORDINATOR,
        institution=InstitutionFactory(
            type=InstitutionType.LOCAL_GOVERNMENT, municipality=municipality
        ),
    )
    idle = _institution(kind, municipality)
    UserFactory(role=Role.FRONTLINE, institution=idle)  # meets people, cannot answer for it
    case = _case(sender)
    case.referrals.filter(to_institution=idle).delete()

    offered = ReferralForm(sender_id=sender.institution_id).fields["to"].choices
    assert idle.pk not in [key for key, _label in offered]
    sent = {"to": idle.pk, "reason": "housing", "urgency": Urgency.NORMAL}
    assert "to" in ReferralForm(sent, sender_id=sender.institution_id).errors
    with pytest.raises(ValidationError):
        referral_send(user=sender, case=case, to=idle, reason="housing", urgency=Urgency.NORMAL)
    assert not case.referrals.filter(to_institution=idle).exists()
    if idle.municipality_id is not None:
        alert = coordinator.notifications.get(kind=NotificationKind.CANNOT_RECEIVE)
        assert str(idle) in alert.subject


def test_the_referral_form_names_the_institutions_that_cannot_receive(municipality, sender) -> None:
    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    client = Client()
    client.force_login(sender)
    page = client.get(reverse("cases:case_detail", args=[_case(sender).code]))
    assert police.name in page.content.decode()
    assert '<p class="notice" id="unreachable">' in page.content.decode()


def test_the_daily_sweep_alerts_once_a_day(municipality) -> None:
    local = InstitutionFactory(type=InstitutionType.LOCAL_GOVERNMENT, municipality=municipality)
    coordinator = UserFactory(role=Role.COORDINATOR, institution=local)
    InstitutionFactory(type=InstitutionType.HEALTH, municipality=municipality)
    assert alert_institutions_that_cannot_receive() >= 1
    assert alert_institutions_that_cannot_receive() == 0
    assert coordinator.notifications.filter(kind=NotificationKind.CANNOT_RECEIVE).exists()
    assert Notification.objects.filter(kind=NotificationKind.CANNOT_RECEIVE).count() >= 1


def test_triage_follows_the_matrix_identification_leads(municipality) -> None:
    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    ngo = InstitutionFactory(type=InstitutionType.NGO, municipality=municipality)
    duty_officer = UserFactory(role=Role.CASE_MANAGER, institution=police)
    ngo_worker = UserFactory(role=Role.CASE_MANAGER, institution=ngo)
    teacher = UserFactory(
        role=Role.FRONTLINE,
        institution=InstitutionFactory(type=InstitutionType.SCHOOL, municipality=municipality),
    )
    signal = signal_raise(user=teacher, municipality=municipality, what_seen="seen")

    assert signal in triage_queue(user=duty_officer)
    assert signal not in triage_queue(user=ngo_worker)
    assert not triage_queue(user=teacher).exists()

    coordinator = UserFactory(
        role=Role.COORDINATOR,
        institution=InstitutionFactory(
            type=InstitutionType.LOCAL_GOVERNMENT, municipality=municipality
        ),
    )
    mandate_set(
        user=coordinator,
        municipality=municipality,
        institution_type=InstitutionType.NGO,
        phase="identification",
        role="leads",
        note="",
    )
    assert signal in triage_queue(user=ngo_worker)


def test_a_police_case_manager_is_called_a_duty_officer(municipality) -> None:
    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    officer = UserFactory(role=Role.CASE_MANAGER, institution=police)
    with translation.override("en"):
        assert role_title(Role.CASE_MANAGER, InstitutionType.POLICE) == "Duty officer"
    client = Client()
    client.force_login(officer)
    assert "Дежурни службеник" in client.get(reverse("workspace:home")).content.decode()


# --- issue 14, finding 1: roles follow from the institution's type and level ---------------


def test_finding_01_a_municipal_admin_cannot_create_a_centre_officer(municipality) -> None:
    csr = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    admin = UserFactory(role=Role.INSTITUTION_ADMIN, institution=csr)
    assert Role.CENTRE_OFFICER not in grantable_roles(admin, csr)
    with pytest.raises((PermissionDenied, ValidationError)):
        user_create(user=admin, username="escalated", role=Role.CENTRE_OFFICER, institution=csr)
    assert not User.objects.filter(username="escalated").exists()


def test_finding_01_a_municipal_admin_cannot_edit_an_account_into_a_centre_officer(
    municipality,
) -> None:
    csr = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    admin = UserFactory(role=Role.INSTITUTION_ADMIN, institution=csr)
    worker = UserFactory(role=Role.FRONTLINE, institution=csr)
    worker.role = Role.CENTRE_OFFICER
    with pytest.raises((PermissionDenied, ValidationError)):
        user_update(user=admin, target=worker, expected_version=worker.version, changed=["role"])
    worker.refresh_from_db()
    assert worker.role == Role.FRONTLINE


def test_finding_01_the_form_route_is_refused_too(municipality) -> None:
    csr = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    admin = UserFactory(role=Role.INSTITUTION_ADMIN, institution=csr)
    client = Client()
    client.force_login(admin)
    client.post(
        reverse("accounts_manage:user_create"),
        {"username": "escalated", "role": Role.CENTRE_OFFICER, "institution": csr.pk},
    )
    assert not User.objects.filter(username="escalated").exists()


def test_finding_01_only_the_centres_own_admin_makes_centre_officers() -> None:
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    centre_admin = UserFactory(role=Role.INSTITUTION_ADMIN, institution=centre)
    system_admin = UserFactory(role=Role.SYSTEM_ADMIN, institution=None)
    issued = user_create(
        user=centre_admin, username="officer", role=Role.CENTRE_OFFICER, institution=centre
    )
    assert issued.user.role == Role.CENTRE_OFFICER
    with pytest.raises(PermissionDenied):
        user_create(
            user=system_admin, username="officer2", role=Role.CENTRE_OFFICER, institution=centre
        )


def test_finding_01_an_admin_grants_only_in_their_own_institution(municipality) -> None:
    csr = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    other = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    admin = UserFactory(role=Role.INSTITUTION_ADMIN, institution=csr)
    assert grantable_roles(admin, other) == []
    with pytest.raises(PermissionDenied):
        user_create(user=admin, username="x", role=Role.CASE_MANAGER, institution=other)


@pytest.mark.parametrize("kind", list(InstitutionType))
def test_every_institution_type_has_a_role_that_acts_for_it(kind) -> None:
    assert ROLES_BY_TYPE[kind] & INSTITUTION_WIDE_ROLES


@pytest.mark.parametrize(
    "kind",
    [
        InstitutionType.POLICE,
        InstitutionType.EMPLOYMENT,
        InstitutionType.HEALTH,
        InstitutionType.NGO,
    ],
)
def test_a_receiver_answers_from_the_pages(kind, municipality, sender) -> None:
    """The police duty officer (and an employment counsellor, a health worker, an NGO case
    worker) reaches the case list, the signal list, the case referred to them, and accepts."""
    target = _institution(kind, municipality)
    receiver = UserFactory(role=_receiving_role(kind), institution=target)
    case = _case(sender)
    referral = referral_send(
        user=sender, case=case, to=target, reason="support", urgency=Urgency.URGENT
    )
    client = Client()
    client.force_login(receiver)
    for url in (
        reverse("workspace:home"),
        reverse("cases:case_list"),
        reverse("signals:signal_list"),
        reverse("cases:case_detail", args=[case.code]),
    ):
        assert client.get(url).status_code == 200, url
    client.post(
        reverse("cases:referral_act", args=[referral.pk, "accept"]),
        {"version": referral.version},
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
