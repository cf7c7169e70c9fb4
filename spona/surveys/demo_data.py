"""Invented survey waves whose marginals resemble the 2014 study's figures.

:func:`generate_wave` gives one row per respondent keyed by the KoboToolbox/ODK export
columns (the instrument's ``kobo`` mapping, :data:`~spona.surveys.instruments.STANDARD_COLUMNS`,
and Kobo's ``_uuid`` and ``_index`` meta columns), so the same rows can be written as a
Kobo-style CSV (:func:`write_csv`) or XLSX and imported like a real export.

How the answers are made (see ``data/README.md``):

* Sample design: ``strata`` strata of near-equal sample size, ``psus_per_stratum`` PSUs
  (clusters) in each; PSU labels are unique across strata (``"2-3"``). Design weights sum to
  the municipality's 2022 census population (citizens) or to ``n`` (professionals, a census
  of the staff), with stratum and individual variation (about ±30% and ±10%).
* Each respondent has a latent "informed" score (PSU effect + age effect + noise), so answers
  cluster in PSUs (design effects above 1) and hang together (those who have heard of
  trafficking are the ones who think they could recognise it; the informed blame victims
  less).
* For each question the number of respondents giving each answer is fixed in advance from
  the target shares (largest remainder), after a small seeded jitter of the shares (the
  shares are multiplied by ``exp(u)``, ``u`` uniform in ±0.05, and renormalised, which moves
  a 50% share by at most about 2.5 points), and the answers are dealt out in the order of
  each respondent's score. Unweighted marginals therefore stay within a few points of the
  study's figures for any seed, and the municipalities still differ a little.

Everything depends only on the arguments: the same seed gives the same rows.
"""

import csv
import io
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from spona.surveys.instruments import STANDARD_COLUMNS, Instrument, Question

CROSSWALK = (
    Path(__file__).resolve().parent.parent
    / "institutions"
    / "data"
    / "serbia_municipalities_crosswalk_derived.csv"
)
JITTER = 0.05

#: The study's published figures (December 2014 summary), as shares, by instrument and
#: indicator code. Only these are study figures; the other targets below are invented.
STUDY_FIGURES: dict[str, dict[str, float]] = {
    "citizens": {
        "aware": 0.944,
        "stereotype_sexual_abroad": 0.254,
        "can_recognise": 0.206,
        "would_report_police": 0.87,
        "knows_false_job": 0.039,
        "social_distance": 0.203,
        "victim_blaming": 0.505,
    },
    "professionals": {"victim_blaming": 0.317},
}


@dataclass(frozen=True)
class Target:
    """Answer shares of one question among those asked it.

    The first option listed goes to the respondents with the highest score, where the score
    is ``lean`` × informed + noise (a negative lean gives the first option to the least
    informed). ``asked_if`` (question, code) asks only those who gave that answer; the
    others get ``otherwise`` (None: blank, the question was skipped).
    """

    shares: Mapping[str, float]
    lean: float = 0.0
    asked_if: tuple[str, str] | None = None
    otherwise: str | None = None


@dataclass(frozen=True)
class Group:
    """One kind of answer to a multiple-choice question: ``share`` of respondents choose one
    or two of ``core`` and each of ``extra`` with probability 0.3."""

    share: float
    core: tuple[str, ...]
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class MultipleTarget:
    """Groups of a multiple-choice question, dealt out like :class:`Target` shares."""

    groups: Sequence[Group]
    lean: float = 0.0


@dataclass(frozen=True)
class NumberTarget:
    """Whole numbers drawn uniformly from ``low`` to ``high`` inclusive."""

    low: int
    high: int


type AnyTarget = Target | MultipleTarget | NumberTarget

_METHODS = ("marriage_promise", "internet_contact", "family")

