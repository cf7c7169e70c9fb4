"""The coordinator adapts the mandate matrix of their own municipality."""

from spona.accounts.models import User
from spona.institutions.access import coordinates
from spona.institutions.models import Municipality
from spona.policy import Permission

MANDATE_MANAGE = Permission[Municipality]("mandate_manage")


@MANDATE_MANAGE.rule
def _may_adapt(user: User, municipality: Municipality | None) -> bool:
    return coordinates(user, municipality)
