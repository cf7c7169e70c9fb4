"""What this app offers on the Integration phase page and on the case page."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.cases.models import Case
from spona.cases.panels import Panel, add_panel
from spona.core.phases import Phase, Tool, offer
from spona.policy import can
from spona.providers import selectors
from spona.providers.access import (
    DELIVERY_RECORD,
    DIRECTORY_VIEW,
    NEEDS_VIEW,
    PROVIDER_EDIT,
    SERVICE_REQUEST,
)

offer(
    Tool(
        Phase.INTEGRATION,
        "providers:directory",
        _("Directory of services and employers"),
        _(
            "Shelters, NGOs, health and psychological services, legal aid and employers' offers, per municipality; HSDS export."
        ),
        DIRECTORY_VIEW,
    ),
    Tool(
        Phase.INTEGRATION,
        "providers:offer_add",
        _("Add an employer's offer"),
        _("A job, an internship or a training, with its employer, in one short form."),
        PROVIDER_EDIT,
    ),
    Tool(
        Phase.INTEGRATION,
        "providers:needs",
        _("Cost of integration and unmet needs"),
        _(
            "This year's cost per domain, domains without a provider, waiting times and declined requests."
        ),
        NEEDS_VIEW,
    ),
)


#: what the case page's panel shows of a delivery, with its provider's and service's names
_DELIVERY_SHOWN = [
    "provider", "provider__institution", "service", "domain", "support_type", "started_on",
    "ended_on", "status", "cost", "funder", "outcome",
]  # fmt: skip


def _case_services(user: User, case: Case) -> dict[str, Any] | None:
    may_record = can(user, DELIVERY_RECORD, case)
    may_request = can(user, SERVICE_REQUEST, case)
    if not may_record and not may_request:
        return None
    # the columns the panel shows (each related row's name or title), not every column
    deliveries = selectors.case_deliveries(user=user, case=case).only(
        *_DELIVERY_SHOWN, "provider__institution__name", "service__name"
    )
    requests = selectors.case_requests(user=user, case=case).only(
        "domain", "referral", "referral__status", "referral__to_institution",
        "referral__to_institution__name", "service", "service__name", "offer", "offer__title",
    )  # fmt: skip
    offers = (
        selectors.offer_suggestions(user=user, case=case)
        .select_related(None)
        .select_related("provider__institution")
        .only("kind", "title", "places", "apply_by", "provider", "provider__institution__name")
    )
    return {
        "deliveries": deliveries if may_record else [],
        "requests": requests,
        "offers": offers[:10] if may_request else [],
        "may_record": may_record,
        "may_request": may_request,
    }


add_panel(Panel("providers/case_panel.html", _case_services))
