"""Cost of integration and unmet needs, for the local self-government (and the Centre).

From the records, for one municipality (or the whole country) and one year:

* the cost of services delivered this year, per domain and per case (from ``Delivery``);
* the domains with no active service in the municipality (national ones count);
* requests for services (referrals to providers, ``ServiceRequest``) per domain: accepted,
  declined, still waiting, the median days to an answer, and the domains where every request
  was declined.

Roles with access to cases (``cases.access.CASE_VIEW``) get exact numbers for their own
municipality (national institutions for any) and the cost per case by pseudonymous case code
(only cases they see). Every other role (the coordinator, the analyst)
gets the counts through ``spona.disclosure``: the request table with ``protect`` (cells and
totals, secondary suppression), the cases per domain with ``protect_vector``; a cost is shown
only where its count is, medians of fewer than 11 answers are withheld, and no count from 1 to
10 ever reaches them. Services in the directory are not about persons and are exact for all.
"""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise

from spona.accounts.models import User
from spona.cases.access import CASE_VIEW
from spona.cases.models import Case, ReferralStatus
from spona.disclosure import K, protect, protect_vector
from spona.institutions.access import home_municipality
from spona.institutions.models import Municipality
from spona.policy import can, require, visible
from spona.providers.access import NEEDS_VIEW
from spona.providers.models import Delivery, Domain, Service, ServiceRequest
from spona.providers.selectors import serving

ANSWERED = [ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED, ReferralStatus.DECLINED]
#: columns of the request table
REQUEST_COLUMNS = ("accepted", "declined", "waiting")


@dataclass(frozen=True)
class DomainNeeds:
    domain: Domain
    label: Promise
    services: int  # active services serving the municipality (exact: not about persons)
    accepted: int | None  # None: suppressed
    declined: int | None
    waiting: int | None
    requests: int | None
    all_declined: bool
    median_wait_days: float | None  # None: no answers, or too few to show
    cases: int | None  # cases with a service of this domain delivered this year
    cost: Decimal | None


@dataclass(frozen=True)
class CaseCost:
    code: str
    cost: Decimal
    domains: list[str]


@dataclass(frozen=True)
class Needs:
    municipality: Municipality | None
    year: int
    exact: bool
    rows: list[DomainNeeds]
    missing: list[Domain]  # domains with no service here (only for a municipality)
    requests_total: int | None
    request_column_totals: tuple[int | None, ...]
    cases_total: int | None  # cases with any service this year
    cost_total: Decimal | None
    cost_per_case: Decimal | None
    per_case: list[CaseCost] | None  # None: this role does not see cases

    @property
    def k(self) -> int:
        return K


def _cases(municipality: Municipality | None) -> Q:
    return Q(case__municipality=municipality) if municipality is not None else Q()


def _requests(municipality: Municipality | None) -> QuerySet[ServiceRequest]:
    scope = ServiceRequest.objects.exclude(referral__status=ReferralStatus.REVOKED)
    if municipality is not None:
        scope = scope.filter(referral__case__municipality=municipality)
    return scope


def _request_counts(
    requests: QuerySet[ServiceRequest],
) -> tuple[list[list[int]], dict[str, list[float]]]:
    index = {domain.value: i for i, domain in enumerate(Domain)}
    counts = [[0, 0, 0] for _ in Domain]
    waits: dict[str, list[float]] = defaultdict(list)
    for domain, status, sent, answered in requests.values_list(
        "domain", "referral__status", "referral__sent_at", "referral__answered_at"
    ):
        row = counts[index[domain]]
        if status in {ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED}:
            row[0] += 1
        elif status == ReferralStatus.DECLINED:
            row[1] += 1
        else:
            row[2] += 1
        if status in ANSWERED and answered is not None:
            waits[domain].append((answered - sent).total_seconds() / 86400)
    return counts, waits


def _deliveries(municipality: Municipality | None, year: int) -> QuerySet[Delivery]:
    return Delivery.objects.filter(_cases(municipality), started_on__year=year)


def sees_cases_of(user: User, municipality: Municipality | None) -> bool:
    """Exact numbers: roles with access to cases, for their own municipality (national
    institutions, such as the Centre, for every municipality and the whole country)."""
    if not can(user, CASE_VIEW):
        return False
    home = home_municipality(user)
    return home is None or (municipality is not None and municipality.pk == home)


