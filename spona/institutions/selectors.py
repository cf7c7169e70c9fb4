"""Reads of reference data and of the institution directory, for pages and API alike."""

from typing import Any

from django.db.models import QuerySet

from spona.institutions.access import VIEW_DIRECTORY
from spona.institutions.models import Institution, Municipality
from spona.policy import require, visible


def municipality_list(*, user: Any) -> QuerySet[Municipality]:
    require(user, VIEW_DIRECTORY)
    return visible(user, Municipality).select_related("district")


def institution_directory(
    *, user: Any, municipality: Municipality | None = None
) -> QuerySet[Institution]:
    """Active institutions with their duty contacts; national ones are in every municipality's."""
    require(user, VIEW_DIRECTORY)
    qs = visible(user, Institution).filter(is_active=True).select_related("municipality")
    if municipality is not None:
        qs = qs.filter(municipality__in=[municipality]) | qs.filter(municipality__isnull=True)
    return qs
