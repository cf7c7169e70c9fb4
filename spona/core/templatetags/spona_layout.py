"""Layout helpers of the base template."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from spona.core.stacking import label_cells

register = template.Library()


@register.filter(is_safe=True)
def stack_tables(rendered: SafeString) -> SafeString:
    """Rendered page content with column names on its table cells (see spona.core.stacking)."""
    return mark_safe(label_cells(str(rendered)))  # noqa: S308 - only attributes are added, escaped
