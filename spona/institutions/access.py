"""The directory and the register are open to every signed-in user; system admins manage
institutions."""

from typing import TYPE_CHECKING

from django.db.models import Q

from spona.core.roles import Role
from spona.institutions.models import Institution, Municipality
from spona.policy import ALL, Permission, rows

if TYPE_CHECKING:
    from spona.accounts.models import User

VIEW_DIRECTORY = Permission[None]("view_directory")
MANAGE_INSTITUTIONS = Permission[Institution]("manage_institutions")


@VIEW_DIRECTORY.rule
def _may_view_directory(user: "User", obj: None) -> bool:
    return True


@MANAGE_INSTITUTIONS.rule
def _may_manage_institutions(user: "User", institution: Institution | None) -> bool:
    return user.role == Role.SYSTEM_ADMIN


@rows(Institution)
def _institutions(user: "User") -> Q:
    return ALL


@rows(Municipality)
def _municipalities(user: "User") -> Q:
    return ALL


def home_municipality(user: "User") -> int | None:
    """The municipality of the user's institution (``None`` for national ones and admins)."""
    return user.institution.municipality_id if user.institution else None


def coordinates(user: "User", municipality: Municipality | None) -> bool:
    """The local coordinator acts for their own municipality."""
    if user.role != Role.COORDINATOR or home_municipality(user) is None:
        return False
    return municipality is None or municipality.pk == home_municipality(user)
