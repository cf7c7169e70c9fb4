"""Statistical disclosure control for every aggregate table Spona draws or exports.

Project rule: aggregates only leave the system with small cells suppressed (k ≥ 11). A count
from 1 to k-1 is never published (it is shown as "<11"); 0 is published.

The model. A table of m rows and n columns is published with its row totals, column totals and
grand total. Together they form an (m+1) × (n+1) "augmented" table: the last column holds the
row totals, the last row the column totals, the corner the grand total. Every entry of it, total
or cell, may be suppressed.

1. Primary suppression: every entry (cell or total) from 1 to k-1.
2. Secondary suppression: more entries, until no suppressed entry can be recovered exactly from
   the published ones. The reader knows that each row's cells sum to its total, each column's
   cells sum to its total, and both the row totals and the column totals sum to the grand total.
   In the augmented table, read with the totals negated, every row and every column sums to
   zero, so each entry appears in exactly two equations: its row's and its column's. The system
   is the incidence matrix of the bipartite graph whose vertices are the m+1 rows and n+1 columns
   and whose edges are the suppressed entries. Its null space is the cycle space of that graph,
   so a suppressed entry is exactly determined iff it lies on no cycle, that is iff it is a
   bridge.

The greedy (deterministic, terminates): while a bridge exists, take the first one (row-major
order of the augmented table) and suppress the cheapest set of published entries that closes a
cycle through it: the cheapest path from its row to its column through the whole augmented table
without the entry itself. Already suppressed entries are free; the cost of a published entry is,
compared in this order, whether it is 0, its value, one entry. So it prefers small non-zero cells
in the same row and column, reuses earlier suppressions, and takes a total only when it is the
cheapest choice. Each round suppresses at least one more entry, and the fully suppressed table
has no bridge (m+1, n+1 ≥ 2), so the loop ends. This is a heuristic, not an optimal solver:
optimal cell suppression is NP-hard; the greedy keeps the loss low, not minimal.

Zeros. Spona publishes its 0s, so a reader who sees a suppressed entry cannot tell that it is 0:
suppressing a 0 does add uncertainty. Zeros are still taken last (only if no path avoids them),
because a suppressed 0 can be pinned by non-negativity (see below).

``recoverable`` checks the same property independently of the graph: it writes the equations out
and asks linear algebra (numpy) which unknowns they fix; the tests use it to check ``protect``.

Not covered (say so wherever these tables are described):

* Interval disclosure. Only exact *linear* recovery is prevented. Non-negativity, and the label
  "<11" (which tells the reader a primary cell is at most 10), narrow the interval of a
  suppressed value and can, in corner cases, pin it: if the only suppressed cells of a row are
  two primary cells and its published total minus its published cells is 20, both are 10.
  A suppressed 0 on a cycle can likewise be pinned at 0. A linear-programming audit (the
  minimum and maximum of every suppressed entry) would find these.
* Linked tables: tables built from the same records (other breakdowns, other periods, earlier
  exports) are protected one at a time; differences between them are not checked.
"""

import heapq
import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

K = 11
"""The smallest count that may be published."""

Entry = tuple[str, ...]
"""A named entry: ``("cell", "2", "3")``, ``("row", "2")``, ``("column", "3")``, ``("grand",)``;
for a vector ``("cell", "3")`` and ``("total",)``."""

Coordinate = tuple[int, int]
"""A position in the augmented table (row totals in column n, column totals in row m)."""

Cost = tuple[int, int, int]
"""Cost of suppressing entries: (how many zeros, sum of values, how many entries)."""

Grid = tuple[tuple[int, ...], ...]

GRAND_TOTAL: Entry = ("grand",)
VECTOR_TOTAL: Entry = ("total",)
_FREE: Cost = (0, 0, 0)


def cell_entry(row: int, column: int) -> Entry:
    return ("cell", str(row), str(column))


