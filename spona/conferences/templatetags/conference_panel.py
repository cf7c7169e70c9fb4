"""The case page's panel of conferences written out in Python: each conference's line (a link,
a moment, the topic or why it is withheld, a status) was about 340 Python calls as template
nodes. The markup is the template's (``tests/test_case_panels.py``)."""

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from spona.conferences.models import Conference
from spona.core.display import label_of
from spona.core.links import reversed_url
from spona.core.markup import escaped
from spona.core.moments import writer

register = template.Library()


@register.simple_tag
def conference_items(conferences: Iterable[Conference]) -> SafeString:
    """The ``<li>`` of each conference on the case: when (linked to it), its topic where the
    case's details are shared with the user (``content_shared``), and its status; the language
    and the format asked once for all of them."""
    when = writer("SHORT_DATETIME_FORMAT")
    language = get_language()
    status = label_of(Conference, "status")
    # a fixed text, written unescaped as ``{% translate %}`` writes it
    withheld = gettext("content withheld: outside the person's consent")
    items = []
    for conference in conferences:
        link = escaped(reversed_url("conferences:conference_detail", [conference.code]))
        topic = (
            escaped(conference.topic)
            if getattr(conference, "content_shared", False)
            else f'<span class="muted">{withheld}</span>'
        )
        items.append(
            f'<li><a href="{link}">{escaped(when(conference.held_on))} · {topic}</a>'
            f" · {escaped(status(conference.status, language))}</li>"
        )
    return mark_safe("".join(items))  # noqa: S308 - every value escaped