#: Targets by instrument code and question code. Citizens: heard 94.4% (study), what
#: trafficking is (sexual exploitation abroad 25.4%, kidnapping of children 7.5%, organ
#: trade 7.5%, baby theft 5.6%, child begging 1 of 600: study; the rest invented), could
#: recognise 20.6%, police 87%, false job offers or a better life 3.9%, neighbour 20.3%,
#: agree or fully agree that victims contributed 50.5% (study). Professionals: victim
#: blaming 31.7% (study); knowledge shares invented to fit the study's words (the intent,
#: awareness, within-Serbia and non-physical-control items mostly right; begging vs
#: trafficking, smuggling vs trafficking and first contact poorly known).
TARGETS: dict[str, dict[str, AnyTarget]] = {
    "citizens": {
        "heard": Target({"yes": 0.944, "no": 0.056}, lean=0.7),
        "what_is": Target(
            {  # among those who have heard of trafficking; overall = share × 0.944
                "sexual_exploitation_abroad": 0.269,
                "kidnapping_children": 0.0795,
                "organ_trade": 0.0795,
                "baby_theft": 0.0593,
                "child_begging": 0.0018,
                "labour_exploitation": 0.032,
                "other": 0.042,
                "dont_know": 0.047,
                "selling_people": 0.3899,
            },
            asked_if=("heard", "yes"),
            otherwise="dont_know",
        ),
        "can_recognise": Target(
            {"yes": 0.218, "no": 0.782}, lean=0.6, asked_if=("heard", "yes"), otherwise="no"
        ),
        "how_recognise": Target(
            {
                "intuition": 0.34,
                "behaviour": 0.30,
                "life_experience": 0.20,
                "signs_of_control": 0.09,
                "other": 0.05,
                "dont_know": 0.02,
            },
            asked_if=("can_recognise", "yes"),
        ),
        "report_to": Target(
            {
                "police": 0.87,
                "social_welfare": 0.04,
                "ngo": 0.02,
                "nobody": 0.02,
                "dont_know": 0.05,
            },
            lean=0.3,
        ),
        "recruitment": MultipleTarget(
            [
                Group(0.039, ("false_job_offer", "promise_better_life"), ("kidnapping", *_METHODS)),
                Group(0.09, _METHODS, ("kidnapping",)),
                Group(0.66, ("kidnapping",), ("other",)),
                Group(0.04, ("other",)),
                Group(0.171, ("dont_know",)),
            ],
            lean=0.6,
        ),
        "begging": Target({"yes": 0.15, "no": 0.45, "dont_know": 0.40}, lean=0.4),
        "neighbour": Target({"no": 0.797, "yes": 0.203}, lean=0.3),
        "victims_contributed": Target(
            {"1": 0.12, "2": 0.17, "3": 0.205, "4": 0.32, "5": 0.185}, lean=0.4
        ),
    },
    "professionals": {
        "intent": Target({"true": 0.88, "false": 0.05, "dont_know": 0.07}, lean=0.6),
        "victim_awareness": Target({"true": 0.85, "false": 0.08, "dont_know": 0.07}, lean=0.6),
        "within_serbia": Target({"true": 0.90, "false": 0.05, "dont_know": 0.05}, lean=0.6),
        "non_physical_control": Target({"true": 0.88, "false": 0.05, "dont_know": 0.07}, lean=0.6),
        "begging": Target({"true": 0.46, "false": 0.39, "dont_know": 0.15}, lean=0.6),
        "smuggling_same": Target({"false": 0.41, "true": 0.44, "dont_know": 0.15}, lean=0.6),
        "contact_centre": Target(
            {"within_24h": 0.37, "only_after_police": 0.34, "never": 0.07, "dont_know": 0.22},
            lean=0.6,
        ),
        "child_identification": Target(
            {"centre": 0.44, "social_welfare_centre": 0.32, "police": 0.12, "dont_know": 0.12},
            lean=0.6,
        ),
        "victims_contributed": Target(
            {"1": 0.22, "2": 0.25, "3": 0.213, "4": 0.195, "5": 0.122}, lean=0.4
        ),
        "years_in_service": NumberTarget(1, 35),
    },
}