def row_total_entry(row: int) -> Entry:
    return ("row", str(row))


def column_total_entry(column: int) -> Entry:
    return ("column", str(column))


def vector_cell_entry(index: int) -> Entry:
    return ("cell", str(index))


def shown(value: int | None, *, k: int = K) -> str:
    """The published text of an entry: "<11" when suppressed, else the number.

    Secondary suppressions get the same mark (so a reader cannot tell them from primary ones),
    although their true value may be k or more.
    """
    return f"<{k}" if value is None else str(value)


@dataclass(frozen=True)
class PartOfWhole:
    """A part, its whole and the share (``scale`` × part / whole) as they may be published
    together; ``None`` where withheld."""

    part: int | None
    whole: int | None
    share: float | None


def part_of_whole(
    part: int, whole: int, *, k: int = K, scale: int = 100, digits: int = 1
) -> PartOfWhole:
    """The one rule for a share and the two counts it is derived from, from the true counts.

    A part of its whole is a two-cell table (the part and the rest) with the whole as its
    total, protected as one (``protect_vector``): a small part, a small rest or a small whole
    is suppressed, with a second entry where one alone would be given away. The share is then
    computed only from the published part and whole: a share published next to one of its
    counts gives the other away (whole = part × 100 / share; rest = whole − part), so it is
    never computed from a count that is not itself published. A part larger than its whole
    (say, people reached beyond a group's mapped size) is not a cell of it: the two counts are
    then published each on its own. A share of an empty whole is ``None`` (nothing to measure).
    """
    _check_k(k)
    part, whole = _count(part), _count(whole)
    if part <= whole:
        (shown_part, _rest), shown_whole = protect_vector([part, whole - part], k=k)
    else:
        shown_part, shown_whole = published(part, k=k), published(whole, k=k)
    ratio = None
    if shown_part is not None and shown_whole:
        ratio = round(scale * shown_part / shown_whole, digits)
    return PartOfWhole(shown_part, shown_whole, ratio)


def share(part: int, whole: int, *, k: int = K) -> int | None:
    """A share of a whole in whole per cent as it may be published (``part_of_whole``), or
    ``None``: withheld when the part, the rest or the whole is a small count."""
    if part_of_whole(part, whole, k=k).share is None:
        return None
    return round(100 * part / whole)


def published(value: int, *, k: int = K) -> int | None:
    """One count on its own (no total published with it): ``None`` when from 1 to k-1."""
    _check_k(k)
    return None if _is_small(_count(value), k) else value


@dataclass(frozen=True)
class ProtectedTable:
    """A table ready to publish: ``None`` marks a suppressed entry.

    ``primary`` and ``secondary`` hold cell positions (row, column); the totals suppressed for
    the same reasons are in ``primary_totals`` and ``secondary_totals`` as entries
    (``row_total_entry(2)``, ``column_total_entry(0)``, ``GRAND_TOTAL``).
    """

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    grand_total: int | None
    primary: frozenset[tuple[int, int]]
    secondary: frozenset[tuple[int, int]]
    primary_totals: frozenset[Entry] = frozenset()
    secondary_totals: frozenset[Entry] = frozenset()
    k: int = K

    def display(self, value: int | None) -> str:
        return shown(value, k=self.k)


# Protecting a table


def protect(counts: Sequence[Sequence[int]], *, k: int = K) -> ProtectedTable:
    """Suppress the small entries of a table of counts, then enough others that none of them
    can be recovered exactly from the published cells and totals."""
    _check_k(k)
    augmented = _augmented(_grid(counts))
    primary = {place for place in _places(augmented) if _is_small(_at(augmented, place), k)}
    suppressed = _close_cycles(augmented, primary)
    return _assemble(augmented, primary, suppressed, k)


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")


def _is_small(value: int, k: int) -> bool:
    return 0 < value < k


