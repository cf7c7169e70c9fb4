"""Design-based estimates for survey waves: weighted proportions and means, with Taylor
linearisation standard errors for stratified cluster designs.

Pure numpy (and the standard library): no survey package at run time. The numbers equal
those of ``svy`` (samplics' successor) to 1e-9; ``tests/test_survey_estimation.py`` checks it.

Variance
    With-replacement ("ultimate cluster") Taylor linearisation, as Stata ``svy``, R
    ``survey``, samplics and svy compute it: the linearised scores of the ratio estimator
    ``sum(w y) / sum(w)`` are summed to PSU totals ``z_hi``, and

        var = sum_h  n_h / (n_h - 1) * sum_i (z_hi - zbar_h)^2

    with ``n_h`` the PSUs of stratum ``h``. No finite population correction. A design
    without PSUs takes every respondent as its own PSU; one without strata has one stratum.

Domains (subpopulations)
    A domain never subsets the design: scores outside it are zero and every PSU of the
    full sample stays in the sum above, so a PSU with no domain member counts as a zero
    total. The degrees of freedom follow svy (and R's ``degf`` of a subset design): the
    PSUs with at least one domain respondent, minus the strata holding them.

Missing values
    ``NaN`` in ``y`` removes the respondent from the numerator and the denominator of that
    estimate only, exactly as if the respondent were outside the domain (svy's
    ``drop_nulls=True``): the design is kept whole.

Strata with a single PSU
    Their variance is undefined. The default ``singleton="error"`` raises, as svy does
    when the design declares no rule; ``"skip"`` lets such a stratum contribute nothing
    (svy ``Singleton("skip")``, R ``"remove"``, what Stata and R call "certainty"), and
    ``"center"`` measures the lone PSU around the mean of all PSU totals (svy
    ``Singleton("center")``, R ``"adjust"``, Stata ``singleunit(centered)``).

Confidence intervals
    Student t with the design degrees of freedom (PSUs minus strata), svy's default. For
    proportions ``ci_method`` is ``"logit"`` (the default: a t interval on the logit scale,
    always inside (0, 1), svy's and Stata's default), ``"wald"`` (p +/- t se, svy's
    ``mean`` of the 0/1 variable) or ``"korn-graubard"`` (Clopper-Pearson on the
    df-adjusted effective sample size truncated at n, NCHS's rule, svy's ``korn-graubard``;
    it alone gives an interval at p = 0 or 1). With no degrees of freedom left, or with
    ``logit``/``wald`` at p = 0 or 1, the bounds are NaN, as in svy.

Design effect
    Design variance over the variance of the same estimate under simple random sampling of
    the same number of respondents: ``deff_ref="wor"`` (the default, Kish's deff, Stata's
    ``estat effects``) includes the without-replacement correction ``1 - n / sum(w)``;
    ``"wr"`` leaves it out (deft squared). When the weights do not sum to more than the
    respondents (normalised weights), the ``"wor"`` reference does not exist: deff is NaN.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

CIMethod = Literal["logit", "wald", "korn-graubard"]
DeffReference = Literal["wor", "wr"]
SingletonRule = Literal["error", "skip", "center"]
Kind = Literal["proportion", "mean"]

CI_METHODS: tuple[str, ...] = ("logit", "wald", "korn-graubard")
# svy's tolerance for a proportion at 0 or 1 and for a zero standard error.
_BOUNDARY_TOL = 1e-12


class SingletonStratumError(ValueError):
    """A stratum has one PSU and the design says nothing about how to treat it."""


# ---------------------------------------------------------------------------------------
# The design
# ---------------------------------------------------------------------------------------


def _dense_codes(values: npt.ArrayLike, what: str) -> tuple[IntArray, np.ndarray]:
    """Codes 0..k-1 for the distinct values (sorted), and the values themselves."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional")
    if arr.dtype.kind in "iub" and arr.size:
        low, high = int(arr.min()), int(arr.max())
        if high - low <= 4 * arr.size + 1024:  # a lookup table beats sorting
            shifted = arr.astype(np.intp) - low
            present = np.bincount(shifted, minlength=high - low + 1) > 0
            lookup = np.cumsum(present, dtype=np.intp) - 1
            return lookup[shifted], np.flatnonzero(present) + low
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        raise ValueError(f"{what} has missing values")
    if arr.dtype.kind == "O" and any(v is None for v in arr.tolist()):
        raise ValueError(f"{what} has missing values")
    few = _few_levels(arr)
    if few is not None:
        return few
    labels, codes = np.unique(arr, return_inverse=True)
    return codes.astype(np.intp, copy=False), labels


