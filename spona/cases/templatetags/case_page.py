"""Parts of the case page written out in Python: the timeline, one item per event of the
case (twenty and more on a case in protection), was a tenth of the page's work as template
nodes (a date, two labels and the actor per event). The markup is the template's
(``tests/test_case_page.py``)."""

from django import template
from django.template.defaultfilters import date
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext

from spona.cases.models import CaseEventKind
from spona.cases.selectors import TimelineEntry

register = template.Library()


@register.simple_tag
def timeline_items(timeline: list[TimelineEntry]) -> SafeString:
    """The ``<li>`` of each entry: when, what, its detail (a link to what it concerns), and
    who (the actor's institution and role, or the system)."""
    return mark_safe("".join(_item(entry) for entry in timeline))  # noqa: S308 - format_html


def _item(entry: TimelineEntry) -> SafeString:
    event = entry.event
    detail: SafeString | str = ""
    if entry.detail and entry.link:
        detail = format_html(': <a href="{}"><code>{}</code></a>', entry.link, entry.detail)
    elif entry.detail:
        detail = format_html(": {}", entry.detail)
    actor = event.actor
    if actor is None:
        who: SafeString | str = gettext("the system")
    elif actor.institution:
        who = format_html("{}, {}", actor.institution, actor.get_role_display())
    else:
        who = actor.get_role_display()
    return format_html(
        '<li{}>{} · {}{}<span class="who"> · {}</span></li>',
        mark_safe(' class="alert"') if event.kind == CaseEventKind.BREAK_GLASS else "",
        date(localtime(event.at), "SHORT_DATETIME_FORMAT"),
        event.get_kind_display(),
        detail,
        who,
    )
