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
from dataclasses import dataclass, field

from django.utils.html import escape

from spona.core.markup import escaped

_TAG = re.compile(r"<(/?)(table|thead|tr|th|td)\b([^>]*)>", re.IGNORECASE)
_TABLE = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.IGNORECASE)
#: On an outermost table of a fragment labelled when it was written (``labelled_once``): the
#: filter skips it.
LABELLED = " data-labelled"
_ANY_TAG = re.compile(r"<[^>]*>")
_CELL_END = re.compile(r"</t[hd]\s*>", re.IGNORECASE)
_COLSPAN = re.compile(r'\bcolspan\s*=\s*"?(\d+)', re.IGNORECASE)
_TABLE_OPEN = re.compile(r"<table\b([^>]*)>", re.IGNORECASE)
_HEAD = re.compile(r"<thead\b[^>]*>(.*?)</thead\b[^>]*>", re.IGNORECASE | re.DOTALL)
_ROW_OR_CELL = re.compile(r"<(?:tr|t[hd])\b", re.IGNORECASE)
_CELL_OPEN = re.compile(r"<t[hd]\b[^>]*>", re.IGNORECASE)
_HEAD_CELL = re.compile(r"<t[hd]\b[^>]*>(.*?)</t[hd]\s*>", re.IGNORECASE | re.DOTALL)
_ROW_TAG = re.compile(r"(<tr\b[^>]*>)", re.IGNORECASE)
_CELL_TAG = re.compile(r"(<t[hd]\b[^>]*)>", re.IGNORECASE)


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
    as labelled already (``labelled_once``) is passed over. A plain table is labelled a row
    at a time (``_plain_labelled``), any other tag by tag (``_scanned``): the same markup."""
    out: list[str] = []
    done = 0
    opening = _TABLE_OPEN.search(text)
    while opening is not None:
        end = _table_end(text, opening.end())
        if LABELLED not in opening.group(1):
            labelled = _plain_labelled(text[opening.start() : end])
            if labelled is None:
                labelled = _scanned(text, opening.start(), end)
            out += [text[done : opening.start()], labelled]
            done = end
        opening = _TABLE_OPEN.search(text, end)
    out.append(text[done:])
    return "".join(out)


def _plain_labelled(table: str) -> str | None:
    """``_scanned`` of a plain table, in a few calls a row, not a dozen a cell (the
    case page has a hundred cells): one ``<thead>`` before any row, each of its cells closed
    before the next opens, no nested table, no ``colspan`` and no ``data-label`` anywhere.
    ``None`` for any other table."""
    lowered = table.lower()
    head = _HEAD.search(table)
    if (
        head is None
        or lowered.count("<table") != 1
        or lowered.count("<thead") != 1
        or "colspan" in lowered
        or "data-label" in table
        or _ROW_OR_CELL.search(table, 0, head.start()) is not None
    ):
        return None
    texts = _HEAD_CELL.findall(head.group(1))
    if len(texts) != len(_CELL_OPEN.findall(head.group(1))):
        return None
    names = [_ANY_TAG.sub(" ", inner) for inner in texts]
    names = [" ".join((html.unescape(n) if "&" in n else n).split()) for n in names]
    labels = [f' data-label="{escaped(name)}">' if name else ">" for name in names]
    labels += [">"] * lowered.count("<t", head.end())  # a cell beyond the header's columns
    out = []
    for row in _ROW_TAG.split(table[head.end() :]):
        pieces = _CELL_TAG.split(row)
        out.append(pieces[0])
        cells = zip(pieces[1::2], labels, pieces[2::2], strict=False)  # labels padded: longer
        out += [part for trio in cells for part in trio]
    return table[: head.end()] + "".join(out)


def _scanned(text: str, start: int, end: int) -> str:
    """``text[start:end]``, one outermost table, labelled tag by tag: any table. A header's
    name is read up to its cell's closing tag wherever that is (as ever, the rest of ``text``
    when the cell is not closed in the table)."""
    tables: list[_Table] = []
    out: list[str] = []
    done = start
    for match in _TAG.finditer(text, start, end):
        closing, tag, attributes = match.groups()
        tag = tag.lower()
        if tag == "table":
            if not closing:
                tables.append(_Table())
            elif tables:
                tables.pop()
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
    out.append(text[done:end])
    return "".join(out)