def _few_levels(arr: np.ndarray, limit: int = 16) -> tuple[IntArray, np.ndarray] | None:
    """Codes for an array of few distinct values (sex, age band as text) by comparison,
    which is much faster than sorting strings; None when there are more than ``limit``."""
    if len(set(arr[:2000].tolist())) > limit:
        return None
    found: list[object] = []
    rest = arr
    while rest.size:
        if len(found) == limit:
            return None
        found.append(rest[0])
        rest = rest[rest != rest[0]]
    labels = np.sort(np.array(found, dtype=arr.dtype))
    codes = np.zeros(arr.size, dtype=np.intp)
    for i, value in enumerate(labels[1:], start=1):
        codes[arr == value] = i
    return codes, labels


class Design:
    """A stratified cluster sample: one entry per respondent in each array.

    ``strata`` and ``psu`` are labels of any kind (``None``: no strata, or every respondent
    its own PSU). PSU labels are nested in strata: PSU 1 of stratum A and PSU 1 of stratum
    B are two PSUs. ``weights`` are non-negative and finite.
    """

    __slots__ = (
        "_psu_factor",
        "_singleton_psu",
        "n",
        "n_psu",
        "n_strata",
        "psu_index",
        "psu_stratum",
        "psus_per_stratum",
        "singleton",
        "stratum_labels",
        "stratum_starts",
        "weights",
    )

    def __init__(
        self,
        strata: npt.ArrayLike | None,
        psu: npt.ArrayLike | None,
        weights: npt.ArrayLike,
        *,
        singleton: SingletonRule = "error",
    ) -> None:
        w = np.array(weights, dtype=np.float64)
        if w.ndim != 1 or w.size == 0:
            raise ValueError("weights must be a non-empty one-dimensional array")
        if not np.isfinite(w).all() or (w < 0).any():
            raise ValueError("weights must be finite and non-negative")
        if singleton not in ("error", "skip", "center"):
            raise ValueError(f"unknown singleton rule {singleton!r}")
        n = w.size
        w.flags.writeable = False

        if strata is None:
            stratum_code = np.zeros(n, dtype=np.intp)
            stratum_labels: np.ndarray = np.array([None], dtype=object)
        else:
            stratum_code, stratum_labels = _dense_codes(strata, "strata")
        if stratum_code.size != n:
            raise ValueError("strata and weights differ in length")
        # PSUs nested in strata, numbered stratum by stratum.
        if psu is None:  # every respondent is a PSU
            psu_index = np.empty(n, dtype=np.intp)
            psu_index[np.argsort(stratum_code, kind="stable")] = np.arange(n, dtype=np.intp)
        else:
            psu_code, _ = _dense_codes(psu, "psu")
            if psu_code.size != n:
                raise ValueError("psu and weights differ in length")
            combined = stratum_code.astype(np.int64) * (int(psu_code.max()) + 1) + psu_code
            psu_index, _ = _dense_codes(combined, "psu")
        n_psu = int(psu_index.max()) + 1
        psu_stratum = np.empty(n_psu, dtype=np.intp)
        psu_stratum[psu_index] = stratum_code
        n_strata = len(stratum_labels)
        per_stratum = np.bincount(psu_stratum, minlength=n_strata)

        lonely = per_stratum == 1
        if lonely.any() and singleton == "error":
            names = ", ".join(str(s) for s in stratum_labels[lonely][:10])
            raise SingletonStratumError(
                f"{int(lonely.sum())} stratum(s) with a single PSU ({names}): their variance "
                'is undefined. Merge them with a neighbouring stratum, or choose singleton="skip" '
                'or singleton="center".'
            )
        with np.errstate(divide="ignore"):
            factor = np.where(per_stratum > 1, per_stratum / (per_stratum - 1.0), 0.0)
        if singleton == "center":
            factor[lonely] = 1.0

        self.weights: FloatArray = w
        self.n = n
        self.n_strata = n_strata
        self.n_psu = n_psu
        self.singleton: SingletonRule = singleton
        self.stratum_labels = stratum_labels
        self.psu_index: IntArray = psu_index
        self.psu_stratum: IntArray = psu_stratum
        self.psus_per_stratum: IntArray = per_stratum
        self.stratum_starts: IntArray = np.concatenate(([0], np.cumsum(per_stratum)[:-1]))
        self._psu_factor: FloatArray = factor[psu_stratum]
        self._singleton_psu: BoolArray = lonely[psu_stratum]

    @property
    def df(self) -> int:
        """Degrees of freedom of the whole design: PSUs minus strata (singletons add none)."""
        return int(np.clip(self.psus_per_stratum - 1, 0, None).sum())

    # -- the variance kernel: PSU totals of scores in, variances out ----------------------

    def variance(self, psu_scores: FloatArray) -> FloatArray:
        """Variance of each column of ``psu_scores`` (PSUs x estimates): score totals."""
        sums = np.add.reduceat(psu_scores, self.stratum_starts, axis=0)
        means = sums / self.psus_per_stratum[:, None]
        dev = psu_scores - means[self.psu_stratum]
        if self.singleton == "center" and self._singleton_psu.any():
            grand = psu_scores.sum(axis=0) / self.n_psu
            lonely = self._singleton_psu
            dev[lonely] = psu_scores[lonely] - grand
        out: FloatArray = np.einsum("p,pk,pk->k", self._psu_factor, dev, dev)
        return out

    def domain_df(self, active: BoolArray) -> IntArray:
        """Degrees of freedom of domains: ``active`` (PSUs x domains) marks PSUs with
        respondents in the domain."""
        counts = np.add.reduceat(active.astype(np.intp), self.stratum_starts, axis=0)
        out: IntArray = np.clip(counts - 1, 0, None).sum(axis=0)
        return out


