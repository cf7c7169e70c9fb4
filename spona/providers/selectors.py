"""Reads of the directory, of offers matched to a case, and of a case's services."""

from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from spona.accounts.models import User
from spona.accounts.selectors import with_receivers
from spona.cases.access import CASE_VIEW
from spona.cases.models import Case
from spona.core.prepared import Later, Prepared
from spona.institutions.models import Institution, Municipality
from spona.policy import require, visible
from spona.providers.access import DIRECTORY_VIEW, sees_deliveries_of, sees_requests_of
from spona.providers.models import Delivery, Offer, Provider, Service, ServiceRequest


def serving(municipality: Municipality) -> Q:
    """Services given in ``municipality``: there, at a seat there, or nationwide."""
    return (
        Q(municipality=municipality)
        | Q(municipality__isnull=True, provider__institution__municipality=municipality)
        | Q(municipality__isnull=True, provider__institution__municipality__isnull=True)
    )


def provider_directory(
    *, user: User, municipality: Municipality | None = None, domain: str = ""
) -> QuerySet[Provider]:
    """Providers of active institutions with their active services (and open offers); with a
    municipality, those serving it (national ones included)."""
    require(user, DIRECTORY_VIEW)
    services = visible(user, Service).filter(is_active=True)
    if municipality is not None:
        services = services.filter(serving(municipality))
    if domain:
        services = services.filter(domain=domain)
    providers = visible(user, Provider).filter(institution__is_active=True)
    offers = visible(user, Offer).filter(is_open=True)
    if municipality is not None or domain:
        scope = Q(pk__in=services.values("provider"))
        if municipality is not None and domain in {"", "employment"}:
            scope |= Q(pk__in=offers.filter(_offer_in(municipality)).values("provider"))
        elif domain == "employment":
            scope |= Q(pk__in=offers.values("provider"))
        providers = providers.filter(scope)
    if domain not in {"", "employment"}:
        offers = offers.none()
    return providers.select_related("institution__municipality").prefetch_related(
        Prefetch("services", queryset=services.order_by("name")),
        Prefetch("offers", queryset=offers),
    )


def provider_get(*, user: User, pk: int) -> Provider:
    require(user, DIRECTORY_VIEW)
    return visible(user, Provider).select_related("institution__municipality").get(pk=pk)


def _offer_in(municipality: Municipality | int) -> Q:
    return Q(provider__institution__municipality=municipality) | Q(
        provider__institution__municipality__isnull=True
    )


def open_offers(*, user: User, municipality: Municipality | None = None) -> QuerySet[Offer]:
    """Open offers whose application date has not passed."""
    require(user, DIRECTORY_VIEW)
    offers = _open(visible(user, Offer), municipality, timezone.localdate())
    return offers.select_related("provider__institution__municipality")


def _open(
    offers: QuerySet[Offer], municipality: Municipality | int | None, today: date
) -> QuerySet[Offer]:
    offers = offers.filter(is_open=True, provider__institution__is_active=True)
    offers = offers.filter(Q(apply_by__isnull=True) | Q(apply_by__gte=today))
    if municipality is not None:
        offers = offers.filter(_offer_in(municipality))
    return offers


def offer_suggestions(*, user: User, case: Case) -> QuerySet[Offer]:
    """Open offers in the case's municipality (and national employers'), of employers someone
    answers for: suggestions for the case lead, who decides whether to send a referral. Nothing
    about the person leaves."""
    require(user, CASE_VIEW, case)
    if case.municipality is None:
        return Offer.objects.none()
    return _suggested(open_offers(user=user, municipality=case.municipality), case)


def _suggested(open_offers: QuerySet[Offer], case: Case | int) -> QuerySet[Offer]:
    asked = ServiceRequest.objects.filter(referral__case=case, offer__isnull=False)
    answering = with_receivers(Institution.objects.all())  # no referral that waits forever
    return (
        open_offers.filter(provider__institution__in=answering)
        .exclude(pk__in=asked.values("offer"))
        .order_by("apply_by", "-created_at")
    )


#: What the case page's panel shows of an offer (of its employer: the name)
_PANEL_OFFER_SHOWN = [
    "kind", "title", "places", "apply_by", "provider", "provider__institution__name",
]  # fmt: skip
#: how many suggestions the case page's panel shows
PANEL_OFFERS = 10


def _panel_offers(municipality: int, case: int, today: date) -> QuerySet[Offer]:
    offers = _suggested(_open(Offer.objects.all(), municipality, today), case)
    return offers.select_related("provider__institution").only(*_PANEL_OFFER_SHOWN)[:PANEL_OFFERS]


#: Asked on every view of a case by its lead: the SQL compiled once per process
_PANEL_OFFERS = Prepared(_panel_offers, 1, 1000, date(2000, 1, 1))


def case_offer_suggestions(*, user: User, case: Case) -> Later[list[Offer]]:
    """``offer_suggestions``' first ones as the case page's panel shows them, read by a
    prepared query: offers are the directory's, which every user who may read it sees whole
    (``_offers`` in ``spona.providers.access``), so the query is the same for every user."""
    require(user, CASE_VIEW, case)
    require(user, DIRECTORY_VIEW)
    if case.municipality_id is None:
        return Later.known([])
    return _PANEL_OFFERS.later(case.municipality_id, case.pk, timezone.localdate())


def services_for_case(*, user: User, case: Case) -> QuerySet[Service]:
    """Active services given in the case's municipality or nationwide, to request."""
    require(user, CASE_VIEW, case)
    services = visible(user, Service).filter(is_active=True, provider__institution__is_active=True)
    if case.municipality is not None:
        services = services.filter(serving(case.municipality))
    return services.select_related("provider__institution").order_by("domain", "name")


#: What the case page's panel shows of a delivery and of a service request (of each related
#: row: its name or title), not every column
_DELIVERY_SHOWN = [
    "provider", "provider__institution", "service", "domain", "support_type", "started_on",
    "ended_on", "status", "cost", "funder", "outcome", "provider__institution__name",
    "service__name",
]  # fmt: skip
_REQUEST_SHOWN = [
    "domain", "referral", "referral__status", "referral__to_institution",
    "referral__to_institution__name", "service", "service__name", "offer", "offer__title",
]  # fmt: skip


def _deliveries_of(case: int) -> QuerySet[Delivery]:
    deliveries = Delivery.objects.filter(case=case)
    return deliveries.select_related("provider__institution", "service").only(*_DELIVERY_SHOWN)


def _requests_of(case: int) -> QuerySet[ServiceRequest]:
    requests = ServiceRequest.objects.filter(referral__case=case)
    return requests.select_related("referral__to_institution", "service", "offer").only(
        *_REQUEST_SHOWN
    )


#: Asked on every view of a case: the SQL compiled once per process (``spona.core.prepared``).
_DELIVERIES_OF = Prepared(_deliveries_of, 0)
_REQUESTS_OF = Prepared(_requests_of, 0)


def case_deliveries(*, user: User, case: Case) -> Later[list[Delivery]]:
    """``visible(user, Delivery)`` of one case, as its page's panel shows them: the scope asked
    of that case (in a read-only request without a query), not embedded in the query as
    subqueries."""
    return _DELIVERIES_OF.later(case.pk) if sees_deliveries_of(user, case) else Later.known([])


def case_requests(*, user: User, case: Case) -> Later[list[ServiceRequest]]:
    """``visible(user, ServiceRequest)`` of one case, as :func:`case_deliveries`."""
    return _REQUESTS_OF.later(case.pk) if sees_requests_of(user, case) else Later.known([])
