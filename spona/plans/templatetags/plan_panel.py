"""The case page's panel of plans written out in Python: each plan's line (a link, its code,
kind and status) was about 110 Python calls as template nodes. The markup is the template's
(``tests/test_case_panels.py``)."""

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from spona.core.display import label_of
from spona.core.links import reversed_url
from spona.core.markup import escaped
from spona.plans.models import Plan

register = template.Library()


@register.simple_tag
def plan_items(plans: Iterable[Plan]) -> SafeString:
    """The ``<li>`` of each plan of the case: its code and kind (linked to it) and its status,
    the language asked once for all of them."""
    language = get_language()
    kind, status = label_of(Plan, "kind"), label_of(Plan, "status")
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'<li><a href="{escaped(reversed_url("plans:plan_detail", [plan.code]))}">'
            f"<code>{escaped(plan.code)}</code> · {escaped(kind(plan.kind, language))}</a>"
            f" · {escaped(status(plan.status, language))}</li>"
            for plan in plans
        )
    )