#: Share of women and age range (inclusive) by population. Citizens about 52/48 as in
#: Serbia's adult population; the staff of social welfare centres is mostly women.
DEMOGRAPHICS: dict[str, tuple[float, int, int]] = {
    "citizens": (0.52, 18, 75),
    "professionals": (0.80, 25, 64),
}


@cache
def municipality_population(code: str) -> int:
    """2022 census population of a municipality by official code (the crosswalk's)."""
    with CROSSWALK.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["opstina_sifra"] == code:
                return int(row["pop2022"])
    raise ValueError(f"unknown municipality code {code!r}")


def _counts(shares: Sequence[float], total: int) -> list[int]:
    """Largest-remainder apportionment of ``total`` to ``shares`` (normalised)."""
    s = sum(shares)
    exact = [total * share / s for share in shares]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _jitter(shares: Sequence[float], rng: np.random.Generator) -> list[float]:
    factors = np.exp(rng.uniform(-JITTER, JITTER, len(shares)))
    jittered = [share * float(f) for share, f in zip(shares, factors, strict=True)]
    total = sum(jittered)
    return [share / total for share in jittered]


def _deal(
    members: npt.NDArray[np.intp],
    shares: Sequence[float],
    lean: float,
    informed: npt.NDArray[np.float64],
    rng: np.random.Generator,
) -> list[tuple[int, int]]:
    """(respondent, category index) pairs: exact counts, in order of lean × informed + noise."""
    score = lean * informed[members] + math.sqrt(max(1.0 - lean * lean, 0.0)) * rng.normal(
        size=len(members)
    )
    order = members[np.argsort(-score, kind="stable")]
    pairs: list[tuple[int, int]] = []
    start = 0
    for category, count in enumerate(_counts(_jitter(shares, rng), len(members))):
        pairs += [(int(r), category) for r in order[start : start + count]]
        start += count
    return pairs


def _fallback(question: Question) -> AnyTarget:
    """Uniform answers for a question the targets do not cover."""
    if question["type"] == "number":
        return NumberTarget(0, 30)
    codes = [option["code"] for option in question.get("options", [])]
    if question["type"] == "multiple":
        return MultipleTarget([Group(1.0, tuple(codes))])
    return Target(dict.fromkeys(codes, 1.0))


def _design(
    n: int, strata: int, psus_per_stratum: int, population: float, rng: np.random.Generator
) -> tuple[list[str], list[str], list[int], npt.NDArray[np.float64]]:
    stratum_sizes = _counts([1.0] * strata, n)
    stratum_totals = rng.uniform(0.7, 1.3, strata)
    stratum_totals = population * stratum_totals / stratum_totals.sum()
    strata_of, psus_of, psu_index = [], [], []
    weights = np.empty(n, dtype=np.float64)
    start = 0
    for h, size in enumerate(stratum_sizes):
        factors = rng.uniform(0.9, 1.1, size)
        weights[start : start + size] = stratum_totals[h] * factors / factors.sum()
        for k, psu_size in enumerate(_counts([1.0] * psus_per_stratum, size)):
            strata_of += [str(h + 1)] * psu_size
            psus_of += [f"{h + 1}-{k + 1}"] * psu_size
            psu_index += [h * psus_per_stratum + k] * psu_size
        start += size
    return strata_of, psus_of, psu_index, weights


