"""The statistics dashboard of a municipality, a district or the nation, for a period and the
period before it.

Every breakdown is a fixed list of categories (zeros included), counted for the period and
for the previous period of the same length. For a role that does not see cases
(``access.EXACT_ROLES``) each breakdown of each period goes through ``spona.disclosure``
(``protect_vector``: counts 1-10 and the total suppressed, plus a second count where one
alone would be given away by the total), and shares are computed only from published counts.
Referral times: the median hours from a referral to its answer, per type of the receiving
institution; for protected roles withheld under 11 referrals.
The maps: signals and cases per municipality of a district or the nation, protected as one
row with its total.

Scope of the numbers: signals by the municipality they were raised in, screenings by the
screening institution's municipality (a national institution's only in the nation), cases
by the case's municipality, referrals by their case's municipality; each in the period by
the date it was raised, completed, opened or sent.
"""

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as datetime_time
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.cases.models import Case, CaseStatus, Referral, ReferralStatus
from spona.core.roles import Role
from spona.disclosure import (
    K,
    PartOfWhole,
    part_of_whole,
    protect,
    protect_vector,
    published,
)
from spona.institutions.models import District, InstitutionType, Municipality
from spona.people.models import Sex
from spona.plans.selectors import goal_outcomes
from spona.prevention.selectors import Outreach, outreach_in
from spona.providers.models import Domain
from spona.providers.needs import unmet_requests
from spona.screening.engine import OutcomeCode
from spona.screening.explanations import OUTCOME_TITLES
from spona.screening.models import Screening, ScreeningStatus
from spona.signals.models import Signal, Source
from spona.signals.models import Status as SignalStatus
from spona.statistics import htcds, summary
from spona.statistics.access import EXACT_ROLES, NATIONAL_ROLES
from spona.statistics.models import Snapshot
from spona.statistics.records import grouped_with_screening
from spona.surveys.charts import Bar, bar_chart
from spona.surveys.selectors import Headline, wave_headlines

NATION, DISTRICT, MUNICIPALITY = "nation", "district", "municipality"


@dataclass(frozen=True)
class Area:
    level: str
    pk: int | None
    name: str

    @property
    def key(self) -> str:
        return NATION if self.pk is None else f"{self.level}-{self.pk}"


def _nation() -> Area:
    return Area(NATION, None, gettext("Serbia"))


def areas_for(user: User) -> list[Area]:
    """The areas this user may see, the default first: the nation for the Centre and
    analysts (then every district and municipality), a coordinator's municipality and its
    district."""
    if user.role in NATIONAL_ROLES:
        return [
            _nation(),
            *(Area(DISTRICT, d.pk, str(d)) for d in District.objects.all()),
            *(Area(MUNICIPALITY, m.pk, str(m)) for m in Municipality.objects.all()),
        ]
    if user.role == Role.COORDINATOR and user.institution and user.institution.municipality:
        municipality = user.institution.municipality
        return [
            Area(MUNICIPALITY, municipality.pk, str(municipality)),
            Area(DISTRICT, municipality.district_id, str(municipality.district)),
        ]
    return []


