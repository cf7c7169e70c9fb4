"""Writes: a coordinator adapts one cell of their municipality's mandate matrix."""

from django.db import transaction

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.coordination.access import MANDATE_MANAGE
from spona.coordination.defaults import PHASES
from spona.coordination.models import Mandate
from spona.coordination.selectors import matrix
from spona.institutions.models import Municipality
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
