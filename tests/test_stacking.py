"""Tables read as stacked rows on a phone: every body cell carries its column's name
(spona.core.stacking), written into every page by the base template."""

import cProfile
import pstats

from django.test import Client
from django.urls import reverse

from spona.core.stacking import LABELLED, _scanned, label_cells, labelled_once
from tests.factories import InstitutionFactory, UserFactory

TABLE = """<table><caption>Referrals</caption>
<thead><tr><th scope="col">From</th><th scope="col" class="num">Count &amp; share</th>
<th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody><tr><td>Пирот</td><td class="num">12</td><td><button>Revoke…</button></td></tr>
<tr><td colspan="2">Wide</td><td data-label="Own">x</td></tr></tbody></table>"""


def test_body_cells_get_their_columns_names() -> None:
    out = label_cells(TABLE)
    assert '<td data-label="From">Пирот</td>' in out
    assert '<td class="num" data-label="Count &amp; share">12</td>' in out
    assert '<td data-label="Actions"><button>' in out
    assert '<td colspan="2" data-label="From">Wide</td>' in out  # spans From and Count
    assert '<td data-label="Own">x</td>' in out  # a label already there is kept
    assert '<th scope="col">From</th>' in out  # the header itself is untouched


def test_tables_without_a_header_and_nested_tables_are_left_right() -> None:
    plain = "<table><tr><td>a</td></tr></table>"
    assert label_cells(plain) == plain
    nested = TABLE.replace("<td>Пирот</td>", f"<td>{plain}</td>")
    out = label_cells(nested)
    assert "<td>a</td>" in out  # the inner table has no header
    assert '<td class="num" data-label="Count &amp; share">12</td>' in out
    assert label_cells("<p>no table</p>") == "<p>no table</p>"


def test_every_table_is_labelled_and_what_lies_between_them_is_left_as_it_is() -> None:
    """Only the tables are scanned (issue 18: the risk map's page is mostly its map): a table
    after a map, one after a stray closing tag, and cells outside every table."""
    around = '<svg><g><path d="M0 0"/></g></svg><td>outside</td></table><tr><td>stray</td></tr>'
    page = f"{around}{TABLE}{around}{TABLE.upper()}{around}"
    out = label_cells(page)
    assert out.count('<td data-label="From">Пирот</td>') == 1
    assert out.count('<TD data-label="FROM">ПИРОТ</TD>') == 1
    assert out.count(around) == 3


def test_a_fragment_labelled_once_is_passed_over_and_reads_as_if_scanned_with_the_page() -> None:
    plain = "<table><thead><tr><th>In</th></tr></thead><tr><td>a</td></tr></table>"
    fragment = TABLE.replace("<td>Пирот</td>", f"<td>{plain}</td>") + "<p>between</p>" + TABLE
    once = labelled_once(fragment)
    assert once.count(f"<table{LABELLED}>") == 2  # the outermost tables only
    assert '<td data-label="In">a</td>' in once
    after = "<table><thead><tr><th>After</th></tr></thead><tr><td>b</td></table>"
    out = label_cells(f"{TABLE}{once}{after}")
    assert out.replace(LABELLED, "") == label_cells(f"{TABLE}{fragment}{after}")
    assert '<td data-label="After">b</td>' in out


def test_every_page_gets_labelled_tables(municipality) -> None:
    user = UserFactory(institution=InstitutionFactory(municipality=municipality))
    client = Client()
    client.force_login(user)
    page = client.get(reverse("institutions:municipality_list"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-label="' in page.content.decode()


PLAIN = """<table>
  <caption>Referrals</caption>
  <thead><tr><th scope="col">From</th><th scope="col" class="num">Count &amp; share</th><th scope="col"><span class="visually-hidden">Actions</span></th><th></th></tr></thead>
  <tbody>{rows}</tbody>
</table>"""
ROW = '<tr><td>Пирот</td><td class="num">12</td><td class="actions"><form><button>x</button></form></td><td>-</td><TD>beyond</TD></tr>\n'


def test_a_plain_table_is_labelled_a_row_at_a_time_as_tag_by_tag() -> None:
    """The case page's tables (issue 18): one header, no span, no nested table, no label of
    their own are labelled in a few calls a row, and read as the tag-by-tag scan writes them;
    a table that is not plain is scanned tag by tag."""
    for rows in ("", ROW, ROW * 30, ROW.replace("<tr>", "<tr class='x'>") * 2):
        table = PLAIN.format(rows=rows)
        assert label_cells(table) == _scanned(table, 0, len(table))
        assert label_cells(f"<p>a</p>{table}<p>b</p>") == f"<p>a</p>{label_cells(table)}<p>b</p>"
    out = label_cells(PLAIN.format(rows=ROW))
    assert '<td data-label="From">Пирот</td><td class="num" data-label="Count &amp; share">' in out
    assert '<td class="actions" data-label="Actions">' in out
    assert "<td>-</td><TD>beyond</TD>" in out  # an empty header's column, and one beyond them
    counter = cProfile.Profile()
    counter.runcall(label_cells, PLAIN.format(rows=ROW * 30))
    calls = pstats.Stats(counter).total_calls  # type: ignore[attr-defined]
    assert calls < 250  # 150 cells: tag by tag, over 2,000
    unclosed = PLAIN.format(rows=ROW).replace("</th><th></th>", "<th></th>")
    assert label_cells(unclosed) == _scanned(unclosed, 0, len(unclosed))
    spanned = PLAIN.format(rows=ROW.replace("<td>-</td>", '<td colspan="2">-</td>'))
    assert label_cells(spanned) == _scanned(spanned, 0, len(spanned))
    assert '<td colspan="2" data-label="">' not in label_cells(spanned)