def area_for(user: User, key: str) -> Area | None:
    """The area of ``key`` ("nation", "district-3", "municipality-12") if this user may see
    it; the user's default area for an empty key."""
    areas = areas_for(user)
    if not areas:
        return None
    if not key:
        return areas[0]
    return next((area for area in areas if area.key == key), None)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive

    @property
    def previous(self) -> "Period":
        """The period just before, as long: in whole months when this one is whole months
        (a calendar year is compared with the calendar year before), else in days."""
        if self.start.day == 1 and self.end.day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
            index = self.start.year * 12 + self.start.month - 1 - months
            return Period(date(index // 12, index % 12 + 1, 1), self.start)
        return Period(self.start - (self.end - self.start), self.start)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def default_period(today: date) -> Period:
    """The last 365 days, today included."""
    return Period(today - timedelta(days=364), today + timedelta(days=1))


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    count: int | None  # None: suppressed
    share: float | None  # percent of the total, when both are published
    previous: int | None
    previous_share: float | None


@dataclass(frozen=True)
class Breakdown:
    key: str
    title: str
    lines: list[Line]
    total: int | None
    previous_total: int | None
    chart: str = ""


@dataclass(frozen=True)
class Time:
    key: str
    label: str
    hours: float | None  # median; None: none, or too few to show
    n: int | None
    previous_hours: float | None
    previous_n: int | None


@dataclass(frozen=True)
class Place:
    code: str  # the official municipality code
    name: str
    count: int | None  # None: suppressed


@dataclass(frozen=True)
class MunicipalityCounts:
    """One count per municipality of the area (a choropleth's values), for the period."""

    key: str
    title: str
    places: list[Place]
    total: int | None


@dataclass(frozen=True)
class Figure:
    """One number of the campaign section, now and in the previous period (None: hidden)."""

    key: str
    label: str
    value: float | None
    previous: float | None


@dataclass(frozen=True)
class SurveyFigure:
    key: str
    title: str
    n: int | None  # respondents who answered; None: suppressed
    percent: float | None  # the weighted estimate; None: hidden
    ci_low: float | None
    ci_high: float | None
    flagged: bool  # fewer than 30 respondents: read with care


@dataclass(frozen=True)
class SurveyWaveFigures:
    name: str
    ends_on: date
    indicators: list[SurveyFigure]


@dataclass(frozen=True)
class Integration:
    """Plan goals and unmet needs of one domain (or, ``key`` "total", of all) in the period
    (None: suppressed)."""

    key: str
    label: str
    set: int | None
    met: int | None
    not_met: int | None
    closed: int | None
    share: float | None  # met, per cent of closed, from the published counts
    unmet: int | None


@dataclass(frozen=True)
class Dashboard:
    area: Area
    period: Period
    exact: bool
    breakdowns: list[Breakdown]
    referral_times: list[Time] = field(default_factory=list)
    #: when the stored case counts were counted (``case_counts``; None: all just now)
    as_of: datetime | None = None
    maps: list[MunicipalityCounts] = field(default_factory=list)
    campaigns: list[Figure] = field(default_factory=list)
    surveys: list[SurveyWaveFigures] = field(default_factory=list)
    #: one line per domain, then the total
    integration: list[Integration] = field(default_factory=list)

    def breakdown(self, key: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.key == key)


# Categories


Categories = Sequence[tuple[str, str | Promise]]

CITIZEN = "citizen"
NOT_RECORDED = "not_recorded"
SEVERAL = "several"
SERBIA = "RS"

SOURCE_TYPES: Categories = [
    *((t.value, t.label) for t in InstitutionType),
    (CITIZEN, _("Citizen (public form)")),
]
CHANNELS: Categories = [(s.value, s.label) for s in Source]
OUTCOMES: Categories = [(o.value, OUTCOME_TITLES[o]) for o in OutcomeCode]
STATUSES: Categories = [(s.value, s.label) for s in CaseStatus]
SEXES: Categories = [(s.value, s.label) for s in Sex]
FORMS: Categories = [
    ("sexual", _("Sexual exploitation")),
    ("labour", _("Labour exploitation")),
    ("begging", _("Forced begging")),
    ("criminal_activity", _("Forced criminal activity")),
    ("forced_marriage", _("Forced marriage")),
    ("organ_removal", _("Organ removal")),
    (SEVERAL, _("Several forms")),
    (NOT_RECORDED, _("Not recorded")),
]
#: the catalogue's forms of exploitation by kind (``catalogue_ilo_2009.json``)
FORM_KIND = {
    "labour_exploitation": "labour",
    "forced_labour": "labour",
    "slavery": "labour",
    "armed_conflict": "labour",
    "criminal_activity": "criminal_activity",
    "prostitution": "sexual",
    "pornography": "sexual",
    "begging": "begging",
    "organ_removal": "organ_removal",
    "forced_marriage": "forced_marriage",
}
AGES: Categories = [
    *((name, name.replace("--", "–")) for _low, _high, name in htcds.AGE_BANDS),
    (htcds.MINOR, _("Child, age not recorded")),
    (htcds.UNKNOWN, _("Not recorded")),
]
CITIZENSHIPS: Categories = [
    (SERBIA, _("Serbia")),
    ("Europe", _("Europe (other countries)")),
    ("Africa", _("Africa")),
    ("Americas", _("Americas")),
    ("Asia", _("Asia")),
    ("Oceania", _("Oceania")),
    (NOT_RECORDED, _("Not recorded")),
]


def form_of(purposes: list[str] | None) -> str:
    kinds = {FORM_KIND.get(p, "labour") for p in purposes or []}
    if not kinds:
        return NOT_RECORDED
    return kinds.pop() if len(kinds) == 1 else SEVERAL


def citizenship_of(code: str) -> str:
    code = (code or "").strip().upper()
    if code == SERBIA:
        return SERBIA
    return htcds.REGION.get(code, NOT_RECORDED)


# Counting


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime_time.min))


