"""Parts of the case page written out in Python: the timeline, one item per event of the
case (twenty and more on a case in protection), and the consents, a row and a withdrawal form
each, were a fifth of the page's work as template nodes (dates, labels, a link, translated
texts, per row). The markup is the template's (``tests/test_case_page.py``)."""

from collections.abc import Iterable

from django import template
from django.template.defaultfilters import date
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext

from spona.cases.models import CaseEventKind, Consent
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


@register.simple_tag(takes_context=True)
def consent_rows(context: template.Context, consents: Iterable[Consent]) -> SafeString:
    """A row per consent: with whom, what, how, given and withdrawn, and a form to withdraw
    it while it holds; a row that says there is none."""
    withdraw = (
        gettext("Withdraw…"),
        gettext("Institutions of this type will no longer see these data of the person."),
        gettext("Withdraw the consent"),
    )
    csrf = CsrfTokenNode().render(context)
    rows = [_consent_row(consent, withdraw, csrf) for consent in consents]
    if not rows:
        none = gettext("No consent recorded: only your institution sees the person.")
        return format_html('<tr><td colspan="6">{}</td></tr>', none)
    return mark_safe("".join(rows))  # noqa: S308 - format_html


def _consent_row(consent: Consent, withdraw: tuple[str, str, str], csrf: str) -> SafeString:
    form: SafeString | str = ""
    if not consent.withdrawn_at:
        form = format_html(
            '<details class="confirm"><summary class="button danger">{}</summary>'
            '<form method="post" action="{}">{}<p>{}</p>'
            '<button type="submit" class="danger">{}</button></form></details>',
            withdraw[0],
            reverse("cases:consent_withdraw", args=[consent.pk]),
            csrf,
            withdraw[1],
            withdraw[2],
        )
    return format_html(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\n      <td>{}</td></tr>\n    ",
        consent.get_institution_type_display(),
        consent.get_category_display(),
        consent.get_method_display(),
        date(localtime(consent.given_at), "SHORT_DATETIME_FORMAT"),
        date(localtime(consent.withdrawn_at), "SHORT_DATETIME_FORMAT")
        if consent.withdrawn_at
        else "—",
        form,
    )