# ---------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Estimate:
    """One weighted estimate.

    ``domain`` is ``(variable, level)``, or ``None`` for the whole population; ``n`` counts
    the respondents in the domain with a value (and a positive weight); ``weighted_n`` is
    the sum of their weights, the estimated size of that population.
    """

    name: str
    kind: Kind
    domain: tuple[str, object] | None
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    ci_method: str
    confidence: float
    df: int
    deff: float
    n: int
    weighted_n: float

    @property
    def variance(self) -> float:
        return self.se * self.se

    @property
    def cv(self) -> float:
        """Coefficient of variation, se / estimate."""
        return self.se / self.estimate if self.estimate else math.inf


@dataclass(frozen=True, slots=True)
class Comparison:
    """``a - b`` for estimates from independent samples (two waves, two municipalities)."""

    a: Estimate
    b: Estimate
    difference: float
    se: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    confidence: float


def difference(a: Estimate, b: Estimate, *, alpha: float = 0.05) -> Comparison:
    """Difference of two estimates from independent samples, with a two-sided z test.

    The samples are independent, so the variance is the sum of the two variances; the
    test and the interval use the normal distribution. Two waves are independent samples;
    so are two municipalities of one wave when each was sampled in strata of its own (no
    stratum holds both, so their covariance is zero). Two domains that share strata
    (women and men) are correlated: this test does not apply to them.
    """
    _check_alpha(alpha)
    diff = a.estimate - b.estimate
    se = math.sqrt(a.variance + b.variance)
    if se > 0:
        z = diff / se
        p_value = math.erfc(abs(z) / math.sqrt(2.0))
    else:
        z, p_value = math.nan, math.nan
    crit = NormalDist().inv_cdf(1.0 - alpha / 2.0)
    return Comparison(
        a=a,
        b=b,
        difference=diff,
        se=se,
        z=z,
        p_value=p_value,
        ci_low=diff - crit * se,
        ci_high=diff + crit * se,
        confidence=1.0 - alpha,
    )


# ---------------------------------------------------------------------------------------
# Estimation
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cells:
    """Respondents cross-classified by PSU and the levels of every domain variable.

    Weighted sums go to these cells in one pass over the respondents; every domain table
    (PSU x level) is then a sum over cells, which are few (at most one per respondent).
    """

    index: IntArray  # cell of each respondent
    size: int
    psu: IntArray  # PSU of each cell
    levels: list[IntArray]  # per domain variable: level of each cell, -1 for none
    weight_sums: FloatArray  # per cell
    counts: FloatArray  # respondents with a positive weight, per cell