def _in_period(queryset: QuerySet, field_name: str, period: Period) -> QuerySet:  # type: ignore[type-arg]
    """Rows of ``field_name`` (a moment) on the period's days, in the local time zone (as
    plain comparisons of the column, so that the planner can estimate and use an index)."""
    return queryset.filter(
        **{
            f"{field_name}__gte": _midnight(period.start),
            f"{field_name}__lt": _midnight(period.end),
        }
    )


def _area_q(area: Area, municipality_field: str) -> Q:
    if area.level == MUNICIPALITY:
        return Q(**{municipality_field: area.pk})
    if area.level == DISTRICT:
        return Q(**{f"{municipality_field}__district": area.pk})
    return Q()


def signal_counts(area: Area, period: Period) -> tuple[Counter[str], Counter[str]]:
    """Signals by the type of the raising institution (citizens apart) and by channel."""
    signals = _in_period(
        Signal.objects.filter(_area_q(area, "municipality")).exclude(status=SignalStatus.MERGED),
        "created_at",
        period,
    )
    by_type: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    grouped = signals.values("source", "raised_by_institution__type").annotate(n=Count("pk"))
    for row in grouped.order_by():
        kind = CITIZEN if row["source"] == Source.CITIZEN else row["raised_by_institution__type"]
        by_type[kind or CITIZEN] += row["n"]
        by_channel[row["source"]] += row["n"]
    return by_type, by_channel


def outcome_counts(area: Area, period: Period) -> Counter[str]:
    screenings = _in_period(
        Screening.objects.filter(
            _area_q(area, "institution__municipality"), status=ScreeningStatus.COMPLETED
        ),
        "completed_at",
        period,
    )
    grouped = screenings.values("outcome").annotate(n=Count("pk")).order_by()
    return Counter({row["outcome"]: row["n"] for row in grouped})


#: the case fields the breakdowns are derived from (``case_value``), and the screening's
CASE_FIELDS = ["status", "person__sex", "person__estimated_age", "is_child", "person__citizenship"]
SCREENING_FIELDS = ["purposes"]
#: each case breakdown and the fields its value is derived from
CASE_DIMENSIONS = {
    "status": ["status"],
    "form": ["purposes"],
    "sex": ["person__sex"],
    "age": ["person__estimated_age", "is_child"],
    "citizenship": ["person__citizenship"],
}


def case_value(dimension: str, row: dict[str, Any]) -> str:
    """The category of a case (``row``: its ``CASE_DIMENSIONS`` fields) in a breakdown."""
    if dimension == "form":
        return form_of(row["purposes"])
    if dimension == "age":
        return htcds.age_band(row["person__estimated_age"], row["is_child"])
    if dimension == "citizenship":
        return citizenship_of(row["person__citizenship"])
    return str(row[CASE_DIMENSIONS[dimension][0]])


