"""Reads for prevention: protected aggregates for the map and the ranked list, and a
campaign's effect. Every number passes disclosure control before it is shown."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from spona.accounts.models import Role, User
from spona.core.translit import fold
from spona.disclosure import K, protect, protect_vector
from spona.institutions.models import Municipality
from spona.policy import require
from spona.prevention.access import PREVENTION_VIEW
from spona.prevention.models import AggregateCount, Campaign, RiskGroup, Settlement
from spona.signals.models import Signal

PER = 1000


def periods(*, group_code: str = "", municipality: Municipality | None = None) -> list[str]:
    qs = AggregateCount.objects.all()
    if group_code:
        qs = qs.filter(group__code=group_code)
    if municipality is not None:
        qs = qs.filter(settlement__municipality=municipality)
    return sorted(set(qs.values_list("period", flat=True)), reverse=True)


def group_choices() -> list[tuple[str, str]]:
    """Risk-group codes in use anywhere, with a name for each (municipalities may differ)."""
    names: dict[str, str] = {}
    for code, name in RiskGroup.objects.order_by("code", "pk").values_list("code", "name"):
        names.setdefault(code, name)
    return sorted(names.items())


def _group_sizes(counts: QuerySet[AggregateCount]) -> dict[tuple[int, int], int]:
    """(settlement, group) -> size. Where several institutions count the same group in the
    same settlement they count overlapping people: the largest count is taken, not the sum."""
    rows = counts.values("settlement", "group").annotate(size=Max("count"))
    return {(r["settlement"], r["group"]): r["size"] for r in rows}


@dataclass(frozen=True)
class MunicipalityValue:
    municipality: Municipality
    count: int | None  # None: suppressed
    rate: float | None  # per 1,000 inhabitants (census 2022)
    small: bool = False  # suppressed because it is 1-10 (not to protect another cell)


def national_layer(*, user: User, group_code: str, period: str) -> list[MunicipalityValue]:
    """Group size per municipality, protected: small counts are suppressed with enough others
    that the national total cannot reveal them."""
    require(user, PREVENTION_VIEW)
    counts = AggregateCount.objects.filter(group__code=group_code, period=period)
    by_municipality: dict[int, int] = defaultdict(int)
    settlements = dict(Settlement.objects.values_list("pk", "municipality_id"))
    for (settlement, _group), size in _group_sizes(counts).items():
        by_municipality[settlements[settlement]] += size
    municipalities = list(Municipality.objects.filter(pk__in=by_municipality).order_by("code"))
    published, _total = protect_vector([by_municipality[m.pk] for m in municipalities])
    return [
        MunicipalityValue(m, n, _rate(n, m.population_2022), 0 < by_municipality[m.pk] < K)
        for m, n in zip(municipalities, published, strict=True)
    ]


@dataclass(frozen=True)
class RankedCell:
    settlement: Settlement
    group: RiskGroup
    count: int | None
    rate: float | None
    small: bool = False  # suppressed because it is 1-10 (not to protect another cell)


def settlement_ranking(*, user: User, municipality: Municipality, period: str) -> list[RankedCell]:
    """Settlements × groups for targeting, largest first; suppressed cells last."""
    require(user, PREVENTION_VIEW)
    groups = list(municipality.risk_groups.order_by("name"))
    settlements = list(municipality.settlements.order_by("name"))
    sizes = _group_sizes(
        AggregateCount.objects.filter(settlement__municipality=municipality, period=period)
    )
    table = [[sizes.get((s.pk, g.pk), 0) for g in groups] for s in settlements]
    if not table or not groups:
        return []
    protected = protect(table)
    cells = [
        RankedCell(
            s,
            g,
            protected.cells[i][j],
            _rate(protected.cells[i][j], s.population),
            0 < table[i][j] < K,
        )
        for i, s in enumerate(settlements)
        for j, g in enumerate(groups)
        if table[i][j] > 0
    ]
    return sorted(
        cells, key=lambda c: (c.count is None, -(c.count or 0), c.settlement.name, c.group.name)
    )


def _rate(count: int | None, population: int | None) -> float | None:
    return round(PER * count / population, 2) if count is not None and population else None


# --- campaigns ----------------------------------------------------------------------------


def _shown(user: User, n: int) -> int | None:
    """Analysts see aggregates only: counts below K are suppressed for them."""
    return None if user.role == Role.ANALYST and 0 < n < K else n


def _signals_between(municipality: Municipality, names: set[str], start: date, end: date) -> int:
    since = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end, time.min))
    signals = Signal.objects.filter(
        municipality=municipality, created_at__gte=since, created_at__lt=until
    )
    if not names:
        return signals.count()
    return sum(1 for s in signals.only("settlement") if fold(s.settlement) in names)


def campaign_effect(*, user: User, campaign: Campaign) -> dict[str, Any]:
    """Reach against the mapped group size, and signals before and after the campaign began."""
    require(user, PREVENTION_VIEW)
    settlements = list(campaign.settlements.all()) or list(campaign.municipality.settlements.all())
    groups = list(campaign.groups.all())
    reached: dict[str, int] = defaultdict(int)
    for activity in campaign.activities.all():
        for code, n in activity.reached.items():
            reached[code] += int(n)
    latest = periods(municipality=campaign.municipality)[:1]
    counts = AggregateCount.objects.filter(
        settlement__in=settlements, group__in=groups, period__in=latest
    )
    sizes: dict[int, int] = defaultdict(int)
    for (_settlement, group), size in _group_sizes(counts).items():
        sizes[group] += size
    rows = [
        {
            "group": g,
            "reached": reached.get(g.code, 0),
            "size": _shown(user, sizes.get(g.pk, 0)),
            "share": round(100 * reached.get(g.code, 0) / sizes[g.pk], 1)
            if sizes.get(g.pk)
            else None,
        }
        for g in groups
    ]
    length = max((min(campaign.ends_on, timezone.localdate()) - campaign.starts_on).days, 1)
    names = {fold(s.name) for s in campaign.settlements.all()}
    before = _signals_between(
        campaign.municipality,
        names,
        campaign.starts_on - timedelta(days=length),
        campaign.starts_on,
    )
    after = _signals_between(
        campaign.municipality,
        names,
        campaign.starts_on,
        campaign.starts_on + timedelta(days=length),
    )
    return {
        "rows": rows,
        "period": latest[0] if latest else "",
        "days": length,
        "signals_before": _shown(user, before),
        "signals_after": _shown(user, after),
        "activities": campaign.activities.select_related("settlement"),
    }


def campaigns_for(*, user: User, municipality: Municipality | None = None) -> QuerySet[Campaign]:
    require(user, PREVENTION_VIEW)
    campaigns = Campaign.objects.select_related("municipality")
    return campaigns.filter(municipality=municipality) if municipality else campaigns
