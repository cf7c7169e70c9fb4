"""Confidence intervals and tests: where estimates and standard errors meet the Student t,
normal and beta distributions (all from SciPy).

Confidence intervals
    Student t with the design degrees of freedom (PSUs minus strata), svy's default. For
    proportions the method is ``"logit"`` (the default: a t interval on the logit scale,
    always inside (0, 1), svy's and Stata's default), ``"wald"`` (p +/- t se, svy's
    ``mean`` of the 0/1 variable) or ``"korn-graubard"`` (Clopper-Pearson on the
    df-adjusted effective sample size truncated at n, NCHS's rule, svy's ``korn-graubard``;
    it alone gives an interval at p = 0 or 1). With no degrees of freedom left, or with
    ``logit``/``wald`` at p = 0 or 1, the bounds are NaN, as in svy.

Every function takes arrays (one entry per estimate), so that a whole indicator table asks
SciPy once for its quantiles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from spona.surveys.estimation.design import FloatArray, IntArray

CIMethod = Literal["logit", "wald", "korn-graubard"]
CI_METHODS: tuple[str, ...] = ("logit", "wald", "korn-graubard")
# svy's tolerance for a proportion at 0 or 1 and for a zero standard error.
BOUNDARY_TOL = 1e-12


def check_alpha(alpha: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError("alpha must be between 0 and 1")


def t_critical(alpha: float, df: IntArray) -> FloatArray:
    """Two-sided critical values: t with P(|T| <= t) = 1 - alpha; NaN where df < 1."""
    positive = df >= 1
    out = np.full(df.shape, np.nan)
    out[positive] = stats.t.ppf(1.0 - alpha / 2.0, df[positive])
    return out


def intervals(
    p: FloatArray, se: FloatArray, df: IntArray, n: IntArray, method: str, alpha: float
) -> tuple[FloatArray, FloatArray]:
    """Lower and upper bounds of the ``1 - alpha`` interval of every estimate ``p``."""
    low, high = np.full(p.shape, np.nan), np.full(p.shape, np.nan)
    usable = (df > 0) & ~np.isnan(p) & ~np.isnan(se)
    if not usable.any():
        return low, high
    p, se, df, n = p[usable], se[usable], df[usable], n[usable]
    t = t_critical(alpha, df)
    if method == "wald":
        low[usable], high[usable] = p - t * se, p + t * se
    elif method == "korn-graubard":
        low[usable], high[usable] = _korn_graubard(p, se, n, t, alpha)
    else:
        low[usable], high[usable] = _logit(p, se, t)
    return low, high


def _boundary(p: FloatArray) -> np.ndarray:
    return (p <= BOUNDARY_TOL) | (p >= 1.0 - BOUNDARY_TOL)


def _logit(p: FloatArray, se: FloatArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The t interval on the logit scale; NaN at p = 0 or 1, a point where se = 0."""
    boundary = _boundary(p)
    point = ~boundary & (se <= BOUNDARY_TOL)
    inner = ~boundary & ~point
    low, high = np.full(p.shape, np.nan), np.full(p.shape, np.nan)
    low[point], high[point] = p[point], p[point]
    q, s, crit = p[inner], se[inner], t[inner]
    logit = np.log(q / (1.0 - q))
    half = crit * s / (q * (1.0 - q))
    low[inner] = 1.0 / (1.0 + np.exp(-(logit - half)))
    high[inner] = 1.0 / (1.0 + np.exp(-(logit + half)))
    return low, high


def _korn_graubard(
    p: FloatArray, se: FloatArray, n: IntArray, t: FloatArray, alpha: float
) -> tuple[FloatArray, FloatArray]:
    """Clopper-Pearson on the effective sample size ``p (1 - p) / se^2``, adjusted by
    ``(t_{n-1} / t_df)^2`` and truncated at ``n`` (Korn & Graubard 1998; NCHS, Parker et
    al. 2017). At p = 0 or 1 the effective size is ``n``; inside, se = 0 gives the point."""
    boundary = _boundary(p)
    point = ~boundary & (se <= BOUNDARY_TOL)
    low, high = p.copy(), p.copy()
    rest = ~point
    p, se, n, t, boundary = p[rest], se[rest], n[rest], t[rest], boundary[rest]
    size = n.astype(np.float64)
    n_eff = np.where(boundary, size, p * (1.0 - p) / np.where(boundary, 1.0, se * se))
    adjust = n > 1
    n_eff[adjust] *= (t_critical(alpha, n[adjust] - 1) / t[adjust]) ** 2
    n_eff = np.minimum(size, n_eff)
    x = n_eff * np.where(boundary, np.where(p <= BOUNDARY_TOL, 0.0, 1.0), p)
    lower, upper = np.zeros(p.shape), np.ones(p.shape)
    below = (n_eff > 0) & (x > 0)
    above = (n_eff > 0) & (n_eff - x > 0)
    lower[below] = stats.beta.ppf(alpha / 2.0, x[below], n_eff[below] - x[below] + 1.0)
    upper[above] = stats.beta.ppf(1.0 - alpha / 2.0, x[above] + 1.0, n_eff[above] - x[above])
    low[rest], high[rest] = lower, upper
    return low, high


@dataclass(frozen=True, slots=True)
class ZTest:
    """A two-sided z test of ``difference`` (standard error ``se``), and its interval."""

    z: float
    p_value: float
    ci_low: float
    ci_high: float


def z_test(difference: float, se: float, alpha: float) -> ZTest:
    """The normal test and ``1 - alpha`` interval of a difference; z and p NaN when se = 0."""
    crit = float(stats.norm.ppf(1.0 - alpha / 2.0))
    if se > 0:
        z = difference / se
        p_value = float(2.0 * stats.norm.sf(abs(z)))
    else:
        z, p_value = math.nan, math.nan
    return ZTest(
        z=z, p_value=p_value, ci_low=difference - crit * se, ci_high=difference + crit * se
    )