def live_case_counts(area: Area, period: Period, *, few: bool = False) -> dict[str, Counter[str]]:
    """Cases opened in the period, by status, form, sex, age band and citizenship, counted
    from the cases themselves: one grouped query, the breakdowns derived from it (``few``:
    a part of a month, see ``records.grouped_sets_with_screening``)."""
    cases = _in_period(Case.objects.filter(_area_q(area, "municipality")), "created_at", period)
    counts: dict[str, Counter[str]] = {key: Counter() for key in CASE_DIMENSIONS}
    for row in grouped_with_screening(cases, CASE_FIELDS, SCREENING_FIELDS, few=few):
        for dimension, counter in counts.items():
            counter[case_value(dimension, row)] += row["n"]
    return counts


def case_counts(
    area: Area, period: Period, snapshot: Snapshot | None = None
) -> dict[str, Counter[str]]:
    """Cases opened in the period, by status, form, sex, age band and citizenship: from the
    snapshot (``summary``) the whole months, and the nation's days of the months the period
    covers in part; a municipality's or district's such days counted from the cases (all of
    it without a snapshot)."""
    if snapshot is None:
        return live_case_counts(area, period)
    months = summary.whole_months(period.start, period.end)
    first, last = months or (period.end, period.end)
    parts = [(period.start, first), (last, period.end)]
    parts = [(start, end) for start, end in parts if start < end]
    if area.level == NATION:
        return _all_dimensions(summary.stored_case_counts(snapshot, months=months, days=parts))
    if months is None:
        return live_case_counts(area, period)
    counts = _all_dimensions(
        summary.stored_case_counts(
            snapshot,
            municipality=area.pk if area.level == MUNICIPALITY else None,
            district=area.pk if area.level == DISTRICT else None,
            months=months,
        )
    )
    for start, end in parts:
        for dimension, counter in live_case_counts(area, Period(start, end), few=True).items():
            counts[dimension].update(counter)
    return counts


def _all_dimensions(stored: dict[str, Counter[str]]) -> dict[str, Counter[str]]:
    return {key: stored.get(key, Counter()) for key in CASE_DIMENSIONS}


def answer_times(area: Area, period: Period) -> dict[str, list[float]]:
    """Hours from each referral sent in the period to its answer, by the receiver's type."""
    referrals = _in_period(
        Referral.objects.filter(
            _area_q(area, "case__municipality"), answered_at__isnull=False
        ).exclude(status=ReferralStatus.REVOKED),
        "sent_at",
        period,
    )
    hours: dict[str, list[float]] = {}
    for kind, sent, answered in referrals.values_list(
        "to_institution__type", "sent_at", "answered_at"
    ):
        hours.setdefault(kind, []).append((answered - sent).total_seconds() / 3600)
    return hours


def per_municipality(area: Area, period: Period) -> dict[str, Counter[int]]:
    """Signals raised and cases opened in the period per municipality (by its pk), with
    the scope and dates of the breakdowns above."""
    signals = _in_period(
        Signal.objects.filter(_area_q(area, "municipality")).exclude(status=SignalStatus.MERGED),
        "created_at",
        period,
    )
    cases = _in_period(Case.objects.filter(_area_q(area, "municipality")), "created_at", period)
    return {
        key: Counter(
            {
                row["municipality"]: row["n"]
                for row in rows.values("municipality").annotate(n=Count("pk")).order_by()
            }
        )
        for key, rows in (("signals", signals), ("cases", cases))
    }


def area_municipalities(area: Area) -> list[Municipality]:
    """The municipalities a map of the area shows: the district's, or all (none for a
    single municipality: a map of one value says nothing the tables do not)."""
    if area.level == MUNICIPALITY:
        return []
    municipalities = Municipality.objects.order_by("code")
    if area.level == DISTRICT:
        municipalities = municipalities.filter(district=area.pk)
    return list(municipalities)


