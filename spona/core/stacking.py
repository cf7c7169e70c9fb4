"""Tables that read as stacked rows on a phone.

Below 40rem the site's CSS shows each table row as a card and each cell as a line under
its column's name, taken from the cell's ``data-label``. ``label_cells`` writes those
attributes into rendered HTML from each table's ``<thead>``, so no template repeats its
column names: the base template passes its whole content block through it (the
``stack_tables`` filter), and every page, present or future, gets phone-sized tables.

The input is HTML rendered by our own templates: every text in it is escaped, so a ``<``
always opens a tag and a tag-level scan is exact. Cells that already carry a ``data-label``,
tables without a ``<thead>`` and cells beyond the header's columns are left as they are.
"""

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.html import escape

_TAG = re.compile(r"<(/?)(table|thead|tr|th|td)\b([^>]*)>", re.IGNORECASE)
_TABLE = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.IGNORECASE)
#: On an outermost table of a fragment labelled when it was written (``labelled_once``): the
#: filter skips it.
LABELLED = " data-labelled"
_ANY_TAG = re.compile(r"<[^>]*>")
_CELL_END = re.compile(r"</t[hd]\s*>", re.IGNORECASE)
_COLSPAN = re.compile(r'\bcolspan\s*=\s*"?(\d+)', re.IGNORECASE)


@dataclass
class _Table:
    headers: list[str] = field(default_factory=list)  # the attribute to add, one per column
    in_head: bool = False
    column: int = 0


def _span(attributes: str) -> int:
    found = _COLSPAN.search(attributes) if "=" in attributes else None
    return max(int(found.group(1)), 1) if found else 1


def _header_text(text: str, start: int) -> str:
    """The cell's text from ``start`` to its closing tag, tags dropped, spaces collapsed."""
    end = _CELL_END.search(text, start)
    inner = text[start : end.start() if end else len(text)]
    return " ".join(html.unescape(_ANY_TAG.sub(" ", inner)).split())


def _tags_of_next_table(text: str, start: int) -> Iterator[re.Match[str]]:
    """The tags from the first table at or after ``start`` on; none if no table follows."""
    following = _TABLE.search(text, start)
    return _TAG.finditer(text, following.start()) if following else iter(())


def _table_end(text: str, start: int) -> int:
    """Where the table opened just before ``start`` ends (after its closing tag, nested tables
    counted; the end of ``text`` if it is not closed)."""
    depth = 1
    for match in _TABLE_TAG.finditer(text, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    return len(text)


def labelled_once(fragment: str) -> str:
    """``label_cells(fragment)`` with its outermost tables marked as labelled, for a fragment
    that is kept and shown again (a survey's results): the base template's filter then skips
    them instead of scanning their cells again on every view."""
    text = label_cells(fragment)
    out: list[str] = []
    done = 0
    opening = _TABLE.search(text)
    while opening is not None:
        out += [text[done : opening.end()], LABELLED]
        done = opening.end()
        opening = _TABLE.search(text, _table_end(text, done))
    out.append(text[done:])
    return "".join(out)


def label_cells(text: str) -> str:
    """``text`` with ``data-label="<column name>"`` on every body cell of every headed table.

    Only the tables are scanned: from each outermost ``<table`` to its end, then on from the
    next one (a page's map or form around its tables is skipped); an outermost table marked
    as labelled already (``labelled_once``) is passed over."""
    tables: list[_Table] = []
    out: list[str] = []
    done = 0
    matches = _tags_of_next_table(text, 0)
    while (match := next(matches, None)) is not None:
        closing, tag, attributes = match.groups()
        tag = tag.lower()
        if tag == "table":
            if not closing and not tables and LABELLED in attributes:
                matches = _tags_of_next_table(text, _table_end(text, match.end()))
            elif not closing:
                tables.append(_Table())
            elif tables:
                tables.pop()
                if not tables:
                    matches = _tags_of_next_table(text, match.end())
            continue
        if not tables:
            continue
        table = tables[-1]
        if tag == "thead":
            table.in_head = not closing
        elif tag == "tr":
            if not closing:
                table.column = 0
        elif not closing:  # th or td
            span = _span(attributes)
            if table.in_head:
                name = _header_text(text, match.end())
                table.headers.extend([f' data-label="{escape(name)}">' if name else ""] * span)
                continue
            if "data-label" not in attributes and table.column < len(table.headers):
                attribute = table.headers[table.column]
                if attribute:
                    done_at = match.end()
                    out.append(text[done : done_at - 1])
                    out.append(attribute)
                    done = done_at
            table.column += span
    out.append(text[done:])
    return "".join(out)