def _count(value: int) -> int:
    number = operator.index(value)  # refuses floats and strings
    if number < 0:
        raise ValueError(f"counts cannot be negative: {number}")
    return number


def _grid(counts: Sequence[Sequence[int]]) -> Grid:
    grid = tuple(tuple(_count(value) for value in row) for row in counts)
    if len({len(row) for row in grid}) > 1:
        raise ValueError("every row of the table needs the same number of columns")
    return grid


def _augmented(grid: Grid) -> Grid:
    """The table with its row totals as a last column and column totals as a last row."""
    width = len(grid[0]) if grid else 0
    column_totals = tuple(sum(row[j] for row in grid) for j in range(width))
    rows = (*grid, column_totals)
    return tuple((*row, sum(row)) for row in rows)


def _places(augmented: Grid) -> Iterator[Coordinate]:
    for i, row in enumerate(augmented):
        for j in range(len(row)):
            yield (i, j)


def _at(augmented: Grid, place: Coordinate) -> int:
    return augmented[place[0]][place[1]]


def _close_cycles(augmented: Grid, primary: set[Coordinate]) -> set[Coordinate]:
    """Secondary suppression: put every suppressed entry on a cycle of suppressed entries."""
    suppressed = set(primary)
    while bridges := _bridges(suppressed, len(augmented)):
        suppressed.update(_cheapest_cycle(augmented, suppressed, min(bridges)))
    return suppressed


def _bridges(edges: set[Coordinate], rows: int) -> set[Coordinate]:
    """The suppressed entries on no cycle (Tarjan's bridges, without recursion).

    Vertex i is row i of the augmented table, vertex rows + j is its column j.
    """
    adjacency: dict[int, list[tuple[int, Coordinate]]] = {}
    for edge in sorted(edges):
        row, column = edge
        adjacency.setdefault(row, []).append((rows + column, edge))
        adjacency.setdefault(rows + column, []).append((row, edge))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    found: set[Coordinate] = set()
    for root in sorted(adjacency):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[int, Coordinate | None, Iterator[tuple[int, Coordinate]]]] = [
            (root, None, iter(adjacency[root]))
        ]
        while stack:
            vertex, via, neighbours = stack[-1]
            for neighbour, edge in neighbours:
                if edge == via:
                    continue
                if neighbour in order:
                    low[vertex] = min(low[vertex], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, edge, iter(adjacency[neighbour])))
                    break
            else:
                stack.pop()
                if stack and via is not None:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[vertex])
                    if low[vertex] > order[parent]:
                        found.add(via)
    return found


def _cheapest_cycle(
    augmented: Grid, suppressed: set[Coordinate], bridge: Coordinate
) -> list[Coordinate]:
    """The entries of the cheapest path from the bridge's row to its column that avoids the
    bridge itself: suppressing them puts the bridge on a cycle (Dijkstra, ties by vertex)."""
    rows, columns = len(augmented), len(augmented[0])
    start, goal = bridge[0], rows + bridge[1]
    best: dict[int, Cost] = {start: _FREE}
    came_from: dict[int, tuple[int, Coordinate]] = {}
    queue: list[tuple[Cost, int]] = [(_FREE, start)]
    done: set[int] = set()
    while queue:
        cost, vertex = heapq.heappop(queue)
        if vertex == goal:
            break
        if vertex in done:
            continue
        done.add(vertex)
        for neighbour, edge in _neighbours(vertex, rows, columns):
            if edge == bridge or neighbour in done:
                continue
            step = _FREE if edge in suppressed else _cost(_at(augmented, edge))
            total = _add(cost, step)
            if neighbour not in best or total < best[neighbour]:
                best[neighbour] = total
                came_from[neighbour] = (vertex, edge)
                heapq.heappush(queue, (total, neighbour))
    path: list[Coordinate] = []
    vertex = goal
    while vertex != start:
        vertex, edge = came_from[vertex]
        path.append(edge)
    return path


