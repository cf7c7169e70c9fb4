"""The case list's and the incoming referrals' search and filters."""

import django_filters
from django.utils.translation import gettext_lazy as _

from spona.cases.models import Case, CaseStatus, Referral, ReferralStatus
from spona.core.forms import KeptWhenEmpty, ManyOptionsSelect
from spona.core.listing import ListFilters, code_search, date_from, date_to
from spona.core.urgency import Urgency
from spona.institutions.filters import institution_filter, municipality_filter


class CaseFilter(ListFilters):
    q = code_search("code", "person__code")
    status = django_filters.ChoiceFilter(
        choices=CaseStatus.choices, label=_("status"), widget=ManyOptionsSelect
    )
    municipality = municipality_filter()
    institution = institution_filter("opened_by_institution", _("lead institution"))
    since = date_from("created_at", _("opened from"))
    until = date_to("created_at", _("opened until"))

    class Meta:
        model = Case
        fields: list[str] = []
        form = KeptWhenEmpty


class ReferralFilter(ListFilters):
    q = code_search("case__code")
    status = django_filters.ChoiceFilter(
        choices=ReferralStatus.choices, label=_("status"), widget=ManyOptionsSelect
    )
    urgency = django_filters.ChoiceFilter(
        choices=Urgency.choices, label=_("urgency"), widget=ManyOptionsSelect
    )
    municipality = municipality_filter("case__municipality")
    institution = institution_filter("from_institution", _("referred by"))
    since = date_from("sent_at", _("sent from"))
    until = date_to("sent_at", _("sent until"))

    class Meta:
        model = Referral
        fields: list[str] = []
        form = KeptWhenEmpty
