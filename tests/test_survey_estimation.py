"""Survey estimation and weighting: published NHANES II figures, equality with svy to 1e-9
and with the estimates made before SciPy to 1e-12, weighting identities, and properties.

svy (samplics' maintained successor) is the reference: every estimate, standard error,
interval, design effect, degrees of freedom and n is compared with its output on the same
data and design.
"""

import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import svy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from spona.surveys import estimation as est
from spona.surveys import weighting as wt

NHANES = Path(__file__).parent / "data" / "nhanes2.csv"
TOL = 1e-9


# ---------------------------------------------------------------------------------------
# Data and helpers
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nhanes() -> pl.DataFrame:
    return pl.read_csv(NHANES)


@pytest.fixture(scope="module")
def nhanes_design(nhanes: pl.DataFrame) -> est.Design:
    return est.Design(
        nhanes["stratid"].to_numpy(), nhanes["psuid"].to_numpy(), nhanes["finalwgt"].to_numpy()
    )


@pytest.fixture(scope="module")
def nhanes_svy(nhanes: pl.DataFrame) -> svy.Sample:
    return svy.Sample(nhanes, svy.Design(stratum="stratid", psu="psuid", wgt="finalwgt"))


def column(df: pl.DataFrame, name: str) -> np.ndarray:
    """A column as float64 with NaN for missing."""
    return df[name].cast(pl.Float64).fill_null(np.nan).to_numpy()


def svy_rows(result: svy.Estimate, y: str | None = None, by: str | None = None) -> dict:
    """svy's rows keyed by domain level (None without ``by``); proportions: level 1 of y."""
    frame = result.to_polars()
    if y is not None:
        frame = frame.filter(pl.col(y) == 1)
    return {(row[by] if by else None): row for row in frame.iter_rows(named=True)}


def assert_same(mine: est.Estimate, ref: dict, *, deff: bool = True) -> None:
    """Equal to svy: estimate, SE and CI to 1e-9 (absolute); df and n exactly; deff to 1e-9
    (relative)."""
    assert mine.estimate == pytest.approx(ref["est"], abs=TOL, rel=0)
    assert mine.se == pytest.approx(ref["se"], abs=TOL, rel=0)
    for bound, key in ((mine.ci_low, "lci"), (mine.ci_high, "uci")):
        if math.isnan(ref[key]):
            assert math.isnan(bound)
        else:
            assert bound == pytest.approx(ref[key], abs=TOL, rel=0)
    assert mine.df == ref["df"]
    assert mine.n == ref["n"]
    if deff:
        assert mine.deff == pytest.approx(ref["deff"], rel=TOL)


# ---------------------------------------------------------------------------------------
# 1. NHANES II: the published figures
# ---------------------------------------------------------------------------------------


def test_nhanes_high_blood_pressure(nhanes: pl.DataFrame, nhanes_design: est.Design) -> None:
    assert nhanes.height == 10_337
    assert nhanes_design.n_strata == 31
    assert nhanes_design.n_psu == 62
    assert nhanes_design.df == 31
    p = est.proportion(column(nhanes, "highbp"), nhanes_design)
    assert round(p.estimate, 6) == 0.368743
    assert round(p.se, 6) == 0.014320
    assert p.n == 10_337
    assert p.df == 31
    assert p.ci_low < p.estimate < p.ci_high


def test_ignoring_the_design_understates_the_standard_error(
    nhanes: pl.DataFrame, nhanes_design: est.Design
) -> None:
    """The weights alone (every respondent its own PSU, no strata) give an SE 2.6x too
    small: strata and clusters are not optional."""
    y = column(nhanes, "highbp")
    naive = est.proportion(y, est.Design(None, None, nhanes_design.weights))
    designed = est.proportion(y, nhanes_design)
    assert naive.estimate == pytest.approx(designed.estimate, abs=1e-15)
    assert designed.se / naive.se == pytest.approx(2.58, abs=0.01)
    assert designed.deff > 8


