"""Weighted proportions and means in domains, the indicator table, and differences between
independent samples.

Each estimate is the ratio ``sum(w y) / sum(w)``; its variance comes from the design's
kernel (:mod:`.design`) applied to PSU totals of linearised scores, its interval and tests
from :mod:`.distributions`.

Missing values
    ``NaN`` in ``y`` removes the respondent from the numerator and the denominator of that
    estimate only, exactly as if the respondent were outside the domain (svy's
    ``drop_nulls=True``): the design is kept whole.

Design effect
    Design variance over the variance of the same estimate under simple random sampling of
    the same number of respondents: ``deff_ref="wor"`` (the default, Kish's deff, Stata's
    ``estat effects``) includes the without-replacement correction ``1 - n / sum(w)``;
    ``"wr"`` leaves it out (deft squared). When the weights do not sum to more than the
    respondents (normalised weights), the ``"wor"`` reference does not exist: deff is NaN.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from spona.surveys.estimation.design import BoolArray, Design, FloatArray, IntArray, dense_codes
from spona.surveys.estimation.distributions import (
    CI_METHODS,
    CIMethod,
    check_alpha,
    intervals,
    z_test,
)

DeffReference = Literal["wor", "wr"]
Kind = Literal["proportion", "mean"]
Domain = tuple[str, object] | None


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
    domain: Domain
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
    check_alpha(alpha)
    diff = a.estimate - b.estimate
    se = math.sqrt(a.variance + b.variance)
    test = z_test(diff, se, alpha)
    return Comparison(
        a=a,
        b=b,
        difference=diff,
        se=se,
        z=test.z,
        p_value=test.p_value,
        ci_low=test.ci_low,
        ci_high=test.ci_high,
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
            key = dense_codes(key, "cells")[0].astype(np.int64)
    index, _ = dense_codes(key, "cells")
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
    """Ratio estimates, one entry per estimate: of one variable in the levels of one domain
    variable, or several such blocks stacked."""

    estimate: FloatArray
    variance: FloatArray
    df: IntArray
    n: IntArray
    weighted_n: FloatArray


def _stacked(blocks: Sequence[_Block]) -> _Block:
    return _Block(
        estimate=np.concatenate([b.estimate for b in blocks]),
        variance=np.concatenate([b.variance for b in blocks]),
        df=np.concatenate([b.df for b in blocks]),
        n=np.concatenate([b.n for b in blocks]),
        weighted_n=np.concatenate([b.weighted_n for b in blocks]),
    )


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
    labels: Sequence[tuple[str, Domain]],
    *,
    kind: Kind,
    ci_method: str,
    alpha: float,
    deff_ref: DeffReference,
) -> list[Estimate]:
    """Estimates with intervals and design effects, one per ``(name, domain)`` label;
    ``spread`` is the weighted population variance of y in each level, for the
    simple-random-sampling reference."""
    se = np.sqrt(block.variance)
    n = block.n
    with np.errstate(divide="ignore", invalid="ignore"):
        srs = np.where(n > 1, spread / (n - 1), np.nan)
        if deff_ref == "wor":
            fpc = 1.0 - n / block.weighted_n
            srs = np.where(fpc > 0, srs * fpc, np.nan)
        deff = block.variance / srs
    low, high = intervals(block.estimate, se, block.df, n, ci_method, alpha)
    rows = zip(
        labels,
        block.estimate.tolist(),
        se.tolist(),
        low.tolist(),
        high.tolist(),
        block.df.tolist(),
        deff.tolist(),
        n.tolist(),
        block.weighted_n.tolist(),
        strict=True,
    )
    return [
        Estimate(
            name=name,
            kind=kind,
            domain=domain,
            estimate=p,
            se=s,
            ci_low=lo,
            ci_high=hi,
            ci_method=ci_method,
            confidence=1.0 - alpha,
            df=df,
            deff=d,
            n=count,
            weighted_n=total,
        )
        for (name, domain), p, s, lo, hi, df, d, count, total in rows
    ]


def _check_options(ci_method: str, alpha: float, deff_ref: str) -> None:
    check_alpha(alpha)
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
        label: Domain = None
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
        [(name, label)],
        kind=kind,
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
        code, levels = dense_codes(arr, what)
    elif present.any():
        code[present], levels = dense_codes(arr[present], what)
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
    scores are formed from those cells. The intervals of the whole table are computed
    together. Ordered indicator by indicator: the whole population, then the domain
    variables in the given order, levels sorted.
    """
    _check_options(ci_method, alpha, deff_ref)
    values = {name: _values(y, design, binary=True, what=name) for name, y in columns.items()}
    variables = []
    for var, labels in (domains or {}).items():
        code, levels = _domain_levels(labels, design, var)
        variables.append((var, code, levels))
    cells = _cells(design, [(code, len(levels)) for _, code, levels in variables])
    groupings: list[tuple[IntArray | None, list[Domain]]] = [(None, [None])]
    for (var, _, levels), cell_level in zip(variables, cells.levels, strict=True):
        if levels:
            groupings.append((cell_level, [(var, lev) for lev in levels]))

    blocks: list[_Block] = []
    names: list[tuple[str, Domain]] = []
    for name, y in values.items():
        sums = _sums(y, design, cells)
        for level, domain_labels in groupings:
            blocks.append(_block(sums, design, cells, level, len(domain_labels)))
            names += [(name, domain) for domain in domain_labels]
    if not blocks:
        return []
    block = _stacked(blocks)
    return _estimates(
        block,
        block.estimate * (1.0 - block.estimate),
        names,
        kind="proportion",
        ci_method=ci_method,
        alpha=alpha,
        deff_ref=deff_ref,
    )
