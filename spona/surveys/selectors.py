"""Survey estimates as people may see them: weighted, with design-based confidence
intervals; fewer than 30 respondents flagged, fewer than 11 not shown at all."""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.core.prepared import Prepared
from spona.disclosure import K
from spona.institutions.models import Municipality
from spona.policy import require
from spona.surveys import estimation, instruments
from spona.surveys.access import SURVEY_VIEW
from spona.surveys.models import SurveyResponse, SurveyWave

FLAG_BELOW = 30
DOMAINS = ("municipality", "sex", "age_band")


@dataclass(frozen=True)
class Shown:
    """One estimate, or the reason it is not shown."""

    indicator: str
    title: str
    domain: str  # "" for everyone, else "municipality", "sex", "age_band"
    level: str
    n: int
    estimate: float | None  # None: fewer than 11 respondents
    ci_low: float | None
    ci_high: float | None
    se: float | None
    deff: float | None
    flagged: bool  # fewer than 30 respondents: read with care

    @property
    def percent(self) -> float | None:
        return None if self.estimate is None else 100 * self.estimate


def _arrays(
    wave: SurveyWave,
) -> tuple[dict[str, np.ndarray], estimation.Design, dict[str, np.ndarray]] | None:
    rows = list(
        wave.responses.values_list(
            "answers", "sex", "age", "municipality__code", "stratum", "psu", "weight", "base_weight"
        )
    )
    if not rows:
        return None
    answers, sexes, ages, codes, strata, psus, weights, base = zip(*rows, strict=True)
    columns = instruments.indicator_values(wave.instrument.data, list(answers))
    w = np.array(
        [fw if fw is not None else bw for fw, bw in zip(weights, base, strict=True)], dtype=float
    )
    design = estimation.Design(
        np.array(strata, dtype=object) if any(strata) else None,
        np.array([f"{s}/{p}" for s, p in zip(strata, psus, strict=True)], dtype=object)
        if any(psus)
        else None,
        w,
        singleton="center",
    )
    domains = {
        "municipality": np.array(codes, dtype=object),
        "sex": np.array(sexes, dtype=object),
        "age_band": np.array([instruments.age_band(a) if a else None for a in ages], dtype=object),
    }
    return columns, design, domains


def _raw(wave: SurveyWave) -> list[estimation.Estimate]:
    arrays = _arrays(wave)
    if arrays is None:
        return []
    columns, design, domains = arrays
    return estimation.table(columns, design, domains)


def _shown_wave(pk: int) -> QuerySet[SurveyWave]:
    # counted in a subquery, not by grouping the wave's and its instrument's columns over a join
    # with every response
    responses = SurveyResponse.objects.filter(wave=OuterRef("pk")).order_by()
    count = responses.values("wave").annotate(n=Count("pk")).values("n")
    waves = SurveyWave.objects.select_related("instrument")
    return waves.annotate(responses_count=Coalesce(Subquery(count), 0)).filter(pk=pk)


def _other_waves(code: str, pk: int) -> QuerySet[SurveyWave]:
    return SurveyWave.objects.filter(instrument__code=code).exclude(pk=pk).only("name")


def _places(pk: int) -> QuerySet[Municipality]:
    return Municipality.objects.filter(surveywave=pk)


#: The wave page's reads, asked on every view of a wave: their SQL compiled once per process,
#: the wave's key (and its instrument's code) the parameters (``spona.core.prepared``).
_SHOWN_WAVE = Prepared(_shown_wave, 0)
_OTHER_WAVES = Prepared(_other_waves, "sample", 0)
_PLACES = Prepared(_places, 0)


def wave_shown(pk: int) -> tuple[SurveyWave, int]:
    """The wave of the key, with its instrument, and its number of responses; 404 if there
    is none."""
    found = _SHOWN_WAVE(pk)
    if not found:
        raise Http404
    wave: SurveyWave = found[0]
    return wave, wave.responses_count  # type: ignore[attr-defined]


def other_waves(wave: SurveyWave) -> list[SurveyWave]:
    """The other waves of the wave's instrument (their names), newest first."""
    return _OTHER_WAVES(wave.instrument.code, wave.pk)


def level_names(wave: SurveyWave) -> dict[str, str]:
    """Domain levels as people read them: municipality names, translated sexes."""
    names = {m.code: str(m) for m in _PLACES(wave.pk)}
    return {**names, "female": str(_("women")), "male": str(_("men"))}


def _titles(wave: SurveyWave) -> dict[str, str]:
    return {
        i["code"]: instruments.localized(i["title"]) for i in wave.instrument.data["indicators"]
    }


def wave_estimates(*, user: User, wave: SurveyWave) -> list[Shown]:
    """The full indicator table of a wave: everyone, and by municipality, sex and age band."""
    require(user, SURVEY_VIEW, wave)
    titles, levels = _titles(wave), level_names(wave)
    return [_shown(e, titles, levels) for e in _raw(wave)]


def _finite(value: float) -> float | None:
    """NaN (an interval with no degrees of freedom, a logit bound at 0 or 1) is not shown."""
    return None if math.isnan(value) else value


