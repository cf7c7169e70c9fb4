"""The differentially private HTCDS release: noisy counts of a public contingency table.

What is released. The cases (``records.htcds_counts``) counted in a table whose cells are
*every* combination of a public list of values (zeros included): sex (3) × CTDC age band (11)
× UN region of citizenship (6) × year opened (``settings.DP_FIRST_YEAR`` to this year) ×
broad form of exploitation (8). The list is fixed in advance, not taken from the data, so
which cells exist says nothing about anyone. Methods of control are left out (too many
combinations for few cases: noise would drown them), regions stand for countries for the
same reason. Cases of years outside the range are not counted.

The mechanism. One case changes one cell by one, so the table's L1 sensitivity is 1 and
OpenDP's Laplace measurement on an integer vector (``make_laplace`` over
``vector_domain(atom_domain(i64))`` with ``l1_distance``: discrete Laplace noise) with scale
1/ε is ε-differentially private; OpenDP's own privacy map checks that ε before any noise is
drawn. Negative noisy counts are set to 0 and cells at 0 left out of the file: post-processing,
which costs no privacy. No noise is hand-rolled here.

Why counts and not synthetic records: sampling records from the noisy table is post-processing
too (no more privacy), adds sampling error, and suggests a precision the data does not have;
the counts are the same information, exactly what the noise left. The unit of privacy is one
case: a person with several victim cases is protected at ε per case (docs/decisions.md).
"""

import csv
import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import opendp.prelude as dp

from spona.statistics import htcds
from spona.statistics.export import Writable

DATASET = "htcds-cases"
"""The dataset every release of the cases spends from (its budget is per dataset)."""

COLUMNS = (
    "prs_Gender",
    "ageBroad",
    "prs_Citizenship",
    "yearRegister",
    "vic_TypeOfExploitation",
    "count",
)
GENDERS = ("Feminine", "Masculine", "NonSpecifiedUnknown")
AGES = (*(name for _low, _high, name in htcds.AGE_BANDS), htcds.MINOR, htcds.UNKNOWN)
REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania", htcds.UNKNOWN)
FORMS = (
    "",  # not recorded
    *(
        htcds.SEPARATOR.join(combination)
        for size in (1, 2, 3)
        for combination in itertools.combinations(
            ("ForcedLabour", "Other", "SexualExploitation"), size
        )
    ),
)

Key = tuple[str, ...]


@dataclass(frozen=True)
class NoisyTable:
    epsilon: float
    years: tuple[int, int]  # first and last
    cells: int  # how many cells the table has (the released file has the non-zero ones)
    rows: tuple[tuple[Key, int], ...]  # the non-zero noisy cells

    def write_csv(self, out: Writable) -> int:
        """Write the released cells with a count column; returns the lines written."""
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([*key, count] for key, count in self.rows)
        return len(self.rows)


def domain(first_year: int, last_year: int) -> Iterator[Key]:
    """Every cell of the table, in a fixed order."""
    years = (str(year) for year in range(first_year, last_year + 1))
    return itertools.product(GENDERS, AGES, REGIONS, years, FORMS)


def coarse(key: Key) -> Key:
    """A cell of ``records.htcds_counts`` (country, form, methods) in this table's terms."""
    gender, age, country, year, forms, _methods = key
    region = htcds.REGION.get(country, htcds.UNKNOWN)
    broad = htcds.HIERARCHIES[4].generalised(forms)[1]
    return (gender, age, region, year, broad)


def _check_covered(table: Counter[Key], cells: set[Key], first_year: int, last_year: int) -> None:
    """Every case of the released years falls in a cell: a value the public lists lack would
    be dropped silently (a programming error, say a new form of exploitation)."""
    years = {str(year) for year in range(first_year, last_year + 1)}
    missing = [key for key in table if key[3] in years and key not in cells]
    if missing:
        raise ValueError(f"values outside the public table: {sorted(missing)[:5]}")


def measurement(epsilon: float) -> dp.Measurement:
    """OpenDP's ε-DP Laplace measurement for a vector of counts one case changes by one."""
    if not epsilon > 0:
        raise ValueError("epsilon must be positive")
    dp.enable_features("contrib")
    space = dp.vector_domain(dp.atom_domain(T=dp.i64)), dp.l1_distance(T=dp.i64)

    def laplace(scale: float) -> dp.Measurement:
        return dp.m.make_laplace(*space, scale=scale)

    noise = laplace(1 / epsilon)
    if noise.map(d_in=1) > epsilon:  # type: ignore[no-untyped-call]  # OpenDP leaves it untyped
        # OpenDP's map rounds up, and 1/ε can spend a hair more than ε (0.7 maps to
        # 0.7000000000000001): then the smallest scale whose map stays within ε
        noise = laplace(dp.binary_search_param(laplace, d_in=1, d_out=epsilon))
    if noise.map(d_in=1) > epsilon:  # type: ignore[no-untyped-call]  # OpenDP leaves it untyped
        raise ValueError("the measurement would spend more than epsilon")
    return noise


def noisy_table(
    counts: Counter[Key], *, epsilon: float, first_year: int, last_year: int
) -> NoisyTable:
    """The ε-DP release of ``counts`` (``records.htcds_counts``)."""
    table: Counter[Key] = Counter()
    for key, n in counts.items():
        table[coarse(key)] += n
    cells = list(domain(first_year, last_year))
    _check_covered(table, set(cells), first_year, last_year)
    noisy = measurement(epsilon)([table.get(cell, 0) for cell in cells])
    rows = tuple((cell, int(n)) for cell, n in zip(cells, noisy, strict=True) if n > 0)
    return NoisyTable(epsilon, (first_year, last_year), len(cells), rows)