def _cells(design: Design, codes: list[tuple[IntArray, int]]) -> _Cells:
    """``codes``: per domain variable, each respondent's level (-1: none) and the count."""
    key = design.psu_index.astype(np.int64)
    for code, levels in codes:
        key = key * (levels + 1) + np.where(code < 0, levels, code)
        if int(key.max()) > 4 * design.n:  # keep the key small: renumber
            key = _dense_codes(key, "cells")[0].astype(np.int64)
    index, _ = _dense_codes(key, "cells")
    size = int(index.max()) + 1
    first = np.empty(size, dtype=np.intp)
    first[index[::-1]] = np.arange(design.n - 1, -1, -1, dtype=np.intp)
    w = design.weights
    return _Cells(
        index=index,
        size=size,
        psu=design.psu_index[first],
        levels=[code[first] for code, _ in codes],
        weight_sums=np.bincount(index, weights=w, minlength=size),
        counts=np.bincount(index, weights=(w > 0).astype(np.float64), minlength=size),
    )


@dataclass(frozen=True, slots=True)
class _Sums:
    """Per cell: sums of w y, of w over respondents with a value, and their count."""

    wy: FloatArray
    w: FloatArray
    count: FloatArray


def _sums(y: FloatArray, design: Design, cells: _Cells) -> _Sums:
    w = design.weights
    missing = np.isnan(y)
    if not missing.any():
        wy = np.bincount(cells.index, weights=w * y, minlength=cells.size)
        return _Sums(wy=wy, w=cells.weight_sums, count=cells.counts)
    wv = np.where(missing, 0.0, w)
    return _Sums(
        wy=np.bincount(cells.index, weights=wv * np.where(missing, 0.0, y), minlength=cells.size),
        w=np.bincount(cells.index, weights=wv, minlength=cells.size),
        count=np.bincount(cells.index, weights=(wv > 0).astype(np.float64), minlength=cells.size),
    )


@dataclass(frozen=True, slots=True)
class _Block:
    """Ratio estimates of one variable in every level of one domain variable."""

    estimate: FloatArray
    variance: FloatArray
    df: IntArray
    n: IntArray
    weighted_n: FloatArray


def _block(sums: _Sums, design: Design, cells: _Cells, level: IntArray | None, k: int) -> _Block:
    """``sum(w y) / sum(w)`` in each of ``k`` levels (``level`` per cell; None: one level,
    everyone).

    Respondent i of level l has the linearised score ``w_i (y_i - p_l) / N_l`` (zero
    outside the level), so a PSU's score total is ``(A - p_l B) / N_l``, ``A`` and ``B``
    being its totals of ``w y`` and ``w`` in the level: the scores never exist row by row.
    """
    shape = (design.n_psu, k)
    keep: slice | BoolArray
    if level is None:
        place, keep = cells.psu, slice(None)
    else:
        keep = level >= 0
        place = cells.psu[keep] * k + level[keep]
    size = shape[0] * shape[1]
    a = np.bincount(place, weights=sums.wy[keep], minlength=size).reshape(shape)
    b = np.bincount(place, weights=sums.w[keep], minlength=size).reshape(shape)
    c = np.bincount(place, weights=sums.count[keep], minlength=size).reshape(shape)
    weighted_n = b.sum(axis=0)
    empty = weighted_n == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        est = a.sum(axis=0) / weighted_n
        scores = (a - est * b) / weighted_n
    scores[:, empty] = 0.0
    variance = design.variance(scores)
    variance[empty] = np.nan
    return _Block(
        estimate=est,
        variance=variance,
        df=design.domain_df(c > 0),
        n=np.rint(c.sum(axis=0)).astype(np.intp),
        weighted_n=weighted_n,
    )


def _estimates(
    block: _Block,
    spread: FloatArray,
    *,
    name: str,
    kind: Kind,
    domains: list[tuple[str, object] | None],
    ci_method: str,
    alpha: float,
    deff_ref: DeffReference,
) -> list[Estimate]:
    """Estimates with intervals and design effects; ``spread`` is the weighted population
    variance of y in each level, for the simple-random-sampling reference."""
    se = np.sqrt(block.variance)
    n = block.n
    with np.errstate(divide="ignore", invalid="ignore"):
        srs = np.where(n > 1, spread / (n - 1), np.nan)
        if deff_ref == "wor":
            fpc = 1.0 - n / block.weighted_n
            srs = np.where(fpc > 0, srs * fpc, np.nan)
        deff = block.variance / srs
    out = []
    for i, domain in enumerate(domains):
        p, s, df = float(block.estimate[i]), float(se[i]), int(block.df[i])
        low, high = _interval(p, s, df, int(n[i]), ci_method, alpha)
        out.append(
            Estimate(
                name=name,
                kind=kind,
                domain=domain,
                estimate=p,
                se=s,
                ci_low=low,
                ci_high=high,
                ci_method=ci_method,
                confidence=1.0 - alpha,
                df=df,
                deff=float(deff[i]),
                n=int(n[i]),
                weighted_n=float(block.weighted_n[i]),
            )
        )
    return out


