"""Writes for cases and referrals. The coordination module adds the rest of the workflow."""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import record
from spona.cases.models import Case, CaseEvent, CaseEventKind, CaseStatus, Referral
from spona.cases.referrals import ACTIONS
from spona.cases.workflow import NEEDS
from spona.core.locking import save_versioned
from spona.institutions.models import Institution, InstitutionType
from spona.people.models import Person
from spona.policy import Action, require

REQUIRED = _("This field is required for this change of status.")
REFERRAL_DUE = {
    "immediate": timedelta(hours=1),
    "urgent": timedelta(hours=24),
    "normal": timedelta(days=7),
}


def _referral_send(*, case: Case, by: User, to: Institution, reason: str, urgency: str) -> Referral:
    assert by.institution is not None  # noqa: S101 - only institution users open cases
    referral = Referral.objects.create(
        case=case,
        from_institution=by.institution,
        to_institution=to,
        reason=reason,
        urgency=urgency,
        sent_by=by,
        due_at=timezone.now() + REFERRAL_DUE[urgency],
    )
    CaseEvent.objects.create(
        case=case, kind="referral_sent", actor=by, details={"to": to.pk, "referral": referral.pk}
    )
    record(AuditAction.CREATE, referral, user=by)
    return referral


def _centre() -> Institution | None:
    return Institution.objects.filter(type=InstitutionType.NATIONAL_CENTRE, is_active=True).first()


def _guardianship(case: Case) -> Institution | None:
    return Institution.objects.filter(
        type=InstitutionType.SOCIAL_WELFARE, municipality=case.municipality_id, is_active=True
    ).first()


@transaction.atomic
def case_open_for_presumed_victim(
    *, by: User, person: Person, is_child: bool, origin: dict[str, int]
) -> Case:
    """Open the case and refer it in one step.

    Adults go to the national Centre, which decides formal identification. For a child the
    social welfare centre (guardianship authority) decides, so it receives a referral too,
    unless it is the one opening the case; the Centre is always informed.
    """
    assert by.institution is not None  # noqa: S101
    case = Case.objects.create(
        person=person,
        status=CaseStatus.PRESUMED_VICTIM,
        is_child=is_child,
        municipality=person.municipality or by.institution.municipality,
        opened_by_institution=by.institution,
        opened_by=by,
    )
    CaseEvent.objects.create(case=case, kind="opened", actor=by, details=origin)
    record(AuditAction.CREATE, case, user=by)
    guardianship = _guardianship(case) if is_child else None
    if guardianship and guardianship.pk != by.institution_id:
        _referral_send(
            case=case, by=by, to=guardianship, reason="identification_child", urgency="immediate"
        )
    centre = _centre()
    if centre and centre.pk != by.institution_id:
        reason = "coordination_child" if is_child else "identification_adult"
        _referral_send(case=case, by=by, to=centre, reason=reason, urgency="urgent")
    return case


@transaction.atomic
def case_transition(
    *, by: User, case: Case, expected_version: int, to: str, **details: Any
) -> Case:
    """Move the case along the workflow table; the timeline and the audit log record it."""
    require(by, Action.CASE_TRANSITION, (case, to))
    missing = [name for name in NEEDS.get(to, ()) if not details.get(name)]
    if missing:
        raise ValidationError(dict.fromkeys(missing, REQUIRED))
    before = case.status
    case.status = to
    for name, value in details.items():
        setattr(case, name, value)
    save_versioned(case, expected_version=expected_version, fields=["status", *details])
    CaseEvent.objects.create(
        case=case, kind=CaseEventKind.STATUS_CHANGED, actor=by, details={"from": before, "to": to}
    )
    record(AuditAction.UPDATE, case, user=by, details={"from": before, "to": to})
    return case


@transaction.atomic
def case_reopen(*, by: User, case: Case, expected_version: int, reason: str) -> Case:
    """A closed case goes back to the status it had when it was closed."""
    require(by, Action.CASE_REOPEN, case)
    if case.status != CaseStatus.CLOSED or not reason.strip():
        raise ValidationError({"reason": REQUIRED})
    closing = case.events.filter(
        kind=CaseEventKind.STATUS_CHANGED, details__to=CaseStatus.CLOSED
    ).last()
    case.status = closing.details["from"] if closing else CaseStatus.PRESUMED_VICTIM
    case.close_reason = ""
    save_versioned(case, expected_version=expected_version, fields=["status", "close_reason"])
    CaseEvent.objects.create(
        case=case,
        kind=CaseEventKind.STATUS_CHANGED,
        actor=by,
        details={"from": CaseStatus.CLOSED, "to": case.status, "reopened": True},
    )
    record(AuditAction.UPDATE, case, user=by, details={"reopened": True})
    return case


@transaction.atomic
def referral_act(
    *, by: User, referral: Referral, expected_version: int, action: str, reason: str = ""
) -> Referral:
    """Accept, decline (with a reason), complete or revoke a referral, as the table allows."""
    require(by, Action.REFERRAL_ACT, (referral, action))
    _from, to, _who, event = ACTIONS[action]
    if action == "decline" and not reason.strip():
        raise ValidationError({"reason": REQUIRED})
    now = timezone.now()
    referral.status = to
    fields = ["status"]
    if action in {"accept", "decline"}:
        referral.answered_at, referral.answered_by, referral.decline_reason = now, by, reason
        fields += ["answered_at", "answered_by", "decline_reason"]
    if action == "complete":
        referral.completed_at = now
        fields.append("completed_at")
    save_versioned(referral, expected_version=expected_version, fields=fields)
    CaseEvent.objects.create(
        case=referral.case, kind=event, actor=by, details={"referral": referral.pk}
    )
    record(AuditAction.UPDATE, referral, user=by, details={"action": action})
    return referral
