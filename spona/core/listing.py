"""Lists that search, filter and page: one FilterSet (django-filter) per list, in the owning
app's ``filters.py``, and one page of the filtered rows. A list of person-level data audits
only the page it shows (``audit_listed`` on ``page.object_list``)."""

import copy
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

PAGE_SIZE = 25


class ListFilters(django_filters.FilterSet):
    """A list's search and filters (every list's ``FilterSet`` is one), made on every view of
    the list for a fraction of django-filter's cost, which was a tenth of a list page: the
    declared filters are copied one level deep (their querysets, widgets and choices shared,
    as they are never changed), not deep-copied, and the form class is made once per process
    for each list, not on every view (a new class each time). Both hold only what the code
    declares (labels, choices, the rows a filter accepts), so a filter must not depend on the
    request: a ``queryset`` given as a function of the request is refused. Each view still
    gets a form of its own (Django deep-copies the form class's fields into it). The filters
    are copied when first asked: an unbound list's, written from its form class
    (``filter_fields``), never are."""

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[Any] | None = None,
        *,
        request: Any = None,
        prefix: str | None = None,
    ) -> None:
        # django-filter's, with _copied for copy.deepcopy
        if queryset is None:
            queryset = self._meta.model._default_manager.all()  # type: ignore[attr-defined]
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix

    @cached_property
    def filters(self) -> OrderedDict[str, django_filters.Filter]:  # type: ignore[override]
        copied = OrderedDict(
            (name, _copied(declared)) for name, declared in self.base_filters.items()
        )
        for filter_ in copied.values():
            filter_.model = self.queryset.model  # type: ignore[attr-defined,union-attr]
            filter_.parent = self  # type: ignore[attr-defined]
        return copied

    def get_form_class(self) -> type[forms.Form]:
        made = _FORM_CLASSES.get(type(self))
        if made is None:
            for name, filter_ in self.filters.items():
                if callable(getattr(filter_, "queryset", None)):
                    raise TypeError(f"{type(self).__name__}.{name}: a queryset of the request")
            made = _FORM_CLASSES[type(self)] = super().get_form_class()
        return made


#: ListFilters class -> its form class
_FORM_CLASSES: dict[type[ListFilters], type[forms.Form]] = {}


def _copied(declared: django_filters.Filter) -> django_filters.Filter:
    """A filter of a view's own: its attributes copied (its field's arguments too, which
    django-filter's model choice filter sets), and a method filter calling this copy."""
    filter_ = copy.copy(declared)
    filter_.extra = dict(declared.extra)
    if declared.method is not None:
        filter_.method = declared.method
    return filter_


@dataclass(frozen=True)
class Listing[T]:
    """A filtered list: its filter form (to render above the table) and the page shown."""

    filters: ListFilters
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
    the end); a page number that is not a number shows the first page.

    The first page of a query is read with one row more than a page: when that row is not
    there, the rows are the whole list, and their number is the count the page shows, which
    is then not asked of the database (most lists of a team fit on one page)."""
    size = per_page or PAGE_SIZE
    if isinstance(rows, QuerySet) and params.get(page_param) in (None, "1"):
        return first_page(list(rows[: size + 1]), rows.count, per_page=size)
    paginator: Paginator[T] = Paginator(rows, size, allow_empty_first_page=True)
    page = paginator.get_page(params.get(page_param))
    page.object_list = list(page.object_list)  # read once: audited, then shown
    return page


def first_page[T](
    first: list[T], count: Callable[[], int], *, per_page: int | None = None
) -> Page[T]:
    """The first page of a list whose first rows (a page and one row more) are read already
    (by :func:`page_of`, or by a prepared query, ``spona.core.prepared``): when that row is
    not there, the rows are the whole list and their number its count, not asked of the
    database; else ``count`` asks how many there are."""
    size = per_page or PAGE_SIZE
    paginator: Paginator[T] = Paginator(first, size, allow_empty_first_page=True)
    paginator.count = len(first) if len(first) <= size else count()
    page = paginator.page(1)
    page.object_list = first[:size]
    return page


def listing[T](
    filterset_class: type[ListFilters],
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