# ---------------------------------------------------------------------------------------
# 2. Equality with svy
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("deff_ref", ["wor", "wr"])
def test_nhanes_proportion_equals_svy(nhanes, nhanes_design, nhanes_svy, deff_ref) -> None:
    mine = est.proportion(column(nhanes, "highbp"), nhanes_design, deff_ref=deff_ref)
    ref = svy_rows(nhanes_svy.estimation.prop("highbp", deff=deff_ref), "highbp")[None]
    assert_same(mine, ref)


def test_nhanes_korn_graubard_equals_svy(nhanes, nhanes_design, nhanes_svy) -> None:
    mine = est.proportion(column(nhanes, "highbp"), nhanes_design, ci_method="korn-graubard")
    ref = nhanes_svy.estimation.prop("highbp", deff="wor", ci_method="korn-graubard")
    assert_same(mine, svy_rows(ref, "highbp")[None])


def test_nhanes_wald_equals_svy_mean_of_the_indicator(nhanes, nhanes_design, nhanes_svy) -> None:
    mine = est.proportion(column(nhanes, "highbp"), nhanes_design, ci_method="wald")
    assert_same(mine, svy_rows(nhanes_svy.estimation.mean("highbp", deff="wor"))[None])


def test_nhanes_mean_with_missing_values_equals_svy(nhanes, nhanes_design, nhanes_svy) -> None:
    """Serum zinc: 1,148 missing, left out of numerator and denominator, design kept."""
    zinc = column(nhanes, "zinc")
    assert np.isnan(zinc).sum() == 1_148
    mine = est.mean(zinc, nhanes_design)
    ref = svy_rows(nhanes_svy.estimation.mean("zinc", deff="wor", drop_nulls=True))[None]
    assert_same(mine, ref)
    assert mine.n == 10_337 - 1_148


def test_nhanes_proportion_with_missing_values_equals_svy(
    nhanes, nhanes_design, nhanes_svy
) -> None:
    mine = est.proportion(column(nhanes, "highlead"), nhanes_design)
    ref = nhanes_svy.estimation.prop("highlead", deff="wor", drop_nulls=True)
    assert_same(mine, svy_rows(ref, "highlead")[None])


@pytest.mark.parametrize("region", [1, 2, 3, 4])
def test_nhanes_region_domains_equal_svy(nhanes, nhanes_design, nhanes_svy, region) -> None:
    """Regions: domains made of whole strata (domain df = 7 or 8)."""
    inside = nhanes["region"].to_numpy() == region
    by = svy_rows(nhanes_svy.estimation.prop("highbp", by="region", deff="wor"), "highbp", "region")
    where = nhanes_svy.estimation.prop("highbp", where=svy.col("region") == region, deff="wor")
    mine = est.proportion(column(nhanes, "highbp"), nhanes_design, inside)
    assert_same(mine, by[region])
    assert_same(mine, svy_rows(where, "highbp")[None])
    zinc = est.mean(column(nhanes, "zinc"), nhanes_design, inside)
    ref = nhanes_svy.estimation.mean("zinc", by="region", deff="wor", drop_nulls=True)
    assert_same(zinc, svy_rows(ref, by="region")[region])


@pytest.mark.parametrize("diabetes", [0, 1])
def test_nhanes_diabetes_domains_equal_svy(nhanes, nhanes_design, nhanes_svy, diabetes) -> None:
    """Diabetics: a domain that cuts through PSUs (some PSUs have none: df 29 and 30), with
    missing domain labels and missing y."""
    inside = column(nhanes, "diabetes") == diabetes
    cases = [
        ("highbp", est.proportion, {"ci_method": "logit"}, "prop"),
        ("highlead", est.proportion, {"ci_method": "korn-graubard"}, "prop"),
        ("zinc", est.mean, {}, "mean"),
    ]
    for y, function, options, peer in cases:
        mine = function(column(nhanes, y), nhanes_design, inside, **options)
        ref = getattr(nhanes_svy.estimation, peer)(
            y, by="diabetes", deff="wor", drop_nulls=True, **options
        )
        assert_same(mine, svy_rows(ref, y if peer == "prop" else None, "diabetes")[diabetes])


