"""Survey weights: base weights, post-stratification, raking and trimming.

Pure numpy. Every function takes one weight per respondent and returns new weights; none
changes its input. Cells are labelled by any hashable value (a municipality code, "f",
an age band "30-44"); cells crossed from several variables (sex x age band) are labelled
by tuples, in the order the variables were given.

A cell with a population total but no respondents cannot be weighted up: every function
raises :class:`EmptyCellError` naming it, so that the cell can be collapsed with a
neighbour (two age bands joined) before weighting.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

#: Labels per respondent: one array, or several (crossed into tuple labels).
Cells = npt.ArrayLike | Sequence[npt.ArrayLike]


class WeightingError(ValueError):
    """Weights cannot be computed from these inputs."""


class EmptyCellError(WeightingError):
    """A cell with a population total has no respondents (or only zero weights)."""


class ConvergenceError(WeightingError):
    """Raking did not reach its tolerance within the allowed iterations."""


def _weights(weights: npt.ArrayLike) -> FloatArray:
    w = np.array(weights, dtype=np.float64)
    if w.ndim != 1 or w.size == 0:
        raise WeightingError("weights must be a non-empty one-dimensional array")
    if not np.isfinite(w).all() or (w < 0).any():
        raise WeightingError("weights must be finite and non-negative")
    return w


def _label(value: object) -> Hashable:
    return value.item() if isinstance(value, np.generic) else value


def _cell_codes(cells: Cells, n: int, what: str) -> tuple[IntArray, list[Hashable]]:
    """Each respondent's cell code and the cell labels (tuples for crossed variables)."""
    arr = np.asarray(cells, dtype=object) if not isinstance(cells, np.ndarray) else cells
    if arr.ndim == 1:
        parts = [arr]
    elif arr.ndim == 2 and arr.shape[1] == n:  # one array per variable
        parts = list(arr)
    elif arr.ndim == 2 and arr.shape[0] == n:  # one tuple per respondent
        parts = list(arr.T)
    else:
        raise WeightingError(f"{what}: labels must be one array per variable")
    codes: list[IntArray] = []
    labels: list[list[Hashable]] = []
    for part in parts:
        if len(part) != n:
            raise WeightingError(f"{what}: {len(part)} labels for {n} respondents")
        values = np.asarray(part)
        if values.dtype == object and any(v is None for v in values.tolist()):
            raise WeightingError(f"{what}: some respondents have no label")
        if values.dtype.kind == "f" and np.isnan(values).any():
            raise WeightingError(f"{what}: some respondents have no label")
        uniq, code = np.unique(values, return_inverse=True)
        codes.append(code.astype(np.intp))
        labels.append([_label(v) for v in uniq])
    if len(parts) == 1:
        return codes[0], labels[0]
    combined = np.zeros(n, dtype=np.int64)
    for code, lab in zip(codes, labels, strict=True):
        combined = combined * len(lab) + code
    present, code = np.unique(combined, return_inverse=True)
    keys: list[Hashable] = []
    for value in present.tolist():
        key = []
        for lab in reversed(labels):
            value, i = divmod(value, len(lab))
            key.append(lab[i])
        keys.append(tuple(reversed(key)))
    return code.astype(np.intp), keys


def _cell_totals(
    w: FloatArray,
    codes: IntArray,
    keys: list[Hashable],
    totals: Mapping[Hashable, float],
    what: str,
) -> tuple[FloatArray, FloatArray]:
    """Population total and current weight sum per cell of the respondents, after checks."""
    unknown = [k for k in keys if k not in totals]
    if unknown:
        raise WeightingError(
            f"{what}: respondents in cell(s) {unknown[:5]} have no population total"
        )
    target = np.array([float(totals[k]) for k in keys])
    sums = np.bincount(codes, weights=w, minlength=len(keys))
    for key, value in totals.items():
        value = float(value)
        if not np.isfinite(value) or value < 0:
            raise WeightingError(f"{what}: population total of cell {key!r} must be >= 0")
        i = keys.index(key) if key in keys else -1
        if value > 0 and (i < 0 or sums[i] <= 0):
            raise EmptyCellError(
                f"{what}: cell {key!r} has a population total of {value:g} but no respondents "
                "with a positive weight; collapse it with a neighbouring cell"
            )
        if value == 0 and i >= 0 and sums[i] > 0:
            raise WeightingError(
                f"{what}: cell {key!r} has respondents but a population total of 0"
            )
    return target, sums


def base_weights(selection_probability: npt.ArrayLike) -> FloatArray:
    """Design weights: the inverse of each respondent's probability of selection."""
    p = np.asarray(selection_probability, dtype=np.float64)
    if p.ndim != 1 or not np.isfinite(p).all() or (p <= 0).any() or (p > 1).any():
        raise WeightingError("selection probabilities must lie in (0, 1]")
    return 1.0 / p