def municipality_maps(area: Area, period: Period, *, exact: bool) -> list[MunicipalityCounts]:
    """Signals and cases per municipality of a district or the nation. For protected roles
    each map's counts go through ``protect_vector`` as one row with its total (the area's
    total, which the breakdowns publish too), so a suppressed municipality stays unknown."""
    municipalities = area_municipalities(area)
    if not municipalities:
        return []
    counts = per_municipality(area, period)
    maps = []
    for key, title in (
        ("signals", gettext("Signals per municipality")),
        ("cases", gettext("Cases per municipality")),
    ):
        values = [counts[key].get(m.pk, 0) for m in municipalities]
        cells, total = (tuple(values), sum(values)) if exact else protect_vector(values)
        places = [Place(m.code, str(m), n) for m, n in zip(municipalities, cells, strict=True)]
        maps.append(MunicipalityCounts(key, title, places, total))
    return maps


def _municipality_ids(area: Area) -> list[int] | None:
    """The area's municipalities for another app's selector (``None``: the nation)."""
    if area.level == NATION:
        return None
    if area.level == MUNICIPALITY:
        return [area.pk] if area.pk is not None else []
    return list(Municipality.objects.filter(district=area.pk).values_list("pk", flat=True))


def _outreach_figures(outreach: Outreach, exact: bool) -> tuple[float | None, ...]:
    """Campaigns, activities, people reached, target group size, share reached: exact, or
    each count on its own and reach, size and share by the one rule for a share."""
    if exact:
        share = round(100 * outreach.reached / outreach.size, 1) if outreach.size else None
        reach = PartOfWhole(outreach.reached, outreach.size, share)
        return (outreach.campaigns, outreach.activities, reach.part, reach.whole, reach.share)
    reach = part_of_whole(outreach.reached, outreach.size)
    return (
        published(outreach.campaigns),
        published(outreach.activities),
        reach.part,
        reach.whole,
        reach.share,
    )


def campaign_figures(user: User, area: Area, period: Period, *, exact: bool) -> list[Figure]:
    """Campaign reach in the area (``prevention.selectors.outreach_in``): outreach held in the
    period and in the previous one."""
    municipalities = _municipality_ids(area)
    now, before = (
        _outreach_figures(
            outreach_in(user=user, municipalities=municipalities, start=p.start, end=p.end),
            exact,
        )
        for p in (period, period.previous)
    )
    labels = (
        ("campaigns", gettext("Campaigns with outreach")),
        ("activities", gettext("Outreach activities")),
        ("reached", gettext("People of the target groups reached")),
        ("size", gettext("Mapped size of the target groups")),
        ("share", gettext("Reached, per cent of the mapped size")),
    )
    return [
        Figure(key, label, value, old)
        for (key, label), value, old in zip(labels, now, before, strict=True)
    ]


def _survey_figure(headline: Headline, exact: bool) -> SurveyFigure:
    """An estimate as the surveys show it (none under 11 respondents); for a protected role
    also withheld when the respondents who said yes, or those who did not, are a small
    count (``part_of_whole`` on the unweighted counts), and the count of respondents too."""
    shown = headline.shown
    n: int | None = headline.answered
    visible = shown.estimate is not None
    if not exact:
        protected = part_of_whole(headline.positives, headline.answered)
        n, visible = protected.whole, visible and protected.share is not None
    return SurveyFigure(
        key=shown.indicator,
        title=shown.title,
        n=n,
        percent=round(100 * shown.estimate, 1) if visible and shown.estimate is not None else None,
        ci_low=round(100 * shown.ci_low, 1) if visible and shown.ci_low is not None else None,
        ci_high=round(100 * shown.ci_high, 1) if visible and shown.ci_high is not None else None,
        flagged=visible and shown.flagged,
    )