def test_nhanes_table_equals_svy(nhanes, nhanes_design, nhanes_svy) -> None:
    columns = {y: column(nhanes, y) for y in ("highbp", "highlead")}
    domains = {"region": nhanes["region"].to_numpy(), "diabetes": column(nhanes, "diabetes")}
    rows = est.table(columns, nhanes_design, domains)
    assert len(rows) == 2 * (1 + 4 + 2)
    for row in rows:
        by = row.domain[0] if row.domain else None
        ref = nhanes_svy.estimation.prop(row.name, by=by, deff="wor", drop_nulls=True)
        assert_same(row, svy_rows(ref, row.name, by)[row.domain[1] if row.domain else None])


# -- a synthetic stratified cluster sample -----------------------------------------------

INDICATORS = ("heard", "recognise", "report", "false_jobs", "blame")


def synthetic(seed: int = 20_260_501, *, strata: int = 8, psus: int = 5, per_psu: int = 40):
    """8 strata x 5 PSUs x 40 respondents, unequal weights, five binary indicators with a
    few missing answers; sex and age band per respondent (some ages unknown); the
    municipality per PSU, cutting across strata (so a municipality's domain leaves PSUs
    of a stratum empty)."""
    rng = np.random.default_rng(seed)
    n = strata * psus * per_psu
    stratum = np.repeat(np.arange(strata), psus * per_psu)
    psu = np.tile(np.repeat(np.arange(1, psus + 1), per_psu), strata)
    psu_effect = np.repeat(rng.normal(0, 0.6, strata * psus), per_psu)
    weight = np.repeat(rng.uniform(20, 120, strata * psus), per_psu) * rng.lognormal(0, 0.4, n)
    sex = rng.choice(np.array(["f", "m"]), n)
    age = rng.choice(np.array(["18-29", "30-44", "45-64", "65+"]), n).astype(object)
    age[rng.uniform(size=n) < 0.03] = None
    municipality = np.repeat(rng.choice(np.array([70939, 71293, 71307]), strata * psus), per_psu)
    data = {"stratum": stratum, "psu": psu, "weight": weight}
    for shift, name in zip((2.5, -1.3, 1.6, -3.2, 0.0), INDICATORS, strict=True):
        linear = shift + psu_effect + 0.3 * (sex == "f")
        y = (rng.uniform(size=n) < 1 / (1 + np.exp(-linear))).astype(float)
        y[rng.uniform(size=n) < 0.04] = np.nan
        data[name] = y
    frame = pl.DataFrame(
        {**data, "sex": sex, "age": list(age), "municipality": municipality}
    ).with_columns([pl.col(name).fill_nan(None) for name in INDICATORS])
    return frame


@pytest.fixture(scope="module")
def sample() -> pl.DataFrame:
    return synthetic()


def spona_design(frame: pl.DataFrame, **options) -> est.Design:
    return est.Design(
        frame["stratum"].to_numpy(), frame["psu"].to_numpy(), frame["weight"].to_numpy(), **options
    )


def spona_domains(frame: pl.DataFrame) -> dict[str, np.ndarray]:
    return {
        "sex": frame["sex"].to_numpy(),
        "age": np.array(frame["age"].to_list(), dtype=object),
        "municipality": frame["municipality"].to_numpy(),
    }


@pytest.mark.parametrize("ci_method", ["logit", "korn-graubard"])
def test_synthetic_table_equals_svy(sample: pl.DataFrame, ci_method: str) -> None:
    design = spona_design(sample)
    columns = {name: column(sample, name) for name in INDICATORS}
    rows = est.table(columns, design, spona_domains(sample), ci_method=ci_method)
    assert len(rows) == len(INDICATORS) * (1 + 2 + 4 + 3)
    assert {r.df for r in rows if r.domain and r.domain[0] == "municipality"} != {design.df}

    peer = svy.Sample(sample, svy.Design(stratum="stratum", psu="psu", wgt="weight"))
    for name in INDICATORS:
        for by in (None, "sex", "age", "municipality"):
            ref = svy_rows(
                peer.estimation.prop(name, by=by, deff="wor", drop_nulls=True, ci_method=ci_method),
                name,
                by,
            )
            mine = {
                r.domain[1] if r.domain else None: r
                for r in rows
                if r.name == name and (r.domain[0] if r.domain else None) == by
            }
            assert mine.keys() == ref.keys()
            for level, row in mine.items():
                assert_same(row, ref[level])


