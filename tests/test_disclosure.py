"""Disclosure control: small counts never leave, and no suppressed entry can be recovered exactly."""

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spona.disclosure import (
    GRAND_TOTAL,
    VECTOR_TOTAL,
    K,
    ProtectedTable,
    cell_entry,
    column_total_entry,
    part_of_whole,
    protect,
    protect_vector,
    recoverable,
    recoverable_vector,
    row_total_entry,
    share,
    shown,
    vector_cell_entry,
)

# Counts from a mix of 0, small and publishable values, so small cells are common.
counts = st.one_of(st.just(0), st.integers(1, 10), st.integers(11, 500))


@st.composite
def tables(draw: st.DrawFn) -> list[list[int]]:
    rows, columns = draw(st.integers(1, 8)), draw(st.integers(1, 6))
    return [draw(st.lists(counts, min_size=columns, max_size=columns)) for _ in range(rows)]


vectors = st.lists(counts, max_size=12)


def entries(table: ProtectedTable, grid: list[list[int]]):
    """Every entry of the table as (name, published value, true value), totals included."""
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            yield cell_entry(i, j), table.cells[i][j], value
        yield row_total_entry(i), table.row_totals[i], sum(row)
    for j in range(len(grid[0])):
        yield column_total_entry(j), table.column_totals[j], sum(row[j] for row in grid)
    yield GRAND_TOTAL, table.grand_total, sum(map(sum, grid))


def vector_entries(cells, total, values: list[int]):
    yield from zip(cells, values, strict=True)
    yield total, sum(values)


# Examples


def test_a_single_small_cell_takes_a_rectangle_of_cells_with_it() -> None:
    grid = [[5, 40, 60], [30, 70, 80], [45, 90, 100]]
    table = protect(grid)
    assert table.primary == {(0, 0)}
    assert table.secondary == {(0, 1), (1, 0), (1, 1)}  # the cheapest cycle: 40 + 70 + 30
    assert any(i == 0 for i, _ in table.secondary)
    assert any(j == 0 for _, j in table.secondary)
    assert table.cells == ((None, None, 60), (None, None, 80), (45, 90, 100))
    assert (table.row_totals, table.column_totals, table.grand_total) == (
        (105, 180, 235),
        (80, 200, 240),
        520,
    )
    assert recoverable(table, grid) == set()


def test_a_table_without_small_cells_is_published_whole() -> None:
    grid = [[11, 20, 0], [0, 500, 13]]
    table = protect(grid)
    assert table.cells == ((11, 20, 0), (0, 500, 13))
    assert (table.row_totals, table.column_totals, table.grand_total) == (
        (31, 513),
        (11, 520, 13),
        544,
    )
    assert (
        table.primary == table.secondary == table.primary_totals == table.secondary_totals == set()
    )


def test_zeros_are_published() -> None:
    table = protect([[0, 20], [30, 0], [0, 0]])
    assert table.cells == ((0, 20), (30, 0), (0, 0))
    assert table.row_totals == (20, 30, 0)
    assert table.display(table.cells[2][1]) == "0"


def test_a_small_total_is_suppressed() -> None:
    grid = [[3, 4, 0], [50, 60, 70]]
    table = protect(grid)
    assert table.row_totals[0] is None
    assert row_total_entry(0) in table.primary_totals
    assert table.primary == {(0, 0), (0, 1)}
    assert table.cells[0][2] == 0
    assert recoverable(table, grid) == set()


def test_a_lone_small_count_suppresses_its_row_and_column_totals_together() -> None:
    table = protect([[5, 0, 0]])
    assert table.cells == ((None, 0, 0),)
    assert table.row_totals == (None,)
    assert table.column_totals == (None, 0, 0)
    assert table.grand_total is None
    assert table.primary_totals == {row_total_entry(0), column_total_entry(0), GRAND_TOTAL}


def test_suppressed_entries_are_shown_as_below_k() -> None:
    table = protect([[5, 40], [30, 70]])
    assert [table.display(value) for value in table.cells[0]] == ["<11", "<11"]
    assert shown(None) == "<11"
    assert shown(12) == "12"
    assert shown(None, k=5) == "<5"
    assert protect([[3]], k=5).display(None) == "<5"


def test_empty_tables_and_k_of_one_suppress_nothing() -> None:
    assert protect([]).grand_total == 0
    assert protect([[], []]).row_totals == (0, 0)
    assert protect([[1, 2], [3, 4]], k=1).cells == ((1, 2), (3, 4))