def survey_figures(
    user: User, area: Area, period: Period, *, exact: bool
) -> list[SurveyWaveFigures]:
    """The survey waves that ended in the period and covered the area, each indicator over
    the wave's whole sample (``surveys.selectors.wave_headlines``)."""
    waves = wave_headlines(
        user=user, municipalities=_municipality_ids(area), start=period.start, end=period.end
    )
    return [
        SurveyWaveFigures(
            w.wave.name, w.wave.ends_on, [_survey_figure(h, exact) for h in w.indicators]
        )
        for w in waves
    ]


def integration_outcomes(area: Area, period: Period, *, exact: bool) -> list[Integration]:
    """Plan goals set, met and not met (``plans.selectors.goal_outcomes``) and unmet needs
    (``providers.needs.unmet_requests``) per domain in the area in the period. For protected
    roles the goals set and the unmet needs are each one row with its total
    (``protect_vector``), and met × not met one table whose row totals are the goals closed
    (``protect``), so no suppressed count follows from a closed total."""
    municipalities = _municipality_ids(area)
    start, end = _midnight(period.start), _midnight(period.end)
    goals = goal_outcomes(municipalities=municipalities, start=start, end=end)
    unmet = unmet_requests(municipalities=municipalities, start=start, end=end)
    domains = [d.value for d in Domain]
    set_counts = [goals.set[d] for d in domains]
    table = [[goals.met[d], goals.not_met[d]] for d in domains]
    unmet_counts = [unmet[d] for d in domains]
    sets: tuple[int | None, ...]
    unmets: tuple[int | None, ...]
    set_total: int | None
    unmet_total: int | None
    if exact:
        sets, set_total = tuple(set_counts), sum(set_counts)
        cells: Sequence[Sequence[int | None]] = table
        closed: Sequence[int | None] = [met + not_met for met, not_met in table]
        columns: Sequence[int | None] = [sum(row[j] for row in table) for j in (0, 1)]
        closed_total: int | None = sum(met + not_met for met, not_met in table)
        unmets, unmet_total = tuple(unmet_counts), sum(unmet_counts)
    else:
        sets, set_total = protect_vector(set_counts)
        protected = protect(table)
        cells, closed = protected.cells, protected.row_totals
        columns, closed_total = protected.column_totals, protected.grand_total
        unmets, unmet_total = protect_vector(unmet_counts)
    lines = [
        _integration_line(
            d.value, str(d.label), sets[i], cells[i][0], cells[i][1], closed[i], unmets[i]
        )
        for i, d in enumerate(Domain)
    ]
    total = _integration_line(
        "total", gettext("Total"), set_total, columns[0], columns[1], closed_total, unmet_total
    )
    return [*lines, total]


def _integration_line(
    key: str,
    label: str,
    n_set: int | None,
    met: int | None,
    not_met: int | None,
    n_closed: int | None,
    unmet: int | None,
) -> Integration:
    return Integration(key, label, n_set, met, not_met, n_closed, _share(met, n_closed), unmet)


# Protecting and assembling


def _published(
    counts: Counter[str], categories: Categories, exact: bool
) -> tuple[tuple[int | None, ...], int | None]:
    values = [counts.get(key, 0) for key, _label in categories]
    if exact:
        return tuple(values), sum(values)
    return protect_vector(values)


def _share(count: int | None, total: int | None) -> float | None:
    if count is None or not total:
        return None
    return round(100 * count / total, 1)


