"""Filters other apps' lists share: by municipality and by institution, offered in the
Serbian alphabet's order of the page's script."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from spona.core.collation import in_serbian_order
from spona.institutions.models import Institution, Municipality


def _municipalities(request: Any) -> QuerySet[Municipality]:
    return in_serbian_order(Municipality.objects.all(), str)


def _institutions(request: Any) -> QuerySet[Institution]:
    return in_serbian_order(Institution.objects.filter(is_active=True), str)


def municipality_filter(field: str = "municipality") -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        # django-filter takes a callable (evaluated per request); its stubs know only querysets
        field_name=field,
        queryset=_municipalities,  # type: ignore[arg-type]
        label=_("municipality"),
    )


def institution_filter(field: str, label: Any = None) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=field,
        queryset=_institutions,  # type: ignore[arg-type]
        label=label or _("institution"),
    )
