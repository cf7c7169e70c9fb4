"""Writes: a coordinator adapts one cell of their municipality's mandate matrix; the alert that
an institution with a duty has nobody to receive what is sent to it."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from spona.accounts.models import User
from spona.accounts.selectors import without_receivers
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.coordination.access import MANDATE_MANAGE
from spona.coordination.defaults import DEFAULT_MATRIX, PHASES
from spona.coordination.models import Mandate, MandateRole
from spona.coordination.selectors import matrix
from spona.core.roles import Role
from spona.inbox.kinds import NotificationKind
from spona.inbox.models import Notification
from spona.inbox.services import notify
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.policy import require


@transaction.atomic
def mandate_set(
    *,
    user: User,
    municipality: Municipality,
    institution_type: str,
    phase: str,
    role: str,
    note: str,
) -> Mandate:
    """Set one cell; the audit keeps what it was before."""
    require(user, MANDATE_MANAGE, municipality)
    before = matrix(municipality)[institution_type][PHASES.index(phase)]
    mandate, _created = Mandate.objects.update_or_create(
        municipality=municipality,
        institution_type=institution_type,
        phase=phase,
        defaults={"role": role, "note": note},
    )
    details = {"type": institution_type, "phase": phase, "from": before.role, "to": role}
    audit(AuditAction.UPDATE, mandate, user=user, details=details)
    return mandate


def _alerted_today(institution: Institution) -> bool:
    since = timezone.now() - timedelta(days=1)
    return Notification.objects.filter(
        kind=NotificationKind.CANNOT_RECEIVE,
        params__institution_pk=str(institution.pk),
        created_at__gte=since,
    ).exists()


def cannot_receive_alert(institution: Institution) -> bool:
    """Tell the municipality's coordinators (the Centre's supervisors for a national
    institution) and the institution's own admins that nobody can answer for it, at most once a
    day. Returns whether an alert went out."""
    if _alerted_today(institution):
        return False
    if institution.municipality_id is None:
        responsible = Q(institution__type=InstitutionType.NATIONAL_CENTRE, role=Role.SUPERVISOR)
    else:
        responsible = Q(
            institution__municipality=institution.municipality_id, role=Role.COORDINATOR
        )
    recipients = User.objects.filter(
        responsible | Q(institution=institution, role=Role.INSTITUTION_ADMIN), is_active=True
    )
    notify(
        recipients=recipients,
        kind=NotificationKind.CANNOT_RECEIVE,
        params={"institution": str(institution), "institution_pk": str(institution.pk)},
        link=reverse("coordination:who_does_what"),
    )
    return True


def alert_institutions_that_cannot_receive() -> int:
    """The daily safety net: every active institution of a type the mandate matrix gives a duty
    (leads or contributes in a phase) that has nobody able to receive raises the alert."""
    duty_types: set[str] = {
        kind for kind, row in DEFAULT_MATRIX.items() if any(code in "LC" for code, _ in row)
    }
    duty_types |= set(
        Mandate.objects.filter(role__in=[MandateRole.LEADS, MandateRole.CONTRIBUTES]).values_list(
            "institution_type", flat=True
        )
    )
    idle = without_receivers(Institution.objects.filter(is_active=True, type__in=duty_types))
    return sum(cannot_receive_alert(institution) for institution in idle)
