"""Template helpers for the language switcher."""

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from spona.core.markup import escaped
from spona.core.templatetags.spona_layout import link

register = template.Library()


@register.simple_tag(takes_context=True)
def language_switcher(context: template.Context) -> SafeString:
    """The language switcher of every page's header: a form with a button per language, each
    language in its own name as ``settings.LANGUAGES`` writes it, never translated (Django's
    ``get_available_languages`` would turn "English" into "енглески" on a Serbian page), the
    current one pressed. Written in Python: the included template with its loop was about 500
    Python calls more on every page. The markup is the one the template wrote
    (``tests/test_i18n.py``)."""
    current = get_language()
    csrf = CsrfTokenNode().render(context)
    buttons = "".join(
        f'\n      <button type="submit" name="language" value="{escaped(code)}" '
        f'lang="{"sr-Latn" if code == "sr-latn" else escaped(code)}" '
        f'aria-pressed="{"true" if code == current else "false"}">{escaped(name)}</button>\n    '
        for code, name in settings.LANGUAGES
    )
    request = context.get("request")
    path = request.get_full_path() if request is not None else ""
    return mark_safe(  # noqa: S308 - every value escaped
        f'\n<form class="language-switcher" method="post" action="{escaped(link("set_language"))}">'
        f'{csrf}\n  <input type="hidden" name="next" value="{escaped(path)}">\n  <fieldset>\n'
        f'    <legend class="visually-hidden">{escaped(gettext("Language"))}</legend>\n    '
        f"{buttons}\n  </fieldset>\n</form>\n"
    )
