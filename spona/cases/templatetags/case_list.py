"""The case list's rows written out in Python: the referrals to the institution and the
team's cases, a link, codes, names, moments and labels per row, were most of the list's own
work as template nodes. The markup is the template's (``tests/test_lists.py``)."""

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from spona.cases.models import Case, Referral
from spona.core.display import label_of
from spona.core.links import reversed_url
from spona.core.markup import escaped
from spona.core.moments import writer
from spona.institutions.models import name_shown

register = template.Library()

#: ``get_status_display()`` of each, called with the page's language asked once for all rows
_CASE_STATUS = label_of(Case, "status")
_REFERRAL_STATUS = label_of(Referral, "status")


def _link(code: str) -> str:
    return escaped(reversed_url("cases:case_detail", [code]))


def _rows(rows: list[str], columns: int, none: str) -> SafeString:
    """Each row on a line of its own indented as the template's loop wrote it; a row saying
    there are none (``none``, escaped) across the ``columns`` when there are none."""
    if not rows:
        rows = [f'<tr><td colspan="{columns}">{none}</td></tr>']
    return mark_safe("".join(f"\n    {row}\n  " for row in rows))  # noqa: S308 - escaped


@register.simple_tag
def referral_list_rows(referrals: Iterable[Referral]) -> SafeString:
    """A row per referral to the institution: its case (a link), who sent it, when, when it
    is due, and its status."""
    language = get_language()
    when = writer("SHORT_DATETIME_FORMAT")
    rows = [
        f'<tr><td><a href="{_link(r.case.code)}">{escaped(r.case.code)}</a></td>'
        f"<td>{escaped(name_shown(r.from_institution.name, language))}</td>"
        f"<td>{escaped(when(r.sent_at))}</td><td>{escaped(when(r.due_at))}</td>"
        f"<td>{escaped(_REFERRAL_STATUS(r.status, language=language))}</td></tr>"
        for r in referrals
    ]
    none = escaped(gettext("No referrals."))
    return _rows(rows, 5, none)


@register.simple_tag
def case_list_rows(cases: Iterable[Case]) -> SafeString:
    """A row per case of the team: the case (a link), its person's code, its status and the
    institution that leads it."""
    language = get_language()
    rows = [
        f'<tr><td><a href="{_link(c.code)}">{escaped(c.code)}</a></td>'
        f"<td>{escaped(c.person.code)}</td>"
        f"<td>{escaped(_CASE_STATUS(c.status, language=language))}</td>"
        f"<td>{escaped(name_shown(c.opened_by_institution.name, language))}</td></tr>"
        for c in cases
    ]
    none = escaped(gettext("No cases."))
    return _rows(rows, 4, none)