def test_synthetic_single_estimates_equal_table(sample: pl.DataFrame) -> None:
    design = spona_design(sample)
    domains = spona_domains(sample)
    rows = est.table({"report": column(sample, "report")}, design, domains)
    for row in rows:
        inside = None if row.domain is None else domains[row.domain[0]] == row.domain[1]
        single = est.proportion(column(sample, "report"), design, inside)
        for field in ("estimate", "se", "ci_low", "ci_high", "deff"):
            assert getattr(single, field) == pytest.approx(
                getattr(row, field), abs=1e-12, nan_ok=True
            )
        assert (single.df, single.n) == (row.df, row.n)


def test_synthetic_means_equal_svy(sample: pl.DataFrame) -> None:
    frame = sample.with_columns(score=pl.col("weight").log() * 3 + pl.col("psu"))
    design = spona_design(frame)
    peer = svy.Sample(frame, svy.Design(stratum="stratum", psu="psu", wgt="weight"))
    score = frame["score"].to_numpy()
    assert_same(est.mean(score, design), svy_rows(peer.estimation.mean("score", deff="wor"))[None])
    ref = svy_rows(peer.estimation.mean("score", by="municipality", deff="wr"), by="municipality")
    muni = frame["municipality"].to_numpy()
    for level, row in ref.items():
        assert_same(est.mean(score, design, muni == level, deff_ref="wr"), row)


@pytest.mark.parametrize("rule", ["skip", "center"])
def test_single_psu_strata_follow_svy(sample: pl.DataFrame, rule: str) -> None:
    """Strata 2 and 5 keep one PSU each."""
    frame = sample.filter(~pl.col("stratum").is_in([2, 5]) | (pl.col("psu") == 1))
    with pytest.raises(est.SingletonStratumError, match="single PSU"):
        spona_design(frame)
    plain = svy.Sample(frame, svy.Design(stratum="stratum", psu="psu", wgt="weight"))
    with pytest.raises(svy.SvyError):
        plain.estimation.prop("heard", drop_nulls=True)

    design = spona_design(frame, singleton=rule)
    peer = svy.Sample(frame, svy.Design(stratum="stratum", psu="psu", wgt="weight", singleton=rule))
    for name in ("heard", "false_jobs"):
        for by in (None, "sex"):
            rows = est.table(
                {name: column(frame, name)},
                design,
                {"sex": frame["sex"].to_numpy()} if by else None,
            )
            ref = svy_rows(peer.estimation.prop(name, by=by, deff="wor", drop_nulls=True), name, by)
            for row in rows:
                if (row.domain[0] if row.domain else None) == by:
                    assert_same(row, ref[row.domain[1] if row.domain else None])


@pytest.mark.parametrize(
    ("strata", "psu", "spec"),
    [
        (None, None, {}),
        (None, "psu_id", {"psu": "psu_id"}),
        ("stratum", None, {"stratum": "stratum"}),
    ],
)
def test_designs_without_strata_or_clusters_equal_svy(sample, strata, psu, spec) -> None:
    frame = sample.with_columns(psu_id=pl.col("stratum") * 10 + pl.col("psu"))
    design = est.Design(
        None if strata is None else frame[strata].to_numpy(),
        None if psu is None else frame[psu].to_numpy(),
        frame["weight"].to_numpy(),
    )
    peer = svy.Sample(frame, svy.Design(wgt="weight", **spec))
    mine = est.proportion(column(frame, "recognise"), design)
    assert_same(
        mine,
        svy_rows(peer.estimation.prop("recognise", deff="wor", drop_nulls=True), "recognise")[None],
    )