def _check_alpha(alpha: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError("alpha must be between 0 and 1")


def _check_options(ci_method: str, alpha: float, deff_ref: str) -> None:
    _check_alpha(alpha)
    if ci_method not in CI_METHODS:
        raise ValueError(f"unknown ci_method {ci_method!r}; use one of {CI_METHODS}")
    if deff_ref not in ("wor", "wr"):
        raise ValueError("deff_ref is 'wor' or 'wr'")


def _values(y: npt.ArrayLike, design: Design, *, binary: bool, what: str) -> FloatArray:
    arr = np.asarray(y, dtype=np.float64)
    if arr.shape != (design.n,):
        raise ValueError(f"{what} has {arr.shape} values for {design.n} respondents")
    if np.isinf(arr).any():
        raise ValueError(f"{what} has infinite values")
    if binary and not ((arr == 0.0) | (arr == 1.0) | np.isnan(arr)).all():
        raise ValueError(f"{what} must hold 0, 1 or NaN (missing)")
    return arr


def _single(
    y: FloatArray,
    design: Design,
    domain: npt.ArrayLike | None,
    *,
    kind: Kind,
    name: str,
    ci_method: str,
    alpha: float,
    deff_ref: DeffReference,
) -> Estimate:
    if domain is None:
        inside = np.ones(design.n, dtype=bool)
        cells = _cells(design, [])
        level = None
        label: tuple[str, object] | None = None
    else:
        inside = np.asarray(domain)
        if inside.dtype != np.bool_ or inside.shape != (design.n,):
            raise ValueError("domain must be a boolean array with one entry per respondent")
        code = np.where(inside, 0, -1).astype(np.intp)
        cells = _cells(design, [(code, 1)])
        level = cells.levels[0]
        label = ("domain", True)
    block = _block(_sums(y, design, cells), design, cells, level, 1)
    p = block.estimate
    if kind == "proportion":
        spread = p * (1.0 - p)
    else:
        used = inside & ~np.isnan(y)
        dev = np.where(used, y - p[0], 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            spread = np.array([float(design.weights @ (dev * dev)) / block.weighted_n[0]])
    return _estimates(
        block,
        spread,
        name=name,
        kind=kind,
        domains=[label],
        ci_method=ci_method,
        alpha=alpha,
        deff_ref=deff_ref,
    )[0]


def proportion(
    y01: npt.ArrayLike,
    design: Design,
    domain: npt.ArrayLike | None = None,
    *,
    ci_method: CIMethod = "logit",
    alpha: float = 0.05,
    deff_ref: DeffReference = "wor",
    name: str = "y",
) -> Estimate:
    """Weighted share of respondents with ``y01 == 1`` (0, 1, or NaN when missing), in the
    whole population or in the ``domain`` (a boolean mask: a subpopulation, the design kept
    whole)."""
    _check_options(ci_method, alpha, deff_ref)
    y = _values(y01, design, binary=True, what="y01")
    return _single(
        y,
        design,
        domain,
        kind="proportion",
        name=name,
        ci_method=ci_method,
        alpha=alpha,
        deff_ref=deff_ref,
    )


def mean(
    y: npt.ArrayLike,
    design: Design,
    domain: npt.ArrayLike | None = None,
    *,
    alpha: float = 0.05,
    deff_ref: DeffReference = "wor",
    name: str = "y",
) -> Estimate:
    """Weighted mean of ``y`` (NaN when missing) with a t interval, in the whole population
    or in the ``domain`` (a boolean mask)."""
    _check_options("wald", alpha, deff_ref)
    values = _values(y, design, binary=False, what="y")
    return _single(
        values,
        design,
        domain,
        kind="mean",
        name=name,
        ci_method="wald",
        alpha=alpha,
        deff_ref=deff_ref,
    )


def _domain_levels(labels: npt.ArrayLike, design: Design, what: str) -> tuple[IntArray, list[Any]]:
    """Each respondent's level of a domain variable (-1: none), and the levels."""
    arr = np.asarray(labels)
    if arr.shape != (design.n,):
        raise ValueError(f"domain {what!r} has {arr.shape} values for {design.n} respondents")
    if arr.dtype == np.bool_:  # a mask: one domain, its True respondents
        return np.where(arr, 0, -1).astype(np.intp), [True]
    if arr.dtype.kind == "f":
        present = ~np.isnan(arr)
    elif arr.dtype.kind == "O":
        present = np.array([v is not None for v in arr.tolist()], dtype=bool)
    else:
        present = np.ones(arr.size, dtype=bool)
    code = np.full(arr.size, -1, dtype=np.intp)
    levels: np.ndarray = np.array([])
    if present.all():
        code, levels = _dense_codes(arr, what)
    elif present.any():
        code[present], levels = _dense_codes(arr[present], what)
    return code, [v.item() if isinstance(v, np.generic) else v for v in levels]


def table(
    columns: Mapping[str, npt.ArrayLike],
    design: Design,
    domains: Mapping[str, npt.ArrayLike] | None = None,
    *,
    ci_method: CIMethod = "logit",
    alpha: float = 0.05,
    deff_ref: DeffReference = "wor",
) -> list[Estimate]:
    """The indicator table: the proportion of every binary indicator in ``columns`` (0, 1 or
    NaN), in the whole population and in each level of each variable in ``domains``
    (labels per respondent: sex, age band, municipality; a missing label, None or NaN,
    puts the respondent in no level; a boolean array is one domain, its True respondents).

    Each indicator is read once: its weighted sums go to the PSU x domain-level cells
    (``np.bincount`` on one combined index), and every domain's PSU totals of linearised
    scores are formed from those cells. Ordered indicator by indicator: the whole
    population, then the domain variables in the given order, levels sorted.
    """
    _check_options(ci_method, alpha, deff_ref)
    values = {name: _values(y, design, binary=True, what=name) for name, y in columns.items()}
    variables = []
    for var, labels in (domains or {}).items():
        code, levels = _domain_levels(labels, design, var)
        variables.append((var, code, levels))
    cells = _cells(design, [(code, len(levels)) for _, code, levels in variables])
    groupings: list[tuple[IntArray | None, list[tuple[str, object] | None]]] = [(None, [None])]
    for (var, _, levels), cell_level in zip(variables, cells.levels, strict=True):
        if levels:
            groupings.append((cell_level, [(var, lev) for lev in levels]))

    out: list[Estimate] = []
    for name, y in values.items():
        sums = _sums(y, design, cells)
        for level, labels_ in groupings:
            block = _block(sums, design, cells, level, len(labels_))
            out += _estimates(
                block,
                block.estimate * (1.0 - block.estimate),
                name=name,
                kind="proportion",
                domains=labels_,
                ci_method=ci_method,
                alpha=alpha,
                deff_ref=deff_ref,
            )
    return out


# ---------------------------------------------------------------------------------------
# Intervals
# ---------------------------------------------------------------------------------------


def _interval(
    p: float, se: float, df: int, n: int, method: str, alpha: float
) -> tuple[float, float]:
    nan = math.nan
    if df <= 0 or math.isnan(p) or math.isnan(se):
        return nan, nan
    if method == "wald":
        t = t_critical(alpha, df)
        return p - t * se, p + t * se
    boundary = p <= _BOUNDARY_TOL or p >= 1.0 - _BOUNDARY_TOL
    if method == "korn-graubard":
        return _korn_graubard(p, se, df, n, alpha, boundary)
    if boundary:
        return nan, nan
    if se <= _BOUNDARY_TOL:
        return p, p
    t = t_critical(alpha, df)
    logit = math.log(p / (1.0 - p))
    half = t * se / (p * (1.0 - p))
    return 1.0 / (1.0 + math.exp(-(logit - half))), 1.0 / (1.0 + math.exp(-(logit + half)))


def _korn_graubard(
    p: float, se: float, df: int, n: int, alpha: float, boundary: bool
) -> tuple[float, float]:
    """Clopper-Pearson on the effective sample size ``p (1 - p) / se^2``, adjusted by
    ``(t_{n-1} / t_df)^2`` and truncated at ``n`` (Korn & Graubard 1998; NCHS, Parker et
    al. 2017). At p = 0 or 1 the effective size is ``n``."""
    if not boundary and se <= _BOUNDARY_TOL:
        return p, p
    n_eff = float(n) if boundary else p * (1.0 - p) / (se * se)
    if n > 1:
        n_eff *= (t_critical(alpha, n - 1) / t_critical(alpha, df)) ** 2
    n_eff = min(float(n), n_eff)
    if n_eff <= 0:
        return 0.0, 1.0
    if boundary:
        p = 0.0 if p <= _BOUNDARY_TOL else 1.0
    x = n_eff * p
    low = beta_quantile(alpha / 2.0, x, n_eff - x + 1.0) if x > 0 else 0.0
    high = beta_quantile(1.0 - alpha / 2.0, x + 1.0, n_eff - x) if n_eff - x > 0 else 1.0
    return low, high


# ---------------------------------------------------------------------------------------
# Distributions (no scipy): Student t and Beta quantiles to double precision
# ---------------------------------------------------------------------------------------


def _t_two_sided(t: float, nu: int) -> float:
    """P(|T| <= t) for Student t with integer ``nu`` (Abramowitz & Stegun 26.7.3-4)."""
    theta = math.atan(t / math.sqrt(nu))
    c2 = math.cos(theta) ** 2
    if nu % 2:
        if nu == 1:
            return 2.0 * theta / math.pi
        k = np.arange(1, (nu - 3) // 2 + 1)
        terms = np.cumprod(c2 * (2.0 * k) / (2.0 * k + 1.0))
        series = math.cos(theta) * (1.0 + float(terms.sum()))
        return 2.0 / math.pi * (theta + math.sin(theta) * series)
    k = np.arange(1, (nu - 2) // 2 + 1)
    terms = np.cumprod(c2 * (2.0 * k - 1.0) / (2.0 * k))
    return math.sin(theta) * (1.0 + float(terms.sum()))


def _t_density(t: float, nu: int) -> float:
    log_c = math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2) - 0.5 * math.log(nu * math.pi)
    return math.exp(log_c - (nu + 1) / 2 * math.log1p(t * t / nu))


def _cornish_fisher(z: float, nu: int) -> float:
    """Student t quantile from the normal one, to O(nu^-5) (A&S 26.7.5)."""
    z2 = z * z
    g1 = (z2 + 1) * z / 4
    g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
    g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
    g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
    return z + g1 / nu + g2 / nu**2 + g3 / nu**3 + g4 / nu**4


@lru_cache(maxsize=4096)
def t_critical(alpha: float, df: int) -> float:
    """The two-sided critical value: t with P(|T| <= t) = 1 - alpha, integer ``df`` >= 1."""
    if df < 1 or int(df) != df:
        raise ValueError("df must be a positive integer")
    nu = int(df)
    z = NormalDist().inv_cdf(1.0 - alpha / 2.0)
    if nu > 2000:  # the expansion's error is below 1e-15 here
        return _cornish_fisher(z, nu)
    if nu == 1:
        return 1.0 / math.tan(math.pi * alpha / 2.0)
    if nu == 2:
        return (1.0 - alpha) / math.sqrt(alpha * (1.0 - alpha / 2.0))
    t = _cornish_fisher(z, nu)
    target = 1.0 - alpha
    for _ in range(100):
        step = (_t_two_sided(t, nu) - target) / (2.0 * _t_density(t, nu))
        t -= step
        if abs(step) <= 1e-15 * t:
            break
    return t


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _beta_fraction(x: float, a: float, b: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 100_000):
        m2 = 2 * m
        for num in (
            m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)),
        ):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-16:
            break
    return h


def _beta_cdf(x: float, a: float, b: float) -> float:
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = a * math.log(x) + b * math.log1p(-x) - _log_beta(a, b)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(x, a, b) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(1.0 - x, b, a) / b


def beta_quantile(q: float, a: float, b: float) -> float:
    """x with I_x(a, b) = q: Newton steps kept inside a shrinking bracket."""
    low, high = 0.0, 1.0
    x = min(max(a / (a + b), 1e-12), 1.0 - 1e-12)
    log_b = _log_beta(a, b)
    for _ in range(400):
        f = _beta_cdf(x, a, b) - q
        if f > 0:
            high = x
        else:
            low = x
        log_density = (a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x) - log_b
        new = x - f * math.exp(-log_density) if log_density > -700 else math.nan
        if not low < new < high:
            new = 0.5 * (low + high)
        if new <= 0.0 or new >= 1.0 or abs(new - x) <= 1e-16 * x:
            return new
        x = new
    return x