def _shown(
    e: estimation.Estimate, titles: dict[str, str], levels: dict[str, str] | None = None
) -> Shown:
    hidden = e.n < K
    domain, level = (e.domain[0], str(e.domain[1])) if e.domain else ("", "")
    level = (levels or {}).get(level, level)
    return Shown(
        indicator=e.name,
        title=titles.get(e.name, e.name),
        domain=domain,
        level=level,
        n=e.n,
        estimate=None if hidden else e.estimate,
        ci_low=None if hidden else _finite(e.ci_low),
        ci_high=None if hidden else _finite(e.ci_high),
        se=None if hidden else _finite(e.se),
        deff=None if hidden or math.isnan(e.deff) else e.deff,
        flagged=not hidden and e.n < FLAG_BELOW,
    )


def by_indicator(shown: list[Shown]) -> dict[str, list[Shown]]:
    grouped: dict[str, list[Shown]] = defaultdict(list)
    for item in shown:
        grouped[item.indicator].append(item)
    return dict(grouped)


@dataclass(frozen=True)
class Difference:
    title: str
    a: Shown
    b: Shown
    difference: float | None
    p_value: float | None


def compare(*, user: User, first: SurveyWave, second: SurveyWave) -> list[Difference]:
    """Everyone's estimate of each indicator both waves share, and the test of the difference
    (independent samples). Nothing is compared where either side has fewer than 11 answers."""
    require(user, SURVEY_VIEW, first)
    require(user, SURVEY_VIEW, second)
    titles = _titles(first)
    a = {e.name: e for e in _raw(first) if e.domain is None}
    b = {e.name: e for e in _raw(second) if e.domain is None}
    result = []
    for code in sorted(a.keys() & b.keys()):
        x, y = a[code], b[code]
        if min(x.n, y.n) < K:
            result.append(
                Difference(titles.get(code, code), _shown(x, titles), _shown(y, titles), None, None)
            )
            continue
        test = estimation.difference(x, y)
        result.append(
            Difference(
                titles.get(code, code),
                _shown(x, titles),
                _shown(y, titles),
                test.difference,
                test.p_value,
            )
        )
    return result


@dataclass(frozen=True)
class Headline:
    """One indicator over a wave's whole sample: its estimate as ``wave_estimates`` shows
    it, and the unweighted respondents who answered it and who said yes (for a caller that
    must protect the share as a part of a whole)."""

    shown: Shown
    answered: int
    positives: int


@dataclass(frozen=True)
class WaveHeadlines:
    wave: SurveyWave
    indicators: list[Headline]


def wave_headlines(
    *, user: User, municipalities: list[int] | None, start: date, end: date
) -> list[WaveHeadlines]:
    """The everyone-level indicators of every wave that ended on the days [start, end) and
    covered one of ``municipalities`` (``None``: any), for the statistics dashboard."""
    waves = SurveyWave.objects.filter(ends_on__gte=start, ends_on__lt=end).select_related(
        "instrument"
    )
    if municipalities is not None:
        waves = waves.filter(municipalities__in=municipalities).distinct()
    result = []
    for wave in waves.order_by("-ends_on", "pk"):
        require(user, SURVEY_VIEW, wave)
        arrays = _arrays(wave)
        if arrays is None:
            continue
        columns, design, _domains = arrays
        titles = _titles(wave)
        result.append(
            WaveHeadlines(
                wave,
                [
                    Headline(
                        _shown(e, titles),
                        int(np.count_nonzero(~np.isnan(columns[e.name]))),
                        int(np.count_nonzero(columns[e.name] == 1)),
                    )
                    for e in estimation.table(columns, design)
                ],
            )
        )
    return result


@dataclass(frozen=True)
class Answers:
    """One indicator's answers of the respondents who gave one (1.0 yes, 0.0 no), with their
    weights (the calibrated weight, else the design weight)."""

    values: list[float]
    weights: list[float]

    @property
    def positives(self) -> int:
        return sum(1 for value in self.values if value == 1.0)

    @property
    def estimate(self) -> float | None:
        """The weighted share of yes, 0 to 1 (None: nobody answered)."""
        if not self.values or not sum(self.weights):
            return None
        return float(np.average(self.values, weights=self.weights))


def indicator_answers(indicator: str, *, municipalities: list[int], year: int) -> Answers:
    """The answers to ``indicator`` of the respondents in the municipalities of the waves that
    ended in ``year`` (instruments without the indicator are left out)."""
    rows = SurveyResponse.objects.filter(
        municipality__in=municipalities, wave__ends_on__year=year
    ).values_list("wave__instrument__data", "answers", "weight", "base_weight")
    values: list[float] = []
    weights: list[float] = []
    for instrument, answers, weight, base in rows:
        if not any(i["code"] == indicator for i in instrument["indicators"]):
            continue
        value = instruments.indicator_values(instrument, [answers])[indicator][0]
        if not np.isnan(value):
            values.append(float(value))
            weights.append(weight if weight is not None else base)
    return Answers(values, weights)