def poststratify(
    weights: npt.ArrayLike, cells: Cells, totals: Mapping[Hashable, float]
) -> FloatArray:
    """Scale the weights in each cell so that they add up to the cell's population total.

    ``cells``: each respondent's cell label, or several arrays crossed (sex, age band), in
    which case ``totals`` is keyed by tuples: ``{("f", "18-29"): 10452, ...}``.
    """
    w = _weights(weights)
    codes, keys = _cell_codes(cells, w.size, "post-stratification")
    target, sums = _cell_totals(w, codes, keys, totals, "post-stratification")
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(sums > 0, target / sums, 0.0)
    out: FloatArray = w * factor[codes]
    return out


@dataclass(frozen=True, slots=True)
class Raking:
    weights: FloatArray
    iterations: int
    #: the largest |weighted total - population total| / population total over all cells
    max_relative_error: float


def rake(
    weights: npt.ArrayLike,
    margins: Mapping[str, tuple[Cells, Mapping[Hashable, float]]],
    *,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> Raking:
    """Iterative proportional fitting: adjust the weights to each margin in turn until all
    margins are met within ``tol`` (relative to each cell's total).

    ``margins``: name -> (each respondent's label, population total per label), e.g.
    ``{"sex": (sex, {"m": 48_100, "f": 51_900}), "age_band": (band, {...})}``. All margins
    must describe the same population (equal grand totals).
    """
    if not tol > 0:
        raise WeightingError("tol must be positive")
    if max_iter < 1:
        raise WeightingError("max_iter must be at least 1")
    w = _weights(weights)
    if not margins:
        raise WeightingError("raking needs at least one margin")
    fitted: list[tuple[str, IntArray, FloatArray]] = []
    for name, (labels, totals) in margins.items():
        codes, keys = _cell_codes(labels, w.size, f"margin {name!r}")
        target, _ = _cell_totals(w, codes, keys, totals, f"margin {name!r}")
        fitted.append((name, codes, target))
    grand = {
        name: float(sum(float(v) for v in totals.values())) for name, (_, totals) in margins.items()
    }
    first = next(iter(grand.values()))
    for name, value in grand.items():
        if abs(value - first) > tol * max(abs(first), 1.0):
            raise WeightingError(
                f"margins describe different populations: {next(iter(grand))!r} sums to "
                f"{first:g}, {name!r} to {value:g}"
            )

    def worst(current: FloatArray) -> float:
        error = 0.0
        for _, codes, target in fitted:
            sums = np.bincount(codes, weights=current, minlength=target.size)
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = np.where(target > 0, np.abs(sums - target) / target, 0.0)
            error = max(error, float(rel.max()))
        return error

    error = worst(w)
    for iteration in range(1, max_iter + 1):
        for _, codes, target in fitted:
            sums = np.bincount(codes, weights=w, minlength=target.size)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(sums > 0, target / sums, 0.0)
            w = w * factor[codes]
        error = worst(w)
        if error <= tol:
            return Raking(weights=w, iterations=iteration, max_relative_error=error)
    raise ConvergenceError(
        f"raking did not converge in {max_iter} iterations: a margin is still off by "
        f"{error:.3g} (relative); the margins may be incompatible with the sample (cells "
        "too sparse in the cross-classification); collapse cells or raise max_iter"
    )


def trim(weights: npt.ArrayLike, max_ratio: float, *, max_iter: int = 1000) -> FloatArray:
    """Cap every weight at ``max_ratio`` times the median weight and share what was cut
    among the uncapped weights in proportion to their size, so the total is unchanged.

    The cap is fixed from the weights given; sharing can lift a weight over it, so the
    step repeats until none is over.
    """
    w = _weights(weights)
    if not max_ratio >= 1.0:
        raise WeightingError("max_ratio must be at least 1 (a multiple of the median)")
    positive = w[w > 0]
    if positive.size == 0:
        raise WeightingError("no positive weight to trim")
    cap = max_ratio * float(np.median(positive))
    total = float(w.sum())
    if total > cap * positive.size * (1 + 1e-12):
        raise WeightingError(
            f"cannot keep the total {total:g} with every weight at most {cap:g}: raise max_ratio"
        )
    for _ in range(max_iter):
        over = w > cap
        if not over.any():
            return w
        excess = float((w[over] - cap).sum())
        w = np.where(over, cap, w)
        under = w < cap
        share = float(w[under].sum())
        if share <= 0:
            raise WeightingError("no weight below the cap left to take the trimmed excess")
        w = np.where(under, w * (1.0 + excess / share), w)
    over = w > cap * (1 + 1e-12)
    if over.any():
        raise ConvergenceError(f"trimming did not settle in {max_iter} rounds")
    out: FloatArray = np.minimum(w, cap)
    return out
