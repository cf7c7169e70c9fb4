"""Layout helpers of the base template."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe

from spona.core.stacking import label_cells

register = template.Library()


@register.filter(is_safe=True)
def stack_tables(rendered: SafeString) -> SafeString:
    """Rendered page content with column names on its table cells (see spona.core.stacking)."""
    return mark_safe(label_cells(str(rendered)))  # noqa: S308 - only attributes are added, escaped


@lru_cache(maxsize=256)
def _reversed(viewname: str, args: tuple[str, ...], prefix: str) -> str:
    return reverse(viewname, args=args)


@register.simple_tag
def link(viewname: str, *args: object) -> str:
    """``{% url %}`` for the links that are the same on every request (the navigation, the
    account's links, the tools): reversed once per process and script prefix, not on every page
    (a reversal is about a hundred Python calls). Not for links to objects: they are many."""
    return _reversed(viewname, tuple(str(arg) for arg in args), get_script_prefix())