def generate_wave(
    instrument: Instrument,
    *,
    municipality_code: str,
    n: int,
    seed: int,
    strata: int = 4,
    psus_per_stratum: int = 5,
    population: float | None = None,
) -> list[dict[str, str]]:
    """``n`` invented responses to ``instrument`` in one municipality, as Kobo export rows.

    ``population`` (the sum of the design weights) defaults to the municipality's 2022
    census population for citizens and to ``n`` for professionals.
    """
    if n < 1 or strata < 1 or psus_per_stratum < 1:
        raise ValueError("n, strata and psus_per_stratum must be at least 1")
    if population is None:
        citizens = instrument["population"] == "citizens"
        population = float(municipality_population(municipality_code)) if citizens else float(n)
    rng = np.random.default_rng(
        [seed, int(municipality_code) if municipality_code.isdigit() else 0]
    )
    female_share, age_low, age_high = DEMOGRAPHICS[instrument["population"]]

    strata_of, psus_of, psu_index, weights = _design(n, strata, psus_per_stratum, population, rng)
    sexes = np.where(rng.random(n) < female_share, "female", "male")
    ages = rng.integers(age_low, age_high + 1, n)
    old = ages >= 65  # fewer of the oldest respondents: re-draw a fifth of them
    redraw = old & (rng.random(n) < 0.2)
    ages[redraw] = rng.integers(age_low, min(age_high, 64) + 1, int(redraw.sum()))
    psu_effect = rng.normal(0.0, 0.5, strata * psus_per_stratum)
    informed = (
        psu_effect[np.asarray(psu_index)]
        - 0.4 * ((ages - 42.0) / 25.0) ** 2
        + rng.normal(0.0, 1.0, n)
    )
    informed = (informed - informed.mean()) / (informed.std() or 1.0)

    targets = TARGETS.get(instrument["code"], {})
    answers: dict[str, list[str]] = {}
    everyone = np.arange(n)
    for question in instrument["questions"]:
        code = question["code"]
        target = targets.get(code) or _fallback(question)
        column = [""] * n
        if isinstance(target, NumberTarget):
            column = [str(int(v)) for v in rng.integers(target.low, target.high + 1, n)]
        elif isinstance(target, MultipleTarget):
            groups = list(target.groups)
            shares = [g.share for g in groups]
            for respondent, g in _deal(everyone, shares, target.lean, informed, rng):
                group = groups[g]
                picks = int(rng.integers(1, min(2, len(group.core)) + 1))
                chosen = [str(c) for c in rng.choice(group.core, size=picks, replace=False)]
                chosen += [c for c in group.extra if rng.random() < 0.3 and c not in chosen]
                column[respondent] = " ".join(sorted(chosen))
        else:
            members = everyone
            if target.asked_if is not None:
                asked_question, asked_code = target.asked_if
                previous = answers[asked_question]
                members = np.asarray([i for i in range(n) if previous[i] == asked_code], np.intp)
                if target.otherwise is not None:
                    column = [target.otherwise] * n
            codes = list(target.shares)
            shares = list(target.shares.values())
            for respondent, c in _deal(members, shares, target.lean, informed, rng):
                column[respondent] = codes[c]
        answers[code] = column

    rows = []
    for i in range(n):
        row = {
            STANDARD_COLUMNS["sex"]: str(sexes[i]),
            STANDARD_COLUMNS["age"]: str(int(ages[i])),
            STANDARD_COLUMNS["municipality"]: municipality_code,
            STANDARD_COLUMNS["stratum"]: strata_of[i],
            STANDARD_COLUMNS["psu"]: psus_of[i],
            STANDARD_COLUMNS["weight"]: f"{weights[i]:.4f}",
        }
        for question in instrument["questions"]:
            row[instrument["kobo"][question["code"]]] = answers[question["code"]][i]
        row["_uuid"] = str(uuid.UUID(bytes=rng.bytes(16), version=4))
        row["_index"] = str(i + 1)
        rows.append(row)
    return rows


def write_csv(rows: Sequence[Mapping[str, str]]) -> bytes:
    """Rows as a Kobo-style CSV: UTF-8 without BOM, ',' separated, a header of export
    columns, CRLF line ends, multiple-choice answers as space-separated codes."""
    if not rows:
        raise ValueError("no rows to write")
    header = list(rows[0])
    for i, row in enumerate(rows):
        if list(row) != header:
            raise ValueError(f"row {i} does not have the columns of the first row")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[column] for column in header])
    return buffer.getvalue().encode("utf-8")
