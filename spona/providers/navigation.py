"""What this app offers on the Integration phase page and on the case page."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.cases.models import Case
from spona.cases.panels import Panel, add_panel
from spona.core.phases import Phase, Tool, offer
from spona.core.prepared import Later
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


def _case_services(user: User, case: Case) -> Later[dict[str, Any] | None]:
    may_record = can(user, DELIVERY_RECORD, case)
    may_request = can(user, SERVICE_REQUEST, case)
    if not may_record and not may_request:
        return Later.known(None)
    nothing: Later[list[Any]] = Later.known([])
    return Later.of(
        lambda deliveries, requests, offers: {
            "deliveries": deliveries,
            "requests": requests,
            "offers": offers,
            "may_record": may_record,
            "may_request": may_request,
        },
        selectors.case_deliveries(user=user, case=case) if may_record else nothing,
        selectors.case_requests(user=user, case=case),
        selectors.case_offer_suggestions(user=user, case=case) if may_request else nothing,
    )


add_panel(Panel("providers/case_panel.html", _case_services))
