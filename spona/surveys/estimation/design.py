"""The sample design: strata, PSUs and weights, and the variance of PSU score totals.

Variance
    With-replacement ("ultimate cluster") Taylor linearisation, as Stata ``svy``, R
    ``survey``, samplics and svy compute it: the linearised scores of an estimator are
    summed to PSU totals ``z_hi``, and

        var = sum_h  n_h / (n_h - 1) * sum_i (z_hi - zbar_h)^2

    with ``n_h`` the PSUs of stratum ``h``. No finite population correction. A design
    without PSUs takes every respondent as its own PSU; one without strata has one stratum.

Domains (subpopulations)
    A domain never subsets the design: scores outside it are zero and every PSU of the
    full sample stays in the sum above, so a PSU with no domain member counts as a zero
    total. The degrees of freedom follow svy (and R's ``degf`` of a subset design): the
    PSUs with at least one domain respondent, minus the strata holding them.

Strata with a single PSU
    Their variance is undefined. The default ``singleton="error"`` raises, as svy does
    when the design declares no rule; ``"skip"`` lets such a stratum contribute nothing
    (svy ``Singleton("skip")``, R ``"remove"``, what Stata and R call "certainty"), and
    ``"center"`` measures the lone PSU around the mean of all PSU totals (svy
    ``Singleton("center")``, R ``"adjust"``, Stata ``singleunit(centered)``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

SingletonRule = Literal["error", "skip", "center"]


class SingletonStratumError(ValueError):
    """A stratum has one PSU and the design says nothing about how to treat it."""


def dense_codes(values: npt.ArrayLike, what: str) -> tuple[IntArray, np.ndarray]:
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
            stratum_code, stratum_labels = dense_codes(strata, "strata")
        if stratum_code.size != n:
            raise ValueError("strata and weights differ in length")
        # PSUs nested in strata, numbered stratum by stratum.
        if psu is None:  # every respondent is a PSU
            psu_index = np.empty(n, dtype=np.intp)
            psu_index[np.argsort(stratum_code, kind="stable")] = np.arange(n, dtype=np.intp)
        else:
            psu_code, _ = dense_codes(psu, "psu")
            if psu_code.size != n:
                raise ValueError("psu and weights differ in length")
            combined = stratum_code.astype(np.int64) * (int(psu_code.max()) + 1) + psu_code
            psu_index, _ = dense_codes(combined, "psu")
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