def test_boundary_proportions_follow_svy() -> None:
    """p = 0 in a domain: logit has no interval (NaN, as in svy); Korn-Graubard gives the
    one-sided one."""
    frame = synthetic(7, strata=4, psus=3, per_psu=10).with_columns(
        never=pl.when(pl.col("sex") == "f").then(0).otherwise(pl.col("heard").fill_null(1))
    )
    design = spona_design(frame)
    women = frame["sex"].to_numpy() == "f"
    never = column(frame, "never")
    logit = est.proportion(never, design, women)
    assert logit.estimate == 0.0
    assert logit.se == 0.0
    assert math.isnan(logit.ci_low)
    assert math.isnan(logit.ci_high)
    kg = est.proportion(never, design, women, ci_method="korn-graubard")
    peer = svy.Sample(frame, svy.Design(stratum="stratum", psu="psu", wgt="weight"))
    ref = peer.estimation.prop("never", by="sex", ci_method="korn-graubard").to_polars()
    row = ref.filter((pl.col("sex") == "f") & (pl.col("never") == 0)).row(0, named=True)
    # svy reports the share of 0s (= 1): its interval mirrors ours for the share of 1s.
    assert kg.ci_low == 0.0
    assert kg.ci_high == pytest.approx(1 - row["lci"], abs=TOL)
    assert row["uci"] == 1.0


# -- equality with the hand-written distributions that SciPy replaced --------------------

BEFORE_SCIPY = Path(__file__).parent / "data" / "estimates_before_scipy.json"
COLUMNS = ("name", "domain", "estimate", "se", "ci_low", "ci_high", "deff", "df", "n")


def reference_estimates(module, nhanes: pl.DataFrame) -> dict[str, list]:
    """The estimates recorded in BEFORE_SCIPY, computed with ``module`` (the estimation
    package): NHANES with each interval method by region and diabetes, and its mean zinc;
    the synthetic sample with each method by sex, age and municipality, with two lonely
    PSUs centred, and with a share of 0 in a domain."""
    design = module.Design(
        nhanes["stratid"].to_numpy(), nhanes["psuid"].to_numpy(), nhanes["finalwgt"].to_numpy()
    )
    found: dict[str, list] = {}
    for method in est.CI_METHODS:
        found[f"nhanes {method}"] = module.table(
            {y: column(nhanes, y) for y in ("highbp", "highlead")},
            design,
            {"region": nhanes["region"].to_numpy(), "diabetes": column(nhanes, "diabetes")},
            ci_method=method,
        )
    found["nhanes zinc"] = [module.mean(column(nhanes, "zinc"), design)] + [
        module.mean(column(nhanes, "zinc"), design, nhanes["region"].to_numpy() == region)
        for region in (1, 2, 3, 4)
    ]
    frame = synthetic()
    lonely = frame.filter(~pl.col("stratum").is_in([2, 5]) | (pl.col("psu") == 1))
    for method in est.CI_METHODS:
        for label, data, options in (("", frame, {}), (" lonely", lonely, {"singleton": "center"})):
            found[f"synthetic {method}{label}"] = module.table(
                {name: column(data, name) for name in INDICATORS},
                module.Design(
                    data["stratum"].to_numpy(),
                    data["psu"].to_numpy(),
                    data["weight"].to_numpy(),
                    **options,
                ),
                spona_domains(data),
                ci_method=method,
            )
    small = synthetic(7, strata=4, psus=3, per_psu=10).with_columns(
        never=pl.when(pl.col("sex") == "f").then(0).otherwise(pl.col("heard").fill_null(1))
    )
    for method in est.CI_METHODS:
        found[f"boundary {method}"] = module.table(
            {"never": column(small, "never")},
            module.Design(
                small["stratum"].to_numpy(), small["psu"].to_numpy(), small["weight"].to_numpy()
            ),
            {"sex": small["sex"].to_numpy()},
            ci_method=method,
        )
    return found


def as_row(estimate: est.Estimate) -> list:
    """An estimate as a row of COLUMNS; NaN as None (JSON has no NaN)."""
    row = [getattr(estimate, name) for name in COLUMNS]
    row[1] = list(estimate.domain) if estimate.domain else None
    return [None if isinstance(v, float) and math.isnan(v) else v for v in row]


