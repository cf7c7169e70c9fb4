"""Lists that search, filter and page: one FilterSet (django-filter) per list, in the owning
app's ``filters.py``, and one page of the filtered rows. A list of person-level data audits
only the page it shows (``audit_listed`` on ``page.object_list``)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

PAGE_SIZE = 25


@dataclass(frozen=True)
class Listing[T]:
    """A filtered list: its filter form (to render above the table) and the page shown."""

    filters: django_filters.FilterSet
    page: Page[T]
    page_param: str

    @property
    def rows(self) -> list[T]:
        return list(self.page.object_list)


def page_of[T](
    rows: QuerySet[Any] | Sequence[T],
    params: Mapping[str, Any],
    *,
    page_param: str = "page",
    per_page: int | None = None,
) -> Page[T]:
    """The page of ``rows`` named by ``params[page_param]`` (the first, or the last if past
    the end); a page number that is not a number shows the first page."""
    paginator: Paginator[T] = Paginator(rows, per_page or PAGE_SIZE, allow_empty_first_page=True)
    page = paginator.get_page(params.get(page_param))
    page.object_list = list(page.object_list)  # read once: audited, then shown
    return page


def listing[T](
    filterset_class: type[django_filters.FilterSet],
    queryset: QuerySet[Any],
    params: Mapping[str, Any] | None,
    *,
    prefix: str | None = None,
    page_param: str | None = None,
    per_page: int | None = None,
    request: Any = None,
) -> Listing[T]:
    """Filter ``queryset`` by ``params`` (the request's GET) and take one page of it. Invalid
    filter values are shown as errors on the form and filter nothing."""
    data = params if isinstance(params, QueryDict | dict) or params is None else dict(params)
    filters = filterset_class(data or None, queryset=queryset, prefix=prefix, request=request)
    rows = filters.qs if filters.is_bound and filters.is_valid() else queryset
    page_param = page_param or (f"{prefix}-page" if prefix else "page")
    page: Page[T] = page_of(rows, params or {}, page_param=page_param, per_page=per_page)
    return Listing(filters=filters, page=page, page_param=page_param)


class DateInput(forms.DateInput):
    input_type = "date"


def date_from(
    field: str, label: Any = None, *, of_datetime: bool = True
) -> django_filters.DateFilter:
    """Rows on or after a date (of a date-time field, or of a date field)."""
    lookup = "date__gte" if of_datetime else "gte"
    return django_filters.DateFilter(
        field_name=field, lookup_expr=lookup, label=label or _("from"), widget=DateInput
    )


def date_to(
    field: str, label: Any = None, *, of_datetime: bool = True
) -> django_filters.DateFilter:
    """Rows on or before a date (of a date-time field, or of a date field)."""
    lookup = "date__lte" if of_datetime else "lte"
    return django_filters.DateFilter(
        field_name=field, lookup_expr=lookup, label=label or _("until"), widget=DateInput
    )


def code_search(*fields: str) -> django_filters.CharFilter:
    """A search by code (part of it is enough), over each of ``fields``."""

    def search(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        match = Q()
        for field in fields:
            match |= Q(**{f"{field}__icontains": value})
        return queryset.filter(match)

    return django_filters.CharFilter(method=search, label=_("search by code"))