def breakdown(
    key: str,
    title: str,
    categories: Categories,
    current: Counter[str],
    previous: Counter[str],
    *,
    exact: bool,
    period_names: tuple[str, str] = ("", ""),
) -> Breakdown:
    cells, total = _published(current, categories, exact)
    before, before_total = _published(previous, categories, exact)
    lines = [
        Line(
            key=category,
            label=str(label),
            count=cell,
            share=_share(cell, total),
            previous=old,
            previous_share=_share(old, before_total),
        )
        for (category, label), cell, old in zip(categories, cells, before, strict=True)
    ]
    bars: list[Bar] = []
    for line in lines:
        bars.append(Bar(line.label, None if line.share is None else line.share / 100, series=0))
        bars.append(
            Bar(
                "",
                None if line.previous_share is None else line.previous_share / 100,
                series=1,
            )
        )
    chart = bar_chart(bars, title=title, legend=period_names, hidden_text=f"<{K}")
    return Breakdown(key, title, lines, total, before_total, chart)


def _median(values: list[float], exact: bool) -> tuple[float | None, int | None]:
    if not values:
        return None, 0
    if not exact and len(values) < K:
        return None, None
    return round(statistics.median(values), 1), len(values)


def times(
    current: dict[str, list[float]], previous: dict[str, list[float]], *, exact: bool
) -> list[Time]:
    rows = []
    for kind in InstitutionType:
        hours, n = _median(current.get(kind.value, []), exact)
        old_hours, old_n = _median(previous.get(kind.value, []), exact)
        if n == 0 and old_n == 0:
            continue
        rows.append(Time(kind.value, str(kind.label), hours, n, old_hours, old_n))
    return rows


def _summed(area: Area, period: Period) -> bool:
    """Whether some of the case counts came from the snapshot: all the nation's, a whole
    month of the period (or of the one before) elsewhere."""
    periods = (period, period.previous)
    return area.level == NATION or any(summary.whole_months(p.start, p.end) for p in periods)


def period_name(period: Period) -> str:
    return f"{period.start:%d.%m.%Y}–{period.last_day:%d.%m.%Y}"


def dashboard(*, user: User, area: Area, period: Period) -> Dashboard:
    """The dashboard of ``area`` (one this user may see: ``area_for``) for ``period``."""
    exact = user.role in EXACT_ROLES
    names = (period_name(period), period_name(period.previous))
    now_types, now_channels = signal_counts(area, period)
    old_types, old_channels = signal_counts(area, period.previous)
    snapshot = summary.latest_snapshot()
    now_cases = case_counts(area, period, snapshot)
    old_cases = case_counts(area, period.previous, snapshot)
    sections: Iterable[tuple[str, str, Categories, Counter[str], Counter[str]]] = [
        (
            "signal_sources",
            gettext("Signals by who raised them"),
            SOURCE_TYPES,
            now_types,
            old_types,
        ),
        ("signal_channels", gettext("Signals by channel"), CHANNELS, now_channels, old_channels),
        (
            "screening_outcomes",
            gettext("Screening outcomes"),
            OUTCOMES,
            outcome_counts(area, period),
            outcome_counts(area, period.previous),
        ),
        *(
            (f"cases_{key}", title, categories, now_cases[key], old_cases[key])
            for key, title, categories in (
                ("status", gettext("Cases by status"), STATUSES),
                ("form", gettext("Cases by form of exploitation"), FORMS),
                ("sex", gettext("Cases by sex"), SEXES),
                ("age", gettext("Cases by age"), AGES),
                ("citizenship", gettext("Cases by citizenship"), CITIZENSHIPS),
            )
        ),
    ]
    return Dashboard(
        area=area,
        period=period,
        exact=exact,
        breakdowns=[
            breakdown(key, title, categories, now, old, exact=exact, period_names=names)
            for key, title, categories, now, old in sections
        ],
        referral_times=times(
            answer_times(area, period), answer_times(area, period.previous), exact=exact
        ),
        as_of=snapshot.made_at if snapshot and _summed(area, period) else None,
        maps=municipality_maps(area, period, exact=exact),
        campaigns=campaign_figures(user, area, period, exact=exact),
        surveys=survey_figures(user, area, period, exact=exact),
        integration=integration_outcomes(area, period, exact=exact),
    )
