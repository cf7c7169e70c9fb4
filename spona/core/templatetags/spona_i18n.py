"""Template helpers for the language switcher."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def language_choices() -> list[tuple[str, str]]:
    """``settings.LANGUAGES`` as written: each language in its own name, never translated.

    (Django's ``get_available_languages`` passes every name through gettext, which turns
    "English" into "енглески" on a Serbian page.)
    """
    return list(settings.LANGUAGES)
