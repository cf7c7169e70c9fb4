"""The signal lists' search and filters."""

import django_filters
from django.utils.translation import gettext_lazy as _

from spona.core.listing import ListFilters, code_search, date_from, date_to
from spona.core.urgency import Urgency
from spona.institutions.filters import institution_filter, municipality_filter
from spona.signals.models import Signal, Status


class SignalFilter(ListFilters):
    q = code_search("code")
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("status"))
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, label=_("urgency"))
    municipality = municipality_filter()
    institution = institution_filter("raised_by_institution", _("raised by"))
    since = date_from("created_at", _("received from"))
    until = date_to("created_at", _("received until"))

    class Meta:
        model = Signal
        fields: list[str] = []