def _neighbours(vertex: int, rows: int, columns: int) -> Iterator[tuple[int, Coordinate]]:
    if vertex < rows:
        for j in range(columns):
            yield rows + j, (vertex, j)
    else:
        for i in range(rows):
            yield i, (i, vertex - rows)


def _cost(value: int) -> Cost:
    return (int(value == 0), value, 1)


def _add(a: Cost, b: Cost) -> Cost:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _assemble(
    augmented: Grid, primary: set[Coordinate], suppressed: set[Coordinate], k: int
) -> ProtectedTable:
    m, n = len(augmented) - 1, len(augmented[0]) - 1

    def published(i: int, j: int) -> int | None:
        return None if (i, j) in suppressed else augmented[i][j]

    def is_cell(place: Coordinate) -> bool:
        return place[0] < m and place[1] < n

    secondary = suppressed - primary
    return ProtectedTable(
        cells=tuple(tuple(published(i, j) for j in range(n)) for i in range(m)),
        row_totals=tuple(published(i, n) for i in range(m)),
        column_totals=tuple(published(m, j) for j in range(n)),
        grand_total=published(m, n),
        primary=frozenset(place for place in primary if is_cell(place)),
        secondary=frozenset(place for place in secondary if is_cell(place)),
        primary_totals=frozenset(_entry(p, m, n) for p in primary if not is_cell(p)),
        secondary_totals=frozenset(_entry(p, m, n) for p in secondary if not is_cell(p)),
        k=k,
    )


def _entry(place: Coordinate, m: int, n: int) -> Entry:
    i, j = place
    if i < m and j < n:
        return cell_entry(i, j)
    if i < m:
        return row_total_entry(i)
    if j < n:
        return column_total_entry(j)
    return GRAND_TOTAL


# Protecting a single row with its total (one map layer)


def protect_vector(
    counts: Sequence[int], *, k: int = K
) -> tuple[tuple[int | None, ...], int | None]:
    """Suppress the small counts of one row and its total; if that leaves exactly one entry
    suppressed (the total would give it away), suppress the next smallest non-zero count, or
    the total if there is none. Returns the cells and the total, ``None`` where suppressed."""
    _check_k(k)
    values = tuple(_count(value) for value in counts)
    total = sum(values)
    hidden = {j for j, value in enumerate(values) if _is_small(value, k)}
    total_hidden = _is_small(total, k)
    if len(hidden) + total_hidden == 1:
        hidden, total_hidden = _second_unknown(values, hidden, total_hidden)
    cells = tuple(None if j in hidden else value for j, value in enumerate(values))
    return cells, None if total_hidden else total


def _second_unknown(
    values: tuple[int, ...], hidden: set[int], total_hidden: bool
) -> tuple[set[int], bool]:
    """One more suppression for a row with a single one.

    With the primary rule a non-zero published count always exists here (a lone small cell
    leaves a total of k or more; a small total makes its non-zero cells small too); the total
    is the fallback the rule asks for.
    """
    non_zero = sorted((value, j) for j, value in enumerate(values) if j not in hidden and value)
    if non_zero:
        return hidden | {non_zero[0][1]}, total_hidden
    return hidden, True


# Checking: which suppressed entries can be recovered exactly


def recoverable(table: ProtectedTable, counts: Sequence[Sequence[int]]) -> set[Entry]:
    """The suppressed entries (cells or totals) exactly determined by the published values.

    ``counts`` is the true table; it fixes the shape and must agree with every published value
    (a ``ValueError`` otherwise), since the answer is only meaningful for the table published.
    Whether an entry is determined depends only on which entries are suppressed.
    """
    truth = _augmented(_grid(counts))
    published = _published(table)
    _check_agrees(published, truth)
    m, n = len(truth) - 1, len(truth[0]) - 1
    places = list(_places(truth))
    matrix = _table_equations(m, n, places)
    unknown = [index for index, (i, j) in enumerate(places) if published[i][j] is None]
    return {_entry(places[unknown[c]], m, n) for c in _determined(matrix[:, unknown])}