@pytest.mark.parametrize("bad", [[[1, 2], [3]], [[-1]], [[1.5]]])
def test_bad_counts_are_refused(bad) -> None:
    with pytest.raises((ValueError, TypeError)):
        protect(bad)


def test_k_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="k must be"):
        protect([[1]], k=0)
    with pytest.raises(ValueError, match="k must be"):
        protect_vector([1], k=0)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([3, 50, 20], ((None, 50, None), 73)),  # one small: the next smallest non-zero goes too
        ([3, 4, 50], ((None, None, 50), 57)),  # two small: nothing more needed
        ([3, 4], ((None, None), None)),  # all small, total small: total too
        ([3, 9], ((None, None), 12)),  # all small, total publishable
        ([5, 0, 0], ((None, 0, 0), None)),  # one small, the rest zero: the total is small too
        ([0, 0], ((0, 0), 0)),
        ([11, 0, 200], ((11, 0, 200), 211)),
        ([], ((), 0)),
    ],
)
def test_protect_vector(values, expected) -> None:
    assert protect_vector(values) == expected


# The checker itself


def test_recoverable_finds_a_lone_suppressed_cell() -> None:
    grid = [[5, 20], [30, 40]]
    table = ProtectedTable(
        cells=((None, 20), (30, 40)),
        row_totals=(25, 70),
        column_totals=(35, 60),
        grand_total=95,
        primary=frozenset({(0, 0)}),
        secondary=frozenset(),
    )
    assert recoverable(table, grid) == {cell_entry(0, 0)}


def test_recoverable_finds_a_pair_in_one_row_through_the_column_totals() -> None:
    grid = [[5, 7], [30, 40]]
    table = ProtectedTable(
        cells=((None, None), (30, 40)),
        row_totals=(None, 70),
        column_totals=(35, 47),
        grand_total=82,
        primary=frozenset({(0, 0), (0, 1)}),
        secondary=frozenset(),
        primary_totals=frozenset({row_total_entry(0)}),
    )
    assert recoverable(table, grid) == {cell_entry(0, 0), cell_entry(0, 1), row_total_entry(0)}


def test_recoverable_finds_a_lone_grand_total() -> None:
    grid = [[20, 30]]
    table = ProtectedTable(
        cells=((20, 30),),
        row_totals=(50,),
        column_totals=(20, 30),
        grand_total=None,
        primary=frozenset(),
        secondary=frozenset(),
    )
    assert recoverable(table, grid) == {GRAND_TOTAL}


def test_recoverable_refuses_a_table_of_other_counts() -> None:
    table = protect([[20, 30]])
    with pytest.raises(ValueError, match="the counts do not have"):
        recoverable(table, [[20, 31]])
    with pytest.raises(ValueError, match="shape"):
        recoverable(table, [[20, 30, 0]])


def test_recoverable_vector() -> None:
    assert recoverable_vector((None, 50), 55, [5, 50]) == {vector_cell_entry(0)}
    assert recoverable_vector((None, None), 55, [5, 50]) == set()
    assert recoverable_vector((5, 50), None, [5, 50]) == {VECTOR_TOTAL}


@st.composite
def suppression_patterns(draw: st.DrawFn) -> tuple[ProtectedTable, list[list[int]]]:
    """Any table with any entries suppressed (most of them recoverable)."""
    grid = draw(tables())
    table = protect(grid, k=1)  # publishes everything
    m, n = len(grid), len(grid[0])
    hide = draw(st.sets(st.tuples(st.integers(0, m), st.integers(0, n))))

    def value(i: int, j: int, v: int | None) -> int | None:
        return None if (i, j) in hide else v

    hidden = ProtectedTable(
        cells=tuple(
            tuple(value(i, j, v) for j, v in enumerate(row)) for i, row in enumerate(table.cells)
        ),
        row_totals=tuple(value(i, n, v) for i, v in enumerate(table.row_totals)),
        column_totals=tuple(value(m, j, v) for j, v in enumerate(table.column_totals)),
        grand_total=value(m, n, table.grand_total),
        primary=frozenset(),
        secondary=frozenset(),
    )
    return hidden, grid


