"""The anonymised HTCDS release: the case records (``records.htcds_counts``) made
k-anonymous (``anonymity.anonymise``) and written as CSV, one line per released case."""

import csv
from collections import Counter
from typing import TextIO

from spona.statistics import htcds
from spona.statistics.anonymity import K, Release, anonymise


def release(counts: Counter[tuple[str, ...]], *, k: int = K) -> Release:
    return anonymise(counts, htcds.HIERARCHIES, k=k)


def write_csv(result: Release, out: TextIO) -> int:
    """Write the release (HTCDS/CTDC column names); returns the number of lines written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*result.columns, *htcds.NOT_RECORDED_COLUMNS])
    blanks = [htcds.NOT_RECORDED] * len(htcds.NOT_RECORDED_COLUMNS)
    lines = 0
    for values, count in result.rows:
        line = [*values, *blanks]
        writer.writerows([line] * count)
        lines += count
    return lines
