"""A form's fields written out in Python: ``{% form_fields form %}`` is what
``includes/form.html`` renders for every form of every page. As a template it was a loop of
template nodes per field, a visible part of the pages asked most (the case page's four forms,
the lists' filters); the markup is the same, whitespace aside
(``tests/test_form_rendering.py``)."""

from typing import Any

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _field(field: forms.BoundField) -> SafeString:
    """One visible field: its label (the legend of a group of choices), the widget, its help
    text and errors; a group's help and errors named by ``aria-describedby``."""
    auto_id, help_text, errors = field.auto_id, field.help_text, field.errors
    help_html = (
        format_html('<p class="help" id="{}_helptext">{}</p>', auto_id, help_text)
        if help_text
        else ""
    )
    errors_html = format_html_join(
        "", '<p class="error" id="{}_error" role="alert">{}</p>', ((auto_id, e) for e in errors)
    )
    has_error = " has-error" if errors else ""
    if field.use_fieldset:
        described = ""
        if help_text or errors:
            ids = (f"{auto_id}_helptext" if help_text else "") + (
                f" {auto_id}_error" if errors else ""
            )
            described = format_html(' aria-describedby="{}"', ids)
        return format_html(
            '<fieldset class="field group{}"{}>\n<legend>{}</legend>\n{}\n{}{}\n</fieldset>',
            has_error,
            described,
            field.label,
            field,
            help_html,
            errors_html,
        )
    return format_html(
        '<div class="field{}">\n{}\n{}\n{}{}\n</div>',
        has_error,
        field.label_tag(),
        field,
        help_html,
        errors_html,
    )


@register.simple_tag
def form_fields(form: Any) -> SafeString:
    """The form's errors, hidden fields and visible fields."""
    parts: list[str] = []
    if errors := form.non_field_errors():
        paragraphs = format_html_join("", "<p>{}</p>", ((error,) for error in errors))
        parts.append(format_html('<div class="errors" role="alert">{}</div>', paragraphs))
    parts.extend(str(field) for field in form.hidden_fields())
    parts.extend(_field(field) for field in form.visible_fields())
    return mark_safe("\n".join(parts))  # noqa: S308 - every part is escaped by format_html
