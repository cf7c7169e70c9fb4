"""What the inbox does when a lower app announces something."""

from typing import Any

from django.dispatch import receiver
from django.urls import reverse

from spona.accounts.events import person_access_granted
from spona.accounts.models import User
from spona.core.roles import Role
from spona.inbox.kinds import NotificationKind
from spona.inbox.services import notify
from spona.institutions.models import InstitutionType


@receiver(person_access_granted, dispatch_uid="spona.inbox.person_access_granted")
def _alert_admins_and_the_centre(
    sender: Any, *, by: User, account: User, how: str, new_admin: bool, **kwargs: Any
) -> None:
    """An account got access to data about persons (finding 13). The institution's other
    admins are told every time; the Centre (its admins and supervisors) when the admin who
    did it is new, or is the institution's only admin: the two steps a system admin would
    take (a new institution admin, then a case manager) are seen by someone else."""
    active = User.objects.filter(is_active=True).exclude(pk__in=[by.pk, account.pk])
    admins = list(active.filter(role=Role.INSTITUTION_ADMIN, institution=account.institution_id))
    centre: list[User] = []
    if new_admin or not admins:
        centre = list(
            active.filter(
                institution__type=InstitutionType.NATIONAL_CENTRE,
                role__in=[Role.INSTITUTION_ADMIN, Role.SUPERVISOR],
            )
        )
    params = {
        "admin": by.get_full_name() or by.username,
        "account": account.username,
        "institution": account.institution.name if account.institution else "",
        "joined": by.date_joined,
    }
    kind = (
        NotificationKind.PERSON_ACCESS_BY_NEW_ADMIN
        if new_admin
        else NotificationKind.PERSON_ACCESS_GRANTED
    )
    notify(
        recipients=admins,
        kind=kind,
        params=params,
        link=reverse("accounts_manage:user_edit", args=[account.pk]),
    )
    notify(recipients=[u for u in centre if u not in admins], kind=kind, params=params)
