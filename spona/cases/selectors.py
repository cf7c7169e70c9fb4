"""Reads of cases: the case team's list, one case (audited) with its referrals and timeline."""

from django.db.models import QuerySet
from django.http import Http404

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import record
from spona.cases.models import Case, Referral
from spona.policy import visible


def case_list(*, user: User) -> QuerySet[Case]:
    return visible(user, Case).select_related("person", "opened_by_institution", "municipality")


def incoming_referrals(*, user: User) -> QuerySet[Referral]:
    return (
        visible(user, Referral)
        .filter(to_institution=user.institution_id)
        .select_related("case", "from_institution")
    )


def case_get(*, user: User, code: str) -> Case:
    case = case_list(user=user).filter(code=code).first()
    if case is None:
        raise Http404
    record(AuditAction.READ, case, user=user)
    return case
