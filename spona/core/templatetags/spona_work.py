"""The home page's work items, written in Python: a page lists up to five items in each of
its sections, and the template's dozen tags and lookups per item were a sixth of the page's
Python work (docs/performance.md, h18scope)."""

import html

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from spona.core.work import Item

register = template.Library()


def _escaped(value: object) -> str:
    """``conditional_escape`` without its lazy-string wrapper (a dozen calls a value)."""
    marked = getattr(value, "__html__", None)
    return str(marked()) if marked is not None else html.escape(str(value))


@register.simple_tag
def work_item(item: Item) -> SafeString:
    """One item as a list entry: its code linked, its line, its urgency and when it is due
    (overdue ones marked)."""
    overdue = item.overdue
    parts = [
        '<li class="overdue-item">' if overdue else "<li>",
        f'<a href="{_escaped(item.url)}"><code>{_escaped(item.code)}</code></a> ',
        _escaped(item.text),
    ]
    if urgency := item.urgency_label:
        parts.append(f" · {_escaped(urgency)}")
    if item.due:
        # as {% blocktranslate %} writes it: the message as translated, the value escaped
        due = gettext("due %(due)s") % {"due": _escaped(item.due_shown)}
        late = f'<span class="overdue">{_escaped(gettext("overdue"))}, {due}</span>'
        parts.append(f" · {late if overdue else due}")
    parts.append("</li>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