def recoverable_by_rank(table: ProtectedTable, grid: list[list[int]]) -> set[tuple[str, ...]]:
    """The definition, literally: an unknown is fixed iff dropping its column lowers the rank."""
    m, n = len(grid), len(grid[0])
    unknowns = [name for name, value, _ in entries(table, grid) if value is None]
    if not unknowns:
        return set()
    equations: list[dict[tuple[str, ...], int]] = []
    for i in range(m):
        equations.append({cell_entry(i, j): 1 for j in range(n)} | {row_total_entry(i): -1})
    for j in range(n):
        equations.append({cell_entry(i, j): 1 for i in range(m)} | {column_total_entry(j): -1})
    equations.append({row_total_entry(i): 1 for i in range(m)} | {GRAND_TOTAL: -1})
    equations.append({column_total_entry(j): 1 for j in range(n)} | {GRAND_TOTAL: -1})
    matrix = np.array([[eq.get(name, 0) for name in unknowns] for eq in equations])
    full = np.linalg.matrix_rank(matrix)
    fixed = set()
    for u, name in enumerate(unknowns):
        rest = np.delete(matrix, u, axis=1)
        if (np.linalg.matrix_rank(rest) if rest.size else 0) < full:
            fixed.add(name)
    return fixed


@settings(max_examples=300, deadline=None)
@given(suppression_patterns())
def test_recoverable_agrees_with_the_rank_definition(pattern) -> None:
    table, grid = pattern
    assert recoverable(table, grid) == recoverable_by_rank(table, grid)


# Properties over random tables


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_published_entry_is_small(grid) -> None:
    table = protect(grid)
    for name, value, _ in entries(table, grid):
        assert value is None or not 0 < value < K, name


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_suppressed_entry_is_recoverable(grid) -> None:
    assert recoverable(protect(grid), grid) == set()


@settings(max_examples=300, deadline=None)
@given(tables())
def test_published_entries_are_true(grid) -> None:
    table = protect(grid)
    for name, value, true in entries(table, grid):
        assert value is None or value == true, name


@settings(max_examples=300, deadline=None)
@given(tables())
def test_protect_is_deterministic(grid) -> None:
    assert protect(grid) == protect(tuple(tuple(row) for row in grid))


@settings(max_examples=300, deadline=None)
@given(tables())
def test_primary_and_secondary_account_for_every_suppression(grid) -> None:
    table = protect(grid)
    hidden = {(i, j) for i, row in enumerate(table.cells) for j, v in enumerate(row) if v is None}
    assert table.primary == {
        (i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if 0 < v < K
    }
    assert not table.primary & table.secondary
    assert hidden == table.primary | table.secondary
    hidden_totals = {name for name, value, _ in entries(table, grid) if value is None} - {
        cell_entry(i, j) for i, j in hidden
    }
    assert hidden_totals == table.primary_totals | table.secondary_totals


@settings(max_examples=300, deadline=None)
@given(vectors)
def test_vector_publishes_no_small_and_only_true_counts(values) -> None:
    cells, total = protect_vector(values)
    for value, true in vector_entries(cells, total, values):
        assert value is None or not 0 < value < K
        assert value is None or value == true


@settings(max_examples=300, deadline=None)
@given(vectors)
def test_vector_suppressed_counts_are_not_recoverable(values) -> None:
    cells, total = protect_vector(values)
    assert recoverable_vector(cells, total, values) == set()


@settings(max_examples=300, deadline=None)
@given(vectors)
def test_protect_vector_is_deterministic(values) -> None:
    assert protect_vector(values) == protect_vector(tuple(values))


def test_a_large_table_is_protected() -> None:
    """The largest tables Spona draws: 200 municipalities by 20 categories, many small."""
    rng = random.Random(11)
    grid = [
        [rng.choice([0, rng.randint(1, 10), rng.randint(11, 500)]) for _ in range(20)]
        for _ in range(200)
    ]
    table = protect(grid)
    assert all(value is None or not 0 < value < K for _, value, _ in entries(table, grid))
    assert recoverable(table, grid) == set()


def _small(value: int) -> bool:
    return 0 < value < K


@settings(max_examples=300)
@given(counts, counts)
def test_one_rule_for_a_share_and_its_counts(a, b):
    """``part_of_whole``: never a small part, rest or whole published, nor one recoverable
    from the others; the share exactly when part and whole are both published."""
    part, whole = min(a, b), max(a, b)
    result = part_of_whole(part, whole)
    for value in (result.part, result.whole):
        assert value is None or not _small(value)
    if result.part is not None and result.whole is not None:
        assert not _small(whole - part)  # the rest they give away is not small
    assert (result.share is None) == (result.part is None or not result.whole)
    small = any(_small(v) for v in (part, whole - part, whole))
    assert (share(part, whole) is None) == (small or whole == 0)
    if result.share is not None:
        assert result.share == round(100 * part / whole, 1)


def test_a_part_beyond_its_whole_is_two_counts_on_their_own():
    beyond = part_of_whole(20, 7)
    assert (beyond.part, beyond.whole, beyond.share) == (20, None, None)
    assert part_of_whole(30, 15).share == 200.0
