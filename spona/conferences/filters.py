"""The conference and task lists' search and filters."""

import django_filters
from django.utils.translation import gettext_lazy as _

from spona.conferences.models import Conference, ConferenceStatus, Task, TaskStatus
from spona.core.listing import ListFilters, code_search, date_from, date_to
from spona.institutions.filters import institution_filter, municipality_filter


class ConferenceFilter(ListFilters):
    q = code_search("code", "case__code")
    status = django_filters.ChoiceFilter(choices=ConferenceStatus.choices, label=_("status"))
    municipality = municipality_filter()
    institution = institution_filter("convened_by_institution", _("convened by"))
    since = date_from("held_on", _("held from"))
    until = date_to("held_on", _("held until"))

    class Meta:
        model = Conference
        fields: list[str] = []


class TaskFilter(ListFilters):
    q = code_search("code", "case__code")
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("status"))
    municipality = municipality_filter("owner_institution__municipality")
    institution = institution_filter("owner_institution", _("responsible institution"))
    since = date_from("due_on", _("due from"), of_datetime=False)
    until = date_to("due_on", _("due until"), of_datetime=False)

    class Meta:
        model = Task
        fields: list[str] = []