def unmet_needs(*, user: User, municipality: Municipality | None, year: int) -> Needs:
    require(user, NEEDS_VIEW)
    exact = sees_cases_of(user, municipality)
    counts, waits = _request_counts(_requests(municipality))
    if exact:
        table = [[*row] for row in counts]
        cells: list[list[int | None]] = [list(row) for row in table]
        row_totals: list[int | None] = [sum(row) for row in table]
        column_totals: tuple[int | None, ...] = tuple(
            sum(row[j] for row in table) for j in range(3)
        )
        grand: int | None = sum(sum(row) for row in table)
    else:
        protected = protect(counts)
        cells = [list(row) for row in protected.cells]
        row_totals = list(protected.row_totals)
        column_totals = protected.column_totals
        grand = protected.grand_total

    deliveries = _deliveries(municipality, year)
    case_domains: dict[str, set[int]] = defaultdict(set)
    cost_of_domain: dict[str, Decimal] = defaultdict(Decimal)
    cost_of_case: dict[int, Decimal] = defaultdict(Decimal)
    domains_of_case: dict[int, set[str]] = defaultdict(set)
    for case_id, domain, cost in deliveries.values_list("case", "domain", "cost"):
        case_domains[domain].add(case_id)
        cost_of_domain[domain] += cost or Decimal(0)
        cost_of_case[case_id] += cost or Decimal(0)
        domains_of_case[case_id].add(domain)
    case_counts = [len(case_domains[d.value]) for d in Domain]
    if exact:
        shown_cases: tuple[int | None, ...] = tuple(case_counts)
        vector_total_hidden = False
    else:
        shown_cases, vector_total = protect_vector(case_counts)
        vector_total_hidden = vector_total is None
    distinct = len(cost_of_case)
    distinct_shown = distinct if exact or not 0 < distinct < K else None
    cost_total = sum(cost_of_case.values(), Decimal(0))
    total_visible = distinct_shown is not None and not vector_total_hidden

    services = Service.objects.filter(is_active=True, provider__institution__is_active=True)
    if municipality is not None:
        services = services.filter(serving(municipality))
    service_counts: dict[str, int] = defaultdict(int)
    for domain in services.values_list("domain", flat=True):
        service_counts[domain] += 1

    rows = []
    for i, domain in enumerate(Domain):
        accepted, declined, waiting = cells[i]
        answered = waits.get(domain.value, [])
        enough = answered and (exact or len(answered) >= K)
        rows.append(
            DomainNeeds(
                domain=domain,
                label=domain.label,
                services=service_counts[domain.value],
                accepted=accepted,
                declined=declined,
                waiting=waiting,
                requests=row_totals[i],
                all_declined=counts[i][1] > 0 and counts[i][0] == counts[i][2] == 0,
                median_wait_days=round(statistics.median(answered), 1) if enough else None,
                cases=shown_cases[i],
                cost=cost_of_domain[domain.value] if shown_cases[i] is not None else None,
            )
        )
    per_case = None
    if exact:
        seen = set(visible(user, Case).filter(pk__in=list(cost_of_case)).values_list("pk", "code"))
        per_case = sorted(
            (
                CaseCost(
                    code,
                    cost_of_case[pk],
                    [str(d.label) for d in Domain if d.value in domains_of_case[pk]],
                )
                for pk, code in seen
            ),
            key=lambda c: (-c.cost, c.code),
        )
    return Needs(
        municipality=municipality,
        year=year,
        exact=exact,
        rows=rows,
        missing=[d for d in Domain if service_counts[d.value] == 0] if municipality else [],
        requests_total=grand,
        request_column_totals=tuple(column_totals),
        cases_total=distinct_shown,
        cost_total=cost_total if total_visible else None,
        cost_per_case=(cost_total / distinct).quantize(Decimal("0.01"))
        if total_visible and distinct
        else None,
        per_case=per_case,
    )


def unmet_requests(
    *, municipalities: list[int] | None, start: datetime, end: datetime
) -> Counter[str]:
    """Unmet needs per domain for statistics: service requests that found no provider (the
    provider declined them) answered from ``start`` to ``end`` (exclusive), in cases of the
    municipalities (``None``: the nation). Counts only; the caller protects them."""
    declined = _requests(None).filter(
        referral__status=ReferralStatus.DECLINED,
        referral__answered_at__gte=start,
        referral__answered_at__lt=end,
    )
    if municipalities is not None:
        declined = declined.filter(referral__case__municipality__in=municipalities)
    grouped = declined.values("domain").annotate(n=Count("pk")).order_by()
    return Counter({row["domain"]: row["n"] for row in grouped})
