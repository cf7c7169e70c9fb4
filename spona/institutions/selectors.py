"""Reads of reference data and institutions. Reference data is public within Spona."""

from django.db.models import QuerySet

from spona.institutions.models import Institution, Municipality


def municipality_list() -> QuerySet[Municipality]:
    return Municipality.objects.select_related("district")


def institution_directory(*, municipality: Municipality | None = None) -> QuerySet[Institution]:
    """Active institutions with their duty contacts, national ones included."""
    qs = Institution.objects.filter(is_active=True).select_related("municipality")
    if municipality is not None:
        qs = qs.filter(municipality__in=[municipality]) | qs.filter(municipality__isnull=True)
    return qs
