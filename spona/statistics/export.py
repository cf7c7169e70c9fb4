"""The anonymised HTCDS release: the combinations of the case records (the worker's
snapshot, ``summary.export_counts``, else counted now by ``records.htcds_counts``) made
k-anonymous (``anonymity.anonymise``) and written as CSV, one line per released case."""

import csv
import io
from collections import Counter
from collections.abc import Iterator
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from spona.statistics import htcds
from spona.statistics.anonymity import K, Release, anonymise


def release(counts: Counter[tuple[str, ...]], *, k: int = K) -> Release:
    return anonymise(counts, htcds.HIERARCHIES, k=k)


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def csv_chunks(result: Release) -> Iterator[str]:
    """The release as CSV (HTCDS/CTDC column names), a chunk per released class (its line
    once per record): streamed, a million lines are never held at once."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*result.columns, *htcds.NOT_RECORDED_COLUMNS])
    yield out.getvalue()
    blanks = [htcds.NOT_RECORDED] * len(htcds.NOT_RECORDED_COLUMNS)
    for values, count in result.rows:
        out.seek(0)
        out.truncate()
        writer.writerow([*values, *blanks])
        yield out.getvalue() * count


def write_csv(result: Release, out: Writable) -> int:
    """Write the release (``csv_chunks``); returns the number of lines written."""
    for chunk in csv_chunks(result):
        out.write(chunk)
    return result.released_records


LEVEL_TITLES = {
    "gender": _("sex"),
    "age band": _("age band"),
    "minor or adult": _("child or adult"),
    "country": _("country"),
    "UN region": _("UN region"),
    "year": _("year"),
    "five-year period": _("five-year period"),
    "form": _("form of exploitation"),
    "broad form": _("broad form (sexual, labour, other)"),
    "methods": _("methods of control"),
    "any": _("any (*)"),
}


def levels() -> list[tuple[str, list[str]]]:
    """Each released column and its generalisation levels (translated), for the page."""
    return [
        (h.column, [str(LEVEL_TITLES.get(level, level)) for level in h.levels])
        for h in htcds.HIERARCHIES
    ]