def test_estimates_equal_those_of_the_hand_written_distributions(nhanes) -> None:
    """Until SciPy, the Student t and beta quantiles were Spona's own code; BEFORE_SCIPY holds
    what that code estimated. Every number is the same to 1e-12, df and n exactly."""
    recorded = json.loads(BEFORE_SCIPY.read_text(encoding="utf-8"))
    assert recorded["columns"] == list(COLUMNS)
    current = reference_estimates(est, nhanes)
    assert current.keys() == recorded["cases"].keys()
    compared = 0
    for case, rows in recorded["cases"].items():
        assert len(current[case]) == len(rows), case
        for estimate, before in zip(current[case], rows, strict=True):
            now = as_row(estimate)
            assert now[:2] == before[:2], case
            assert now[7:] == before[7:], (case, now[:2])
            for value, old in zip(now[2:7], before[2:7], strict=True):
                assert (value is None) == (old is None), (case, now[:2])
                if old is not None:
                    assert value == pytest.approx(old, abs=1e-12, rel=1e-12), (case, now[:2])
            compared += 1
    assert compared == 356


# ---------------------------------------------------------------------------------------
# Differences between independent samples
# ---------------------------------------------------------------------------------------


def test_difference_between_waves() -> None:
    first = synthetic(1)
    second = synthetic(2)
    a = est.proportion(column(first, "blame"), spona_design(first), name="blame")
    b = est.proportion(column(second, "blame"), spona_design(second), name="blame")
    comparison = est.difference(a, b)
    assert comparison.difference == a.estimate - b.estimate
    assert comparison.se == pytest.approx(math.hypot(a.se, b.se), rel=1e-15)
    z = comparison.difference / comparison.se
    assert comparison.z == pytest.approx(z, rel=1e-15)
    assert comparison.p_value == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-12)
    half = stats.norm.ppf(0.975) * comparison.se
    assert comparison.ci_low == pytest.approx(comparison.difference - half, abs=1e-15)
    assert comparison.ci_high == pytest.approx(comparison.difference + half, abs=1e-15)
    same = est.difference(a, a)
    assert same.difference == 0.0
    assert same.p_value == 1.0


# ---------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------


def test_inputs_are_checked(sample: pl.DataFrame) -> None:
    design = spona_design(sample)
    with pytest.raises(ValueError, match="0, 1 or NaN"):
        est.proportion(np.full(design.n, 2.0), design)
    with pytest.raises(ValueError, match="boolean"):
        est.proportion(column(sample, "heard"), design, np.zeros(design.n))
    with pytest.raises(ValueError, match="ci_method"):
        est.proportion(column(sample, "heard"), design, ci_method="exact")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-negative"):
        est.Design(None, None, [1.0, -1.0])
    with pytest.raises(ValueError, match="missing"):
        est.Design(np.array([1.0, np.nan]), None, [1.0, 1.0])
    with pytest.raises(ValueError, match="respondents"):
        est.mean([1.0, 2.0], design)


def test_an_empty_domain_has_no_estimate(sample: pl.DataFrame) -> None:
    design = spona_design(sample)
    nobody = est.proportion(column(sample, "heard"), design, np.zeros(design.n, dtype=bool))
    assert nobody.n == 0
    assert math.isnan(nobody.estimate)
    assert math.isnan(nobody.se)
    assert math.isnan(nobody.ci_low)


# ---------------------------------------------------------------------------------------
# 3. Weighting
# ---------------------------------------------------------------------------------------

SEX_AGE = {
    ("f", "18-29"): 5_210.0,
    ("f", "30-44"): 6_480.0,
    ("f", "45-64"): 9_020.0,
    ("f", "65+"): 7_330.0,
    ("m", "18-29"): 5_540.0,
    ("m", "30-44"): 6_710.0,
    ("m", "45-64"): 8_650.0,
    ("m", "65+"): 5_060.0,
}


def margins_of(cells: dict) -> dict[str, dict[str, float]]:
    sex: dict[str, float] = {}
    age: dict[str, float] = {}
    for (s, a), total in cells.items():
        sex[s] = sex.get(s, 0.0) + total
        age[a] = age.get(a, 0.0) + total
    return {"sex": sex, "age": age}


