"""The home page's work items, written in Python: a page lists up to five items in each of
its sections, and the template's dozen tags and lookups per item were a sixth of the page's
Python work (docs/performance.md, h18scope)."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from spona.core.templatetags.spona_layout import escaped
from spona.core.work import Item

register = template.Library()


@register.simple_tag
def work_item(item: Item) -> SafeString:
    """One item as a list entry: its code linked, its line, its urgency and when it is due
    (overdue ones marked)."""
    overdue = item.overdue
    parts = [
        '<li class="overdue-item">' if overdue else "<li>",
        f'<a href="{escaped(item.url)}"><code>{escaped(item.code)}</code></a> ',
        escaped(item.text),
    ]
    if urgency := item.urgency_label:
        parts.append(f" · {escaped(urgency)}")
    if item.due:
        # as {% blocktranslate %} writes it: the message as translated, the value escaped
        due = gettext("due %(due)s") % {"due": escaped(item.due_shown)}
        late = f'<span class="overdue">{escaped(gettext("overdue"))}, {due}</span>'
        parts.append(f" · {late if overdue else due}")
    parts.append("</li>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
