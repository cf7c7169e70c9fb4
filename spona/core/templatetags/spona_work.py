"""The home page's work items, written in Python: a page lists up to five items in each of
its sections, and the template's dozen tags and lookups per item were about a sixth of the
page's Python work (docs/performance.md, h18scope)."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from spona.core.work import Item

register = template.Library()


@register.simple_tag
def work_item(item: Item) -> SafeString:
    """One item as a list entry: its code linked, its line, its urgency and when it is due
    (overdue ones marked)."""
    overdue = item.overdue
    urgency = item.urgency_label
    due = ""
    if item.due:
        # as {% blocktranslate %} writes it: the message as translated, the value escaped
        due_text = gettext("due %(due)s") % {"due": conditional_escape(item.due_shown)}
        if overdue:
            due = format_html(
                ' · <span class="overdue">{}, {}</span>',
                gettext("overdue"),
                mark_safe(due_text),  # noqa: S308
            )
        else:
            due = format_html(" · {}", mark_safe(due_text))  # noqa: S308
    return format_html(
        '<li{}><a href="{}"><code>{}</code></a> {}{}{}</li>',
        mark_safe(' class="overdue-item"') if overdue else "",
        item.url,
        item.code,
        item.text,
        format_html(" · {}", urgency) if urgency else "",
        due,
    )
