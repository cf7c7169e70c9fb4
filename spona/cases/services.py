"""Writes for cases and referrals. The coordination module adds the rest of the workflow."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import record
from spona.cases.models import Case, CaseEvent, CaseStatus, Referral
from spona.institutions.models import Institution, InstitutionType
from spona.people.models import Person

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
