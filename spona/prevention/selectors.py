"""Reads for prevention: protected aggregates for the map and the ranked list, and a
campaign's effect. Every number passes disclosure control before it is shown."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.roles import INSTITUTION_WIDE_ROLES
from spona.core.translit import fold
from spona.disclosure import K, PartOfWhole, part_of_whole, protect, protect_vector, published
from spona.institutions.models import Municipality
from spona.people.models import Person
from spona.policy import require, visible
from spona.prevention.access import FOLLOW_UP_VIEW, PREVENTION_VIEW
from spona.prevention.models import (
    AggregateCount,
    Campaign,
    OutreachActivity,
    PreventionFollowUp,
    RiskFactor,
    RiskGroup,
    Settlement,
)
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
    return protected_layer(group_code=group_code, period=period)


def protected_layer(*, group_code: str, period: str) -> list[MunicipalityValue]:
    """``national_layer`` for a caller that has checked the reader may see it: the same for
    everyone who may (the risk map's kept page, ``spona.prevention.riskmap``)."""
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


def exact_for(user: User) -> bool:
    """Roles with case access see exact counts; every other role (the coordinator, the
    analyst, a frontline professional, the administrators) gets them through disclosure
    control, derived values included."""
    return user.role in INSTITUTION_WIDE_ROLES


def _shown(user: User, n: int) -> int | None:
    return n if exact_for(user) else published(n)


def _reach(user: User, reached: int, size: int) -> PartOfWhole:
    """People reached of a group's mapped size, and the share: exact with case access, else
    as ``disclosure.part_of_whole`` publishes them (a small part, rest or size withheld, the
    share only from published counts)."""
    if exact_for(user):
        return PartOfWhole(reached, size, round(100 * reached / size, 1) if size else None)
    return part_of_whole(reached, size)


def _signals_between(municipality: Municipality, names: set[str], start: date, end: date) -> int:
    since = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end, time.min))
    signals = Signal.objects.filter(
        municipality=municipality, created_at__gte=since, created_at__lt=until
    )
    if not names:
        return signals.count()
    return sum(1 for s in signals.only("settlement") if fold(s.settlement) in names)


def _target_sizes(campaign: Campaign, groups: list[RiskGroup]) -> tuple[list[str], dict[int, int]]:
    """The latest counting period of the campaign's municipality, and the mapped size of each
    target group (by pk) in the campaign's settlements (all the municipality's if none)."""
    settlements = list(campaign.settlements.all()) or list(campaign.municipality.settlements.all())
    latest = periods(municipality=campaign.municipality)[:1]
    counts = AggregateCount.objects.filter(
        settlement__in=settlements, group__in=groups, period__in=latest
    )
    sizes: dict[int, int] = defaultdict(int)
    for (_settlement, group), size in _group_sizes(counts).items():
        sizes[group] += size
    return latest, sizes


@dataclass(frozen=True)
class Outreach:
    """Outreach in an area and a period, as true counts (the caller protects them)."""

    campaigns: int  # with outreach in the period
    activities: int
    reached: int  # people of the campaigns' target groups reached
    size: int  # the mapped size of those target groups (the latest counts)


def outreach_in(
    *, user: User, municipalities: list[int] | None, start: date, end: date
) -> Outreach:
    """The outreach of campaigns in ``municipalities`` (``None``: the nation) held on the days
    [start, end): for the statistics dashboard, which protects the numbers for its roles."""
    require(user, PREVENTION_VIEW)
    activities = OutreachActivity.objects.filter(held_on__gte=start, held_on__lt=end)
    if municipalities is not None:
        activities = activities.filter(campaign__municipality__in=municipalities)
    by_campaign: dict[int, list[OutreachActivity]] = defaultdict(list)
    for activity in activities.only("campaign_id", "reached"):
        by_campaign[activity.campaign_id].append(activity)
    reached = size = 0
    campaigns = Campaign.objects.filter(pk__in=by_campaign).select_related("municipality")
    for campaign in campaigns.prefetch_related("groups"):
        groups = list(campaign.groups.all())
        codes = {g.code for g in groups}
        reached += sum(
            int(n)
            for activity in by_campaign[campaign.pk]
            for code, n in activity.reached.items()
            if code in codes
        )
        size += sum(_target_sizes(campaign, groups)[1].values())
    return Outreach(len(by_campaign), sum(map(len, by_campaign.values())), reached, size)


def campaign_effect(*, user: User, campaign: Campaign) -> dict[str, Any]:
    """Reach against the mapped group size, and signals before and after the campaign began."""
    require(user, PREVENTION_VIEW)
    groups = list(campaign.groups.all())
    reached: dict[str, int] = defaultdict(int)
    for activity in campaign.activities.all():
        for code, n in activity.reached.items():
            reached[code] += int(n)
    latest, sizes = _target_sizes(campaign, groups)
    rows = []
    for g in groups:
        reach = _reach(user, reached.get(g.code, 0), sizes.get(g.pk, 0))
        rows.append({"group": g, "reached": reach.part, "size": reach.whole, "share": reach.share})
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


# --- the prevention track: people at risk --------------------------------------------------

AGE_BANDS = [
    (0, 13, RiskFactor.AGE_UNDER_14),
    (14, 18, RiskFactor.AGE_14_18),
    (20, 30, RiskFactor.AGE_20_30),
    (31, 200, RiskFactor.AGE_31_PLUS),
]


def _age(person: Person, on: date) -> int | None:
    try:
        born = date.fromisoformat(person.date_of_birth) if person.date_of_birth else None
    except ValueError:
        born = None
    if born is not None:
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return person.estimated_age


def person_factors(person: Person, risk_factors: list[str], on: date) -> set[str]:
    """What a group could be defined by: the person's risk factors, sex and age band."""
    factors = set(risk_factors)
    if person.sex in {RiskFactor.FEMALE, RiskFactor.MALE}:
        factors.add(person.sex)
    age = _age(person, on)
    if age is not None:
        factors |= {band for low, high, band in AGE_BANDS if low <= age <= high}
    return factors


def matching_group(
    municipality: Municipality, person: Person, risk_factors: list[str]
) -> RiskGroup | None:
    """The municipality's most specific risk group whose every factor the person has."""
    factors = person_factors(person, risk_factors, timezone.localdate())
    groups = [g for g in municipality.risk_groups.order_by("pk") if set(g.factors) <= factors]
    return max(groups, key=lambda g: len(g.factors), default=None)


def campaign_reaching(group: RiskGroup, *, on: date) -> Campaign | None:
    """The group's campaign that runs now, or failing that the next one to start."""
    campaigns = group.campaigns.filter(ends_on__gte=on).order_by("starts_on", "pk")
    running = campaigns.filter(starts_on__lte=on).order_by("ends_on", "pk").first()
    return running or campaigns.first()


def follow_ups(*, user: User) -> QuerySet[PreventionFollowUp]:
    """The follow-ups this user may see, open first; the list read is audited (persons by
    code only)."""
    require(user, FOLLOW_UP_VIEW)
    listed = (
        visible(user, PreventionFollowUp)
        .select_related("person", "institution", "risk_group", "campaign", "municipality")
        .order_by("-status", "due_on", "pk")
    )
    audit(
        AuditAction.READ,
        user=user,
        purpose="prevention follow-ups",
        details={"persons": [f.person.code for f in listed]},
    )
    return listed
