"""k-anonymity by global generalisation and suppression, with the least information lost.

A release is a table of records, every column a quasi-identifier (someone who knows a victim's
sex, age, citizenship and year may look for them). It is k-anonymous when every combination of
released values (an *equivalence class*) is shared by at least k records.

Each column has a generalisation hierarchy: a ladder from the recorded value (level 0) up to
``ANY`` ("*"), e.g. age band → minor/adult → *. A *node* picks one level per column; every
record is recoded to that node (global recoding: the same value always becomes the same
generalised value), and the records of classes still smaller than k are suppressed (left out
of the release, reported by count).

Which node: the one that loses least information. A record's loss in a column is its level
divided by the column's height (0 = as recorded, 1 = "*"); a suppressed record loses 1 in
every column. The node with the least total loss over all records wins; ties go to fewer
suppressed records, then to the lower levels in column order. Every node of the lattice is
tried (a few hundred for Spona's hierarchies), so the answer is the optimum of this loss
measure, not a heuristic's. The counting is done on the distinct recorded combinations with
numpy, so a million records cost as much as their few thousand distinct combinations.

The report says which level each column was released at and how many records and classes
were suppressed and why (classes under k at the chosen node). It gives no count of a class
under k, so it may be published with the release.

Not covered: k-anonymity does not stop attribute disclosure (all k records of a class may
share a value someone looks up), and a release linked with an earlier one of overlapping
records may narrow a class below k. Say so wherever the export is described.
"""

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

ANY = "*"
K = 11


@dataclass(frozen=True)
class Hierarchy:
    """A column and its generalisation ladder.

    ``ladder(value)`` gives the value at levels 1 .. height (the last must be ``ANY``);
    ``levels`` names those levels for the report ("age band", "minor or adult", "any").
    """

    column: str
    levels: tuple[str, ...]  # names of level 0 .. height
    ladder: Callable[[str], tuple[str, ...]]

    @property
    def height(self) -> int:
        return len(self.levels) - 1

    def generalised(self, value: str) -> tuple[str, ...]:
        steps = (value, *self.ladder(value))
        if len(steps) != len(self.levels) or steps[-1] != ANY:
            raise ValueError(f"{self.column}: the ladder of {value!r} must end in {ANY!r}")
        return steps


@dataclass(frozen=True)
class Release:
    columns: tuple[str, ...]
    rows: tuple[tuple[tuple[str, ...], int], ...]  # released class and its number of records
    node: tuple[int, ...]  # the level of each column
    level_names: tuple[str, ...]
    records: int
    suppressed_records: int
    suppressed_classes: int
    loss: float
    k: int

    @property
    def released_records(self) -> int:
        return self.records - self.suppressed_records

    def expanded(self) -> list[tuple[str, ...]]:
        """One tuple per released record (classes repeated by their count)."""
        return [values for values, count in self.rows for _ in range(count)]

    def report(self) -> dict[str, object]:
        """What was generalised and suppressed, and why (no count under k in it)."""
        return {
            "k": self.k,
            "records": self.records,
            "released": self.released_records,
            "suppressed": self.suppressed_records,
            "suppressed_classes": self.suppressed_classes,
            "reason": (
                f"records in a class of fewer than {self.k} after generalising each column to "
                "the level below were left out"
                if self.suppressed_records
                else ""
            ),
            "levels": dict(zip(self.columns, self.level_names, strict=True)),
            "information_loss": round(self.loss, 4),
        }