@pytest.fixture(scope="module")
def respondents() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(11)
    n = 600
    return {
        "sex": rng.choice(np.array(["f", "m"]), n, p=[0.6, 0.4]),
        "age": rng.choice(np.array(["18-29", "30-44", "45-64", "65+"]), n, p=[0.1, 0.2, 0.3, 0.4]),
        "municipality": rng.choice(np.array(["pirot", "nis", "vranje"]), n),
        "base": wt.base_weights(rng.uniform(0.002, 0.02, n)),
    }


def test_base_weights() -> None:
    assert wt.base_weights([0.5, 0.25, 1.0]).tolist() == [2.0, 4.0, 1.0]
    with pytest.raises(wt.WeightingError):
        wt.base_weights([0.5, 0.0])
    with pytest.raises(wt.WeightingError):
        wt.base_weights([1.5])


def test_poststratified_weights_reproduce_cell_totals(respondents) -> None:
    cells = (respondents["sex"], respondents["age"])
    weights = wt.poststratify(respondents["base"], cells, SEX_AGE)
    for (sex, age), total in SEX_AGE.items():
        inside = (respondents["sex"] == sex) & (respondents["age"] == age)
        assert weights[inside].sum() == pytest.approx(total, rel=1e-14)
    assert weights.sum() == pytest.approx(sum(SEX_AGE.values()), rel=1e-14)
    # within a cell the base weights keep their proportions
    inside = (respondents["sex"] == "f") & (respondents["age"] == "65+")
    ratio = weights[inside] / respondents["base"][inside]
    assert np.ptp(ratio) < 1e-12 * ratio.max()
    as_tuples = list(zip(respondents["sex"].tolist(), respondents["age"].tolist(), strict=True))
    assert wt.poststratify(respondents["base"], as_tuples, SEX_AGE).tolist() == weights.tolist()
    single = wt.poststratify(respondents["base"], respondents["sex"], margins_of(SEX_AGE)["sex"])
    assert single[respondents["sex"] == "m"].sum() == pytest.approx(
        margins_of(SEX_AGE)["sex"]["m"], rel=1e-14
    )


def test_poststratification_names_the_empty_cell(respondents) -> None:
    no_old_men = ~((respondents["sex"] == "m") & (respondents["age"] == "65+"))
    cells = (respondents["sex"][no_old_men], respondents["age"][no_old_men])
    with pytest.raises(wt.EmptyCellError, match=r"\('m', '65\+'\).*no respondents"):
        wt.poststratify(respondents["base"][no_old_men], cells, SEX_AGE)
    partial = {k: v for k, v in SEX_AGE.items() if k != ("f", "18-29")}
    with pytest.raises(wt.WeightingError, match="no population total"):
        wt.poststratify(respondents["base"], (respondents["sex"], respondents["age"]), partial)


def test_raking_meets_every_margin(respondents) -> None:
    margins = margins_of(SEX_AGE)
    total = sum(SEX_AGE.values())
    municipality = {"pirot": 0.3 * total, "nis": 0.5 * total, "vranje": 0.2 * total}
    result = wt.rake(
        respondents["base"],
        {
            "sex": (respondents["sex"], margins["sex"]),
            "age": (respondents["age"], margins["age"]),
            "municipality": (respondents["municipality"], municipality),
        },
        tol=1e-10,
    )
    assert result.iterations > 1
    assert result.max_relative_error <= 1e-10
    for labels, targets in (
        (respondents["sex"], margins["sex"]),
        (respondents["age"], margins["age"]),
        (respondents["municipality"], municipality),
    ):
        for level, target in targets.items():
            assert result.weights[labels == level].sum() == pytest.approx(target, rel=1e-10)


def test_raking_equals_svy(respondents) -> None:
    margins = margins_of(SEX_AGE)
    mine = wt.rake(
        respondents["base"],
        {"sex": (respondents["sex"], margins["sex"]), "age": (respondents["age"], margins["age"])},
        tol=1e-13,
    )
    frame = pl.DataFrame(
        {"sex": respondents["sex"], "age": respondents["age"], "w": respondents["base"]}
    )
    peer = svy.Sample(frame, svy.Design(wgt="w")).weighting.rake(
        controls={"sex": margins["sex"], "age": margins["age"]}, tol=1e-13, max_iter=1000
    )
    theirs = peer.data["rk_wgt"].to_numpy()
    np.testing.assert_allclose(mine.weights, theirs, rtol=1e-9)