def recoverable_vector(
    cells: Sequence[int | None], total: int | None, counts: Sequence[int]
) -> set[Entry]:
    """``recoverable`` for a single row and its total (the output of ``protect_vector``)."""
    truth = (*(_count(value) for value in counts), sum(counts))
    published = (*cells, total)
    _check_agrees((published,), (truth,))
    matrix = np.array([[1] * len(cells) + [-1]], dtype=np.int64)
    unknown = [index for index, value in enumerate(published) if value is None]
    names = [vector_cell_entry(j) for j in range(len(cells))] + [VECTOR_TOTAL]
    return {names[unknown[c]] for c in _determined(matrix[:, unknown])}


def _published(table: ProtectedTable) -> tuple[tuple[int | None, ...], ...]:
    """The published values laid out as the augmented table."""
    rows = tuple((*row, total) for row, total in zip(table.cells, table.row_totals, strict=True))
    return (*rows, (*table.column_totals, table.grand_total))


def _check_agrees(
    published: Sequence[Sequence[int | None]], truth: Sequence[Sequence[int]]
) -> None:
    shapes = [len(row) for row in published], [len(row) for row in truth]
    if shapes[0] != shapes[1]:
        raise ValueError("the protected table and the counts differ in shape")
    for shown_row, true_row in zip(published, truth, strict=True):
        for value, true in zip(shown_row, true_row, strict=True):
            if value is not None and value != true:
                raise ValueError("the protected table publishes a value the counts do not have")


def _table_equations(m: int, n: int, places: list[Coordinate]) -> npt.NDArray[np.int64]:
    """One equation per row, per column and two for the grand total, over all entries.

    Columns follow ``places`` (augmented positions: row totals at column n, column totals at
    row m, the grand total at (m, n)).
    """
    index = {place: c for c, place in enumerate(places)}
    matrix = np.zeros((m + n + 2, len(places)), dtype=np.int64)
    for i in range(m):  # row i's cells sum to its total
        for j in range(n):
            matrix[i, index[(i, j)]] = 1
        matrix[i, index[(i, n)]] = -1
    for j in range(n):  # column j's cells sum to its total
        for i in range(m):
            matrix[m + j, index[(i, j)]] = 1
        matrix[m + j, index[(m, j)]] = -1
    for i in range(m):  # the row totals sum to the grand total
        matrix[m + n, index[(i, n)]] = 1
    for j in range(n):  # so do the column totals
        matrix[m + n + 1, index[(m, j)]] = 1
    matrix[m + n, index[(m, n)]] = -1
    matrix[m + n + 1, index[(m, n)]] = -1
    return matrix


def _determined(matrix: npt.NDArray[np.int64]) -> list[int]:
    """The unknowns (columns) whose value the equations fix.

    Unknown u is fixed iff removing its column lowers the rank, i.e. iff every solution of the
    homogeneous system is 0 at u. One SVD gives an orthonormal basis of those solutions (the
    null space); u is fixed iff its weight in that basis is 0. For these 0/±1 systems a free
    unknown lies on a solution with entries ±1 on at most all unknowns, so its weight is at
    least 1/(number of unknowns): far above the rounding error the tolerance absorbs. (Asking
    ``matrix_rank`` once per unknown gives the same answer, but a 200 × 20 table with a
    thousand suppressions then takes most of a minute.)
    """
    unknowns = matrix.shape[1]
    if unknowns == 0:
        return []
    rank = int(np.linalg.matrix_rank(matrix))
    _, _, right = np.linalg.svd(matrix.astype(np.float64), full_matrices=True)
    weight = np.square(right[rank:]).sum(axis=0)
    return [u for u in range(unknowns) if weight[u] < _FIXED_TOLERANCE]


_FIXED_TOLERANCE = 1e-9