def anonymise(
    counts: Mapping[tuple[str, ...], int], hierarchies: Sequence[Hierarchy], *, k: int = K
) -> Release:
    """The k-anonymous release of ``counts`` (recorded combination → number of records) that
    loses the least information (see the module's docstring)."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    combos = [(tuple(values), int(n)) for values, n in counts.items() if n > 0]
    width = len(hierarchies)
    if any(len(values) != width for values, _ in combos):
        raise ValueError("every combination needs one value per hierarchy")
    weights = np.array([n for _, n in combos], dtype=np.int64)
    total = int(weights.sum())
    # codes[c][level]: the integer code of each combination's value at that level
    codes, labels = _encode(combos, hierarchies)
    heights = [h.height for h in hierarchies]
    best: tuple[float, int, tuple[int, ...]] | None = None
    for node in itertools.product(*(range(h + 1) for h in heights)):
        outcome = _evaluate(node, codes, weights, heights, k)
        key = (outcome.loss, outcome.suppressed_records, node)
        if best is None or key < best:
            best = key
    if best is None or not hierarchies:  # no columns at all
        return Release((), (), (), (), total, 0, 0, 0.0, k)
    node = best[2]
    outcome = _evaluate(node, codes, weights, heights, k, keep=True)
    rows = []
    for class_codes, count in outcome.released:
        values = tuple(labels[c][node[c]][code] for c, code in enumerate(class_codes))
        rows.append((values, count))
    rows.sort()
    return Release(
        columns=tuple(h.column for h in hierarchies),
        rows=tuple(rows),
        node=node,
        level_names=tuple(h.levels[level] for h, level in zip(hierarchies, node, strict=True)),
        records=total,
        suppressed_records=outcome.suppressed_records,
        suppressed_classes=outcome.suppressed_classes,
        loss=outcome.loss,
        k=k,
    )


@dataclass(frozen=True)
class _Outcome:
    loss: float
    suppressed_records: int
    suppressed_classes: int
    released: list[tuple[tuple[int, ...], int]]


Codes = list[list[npt.NDArray[np.int64]]]


def _encode(
    combos: list[tuple[tuple[str, ...], int]], hierarchies: Sequence[Hierarchy]
) -> tuple[Codes, list[list[list[str]]]]:
    """Integer codes of every combination's value at every level of every column: each
    distinct value's ladder is looked up once, the combinations then index its codes."""
    codes: Codes = []
    labels: list[list[list[str]]] = []
    for c, hierarchy in enumerate(hierarchies):
        per_level: list[dict[str, int]] = [{} for _ in hierarchy.levels]
        distinct: dict[str, int] = {}
        recorded = np.array(
            [distinct.setdefault(values[c], len(distinct)) for values, _ in combos],
            dtype=np.int64,
        )
        ladders = [hierarchy.generalised(value) for value in distinct]
        column_codes = []
        for level, names in enumerate(per_level):
            at_level = np.array(
                [names.setdefault(ladder[level], len(names)) for ladder in ladders],
                dtype=np.int64,
            )
            column_codes.append(at_level[recorded])
        codes.append(column_codes)
        labels.append([list(names) for names in per_level])
    return codes, labels


def _evaluate(
    node: tuple[int, ...],
    codes: Codes,
    weights: npt.NDArray[np.int64],
    heights: list[int],
    k: int,
    *,
    keep: bool = False,
) -> _Outcome:
    if len(weights) == 0:
        return _Outcome(0.0, 0, 0, [])
    columns_at = [codes[c][level] for c, level in enumerate(node)]
    cardinalities = [int(column.max()) + 1 for column in columns_at]
    product = np.prod(np.array(cardinalities, dtype=np.float64))
    classes = np.empty((0, 0), dtype=np.int64)  # the classes' codes: only to keep them
    if product < 2**62:
        # one integer per combination (mixed radix): a 1-d grouping, far faster than rows
        key = np.zeros(len(weights), dtype=np.int64)
        for column, cardinality in zip(columns_at, cardinalities, strict=True):
            key = key * cardinality + column
        if not keep and product <= 4 * len(weights) + 1024:
            # few possible classes: count them in an array indexed by the key, no sorting
            every = np.bincount(key, weights=weights, minlength=int(product)).astype(np.int64)
            sizes = every[every > 0]
        else:
            first, inverse = np.unique(key, return_index=True, return_inverse=True)[1:]
            classes = np.stack(columns_at, axis=1)[first]
            sizes = np.bincount(inverse, weights=weights, minlength=len(first)).astype(np.int64)
    else:
        classes, inverse = np.unique(np.stack(columns_at, axis=1), axis=0, return_inverse=True)
        sizes = np.bincount(inverse.reshape(-1), weights=weights, minlength=len(classes)).astype(
            np.int64
        )
    small = sizes < k
    suppressed = int(sizes[small].sum())
    released_records = int(sizes[~small].sum())
    per_record = sum(level / height for level, height in zip(node, heights, strict=True) if height)
    columns = sum(1 for height in heights if height)
    loss = released_records * per_record + suppressed * columns
    released = (
        [(tuple(int(x) for x in classes[i]), int(sizes[i])) for i in np.flatnonzero(~small)]
        if keep
        else []
    )
    return _Outcome(float(loss), suppressed, int(small.sum()), released)


def is_k_anonymous(rows: Sequence[tuple[str, ...]], k: int = K) -> bool:
    """Every distinct row occurs at least k times (the check the tests make on a release)."""
    counted: dict[tuple[str, ...], int] = {}
    for row in rows:
        counted[row] = counted.get(row, 0) + 1
    return all(n >= k for n in counted.values())