def test_raking_errors_are_clear(respondents) -> None:
    margins = margins_of(SEX_AGE)
    young = respondents["age"] != "18-29"
    with pytest.raises(wt.EmptyCellError, match=r"margin 'age'.*'18-29'"):
        wt.rake(
            respondents["base"][young],
            {
                "sex": (respondents["sex"][young], margins["sex"]),
                "age": (respondents["age"][young], margins["age"]),
            },
        )
    with pytest.raises(wt.WeightingError, match="different populations"):
        wt.rake(
            respondents["base"],
            {
                "sex": (respondents["sex"], {"f": 1.0, "m": 1.0}),
                "age": (respondents["age"], margins["age"]),
            },
        )
    with pytest.raises(wt.ConvergenceError, match="did not converge"):
        wt.rake(
            respondents["base"],
            {
                "sex": (respondents["sex"], margins["sex"]),
                "age": (respondents["age"], margins["age"]),
            },
            max_iter=1,
        )


def test_trimming_caps_and_keeps_the_total(respondents) -> None:
    weights = respondents["base"].copy()
    weights[:5] *= 30  # a few extreme weights
    trimmed = wt.trim(weights, 3.5)
    cap = 3.5 * np.median(weights)
    assert trimmed.max() <= cap * (1 + 1e-12)
    assert (trimmed >= cap * (1 - 1e-12)).sum() >= 5
    assert trimmed.sum() == pytest.approx(weights.sum(), rel=1e-12)
    untouched = weights < cap / 2
    ratio = trimmed[untouched] / weights[untouched]
    assert ratio.min() > 1.0
    assert np.ptp(ratio) < 1e-9  # the excess is shared in proportion to the weights
    assert wt.trim(weights, 1e6).tolist() == weights.tolist()
    with pytest.raises(wt.WeightingError, match="max_ratio"):
        wt.trim(weights, 0.5)
    with pytest.raises(wt.WeightingError, match="cannot keep the total"):
        wt.trim(np.array([1.0, 1.0, 100.0]), 1.0)


# ---------------------------------------------------------------------------------------
# 4. Properties
# ---------------------------------------------------------------------------------------


@st.composite
def small_samples(draw):
    strata = draw(st.integers(1, 4))
    stratum, psu = [], []
    for h in range(strata):
        for p in range(draw(st.integers(2, 4))):
            size = draw(st.integers(1, 6))
            stratum += [h] * size
            psu += [p] * size
    n = len(stratum)
    weight = draw(st.lists(st.floats(0.1, 1000.0), min_size=n, max_size=n))
    y = draw(st.lists(st.sampled_from([0.0, 1.0, np.nan]), min_size=n, max_size=n))
    domain = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return (
        est.Design(np.array(stratum), np.array(psu), np.array(weight)),
        np.array(y),
        np.array(domain),
    )


@settings(max_examples=200, deadline=None)
@given(small_samples(), st.sampled_from(["logit", "wald", "korn-graubard"]))
def test_proportions_and_intervals_behave(data, ci_method) -> None:
    design, y, domain = data
    for inside in (None, domain):
        p = est.proportion(y, design, inside, ci_method=ci_method)
        if p.n == 0:
            assert math.isnan(p.estimate)
            continue
        assert 0.0 <= p.estimate <= 1.0
        assert p.se >= 0.0
        if 0.0 < p.estimate < 1.0 and p.df > 0 and not math.isnan(p.deff):
            assert p.deff >= 0.0
            if p.se > 0:
                assert p.deff > 0.0
        if ci_method != "wald" and not math.isnan(p.ci_low):
            assert 0.0 <= p.ci_low <= p.estimate + 1e-12
            assert p.estimate - 1e-12 <= p.ci_high <= 1.0
