"""Template helpers for the language switcher, and ``{% translate %}`` of a fixed text
kept per language.

Loaded after ``i18n`` (``{% load i18n spona_i18n %}``), this library's ``translate`` (and
``trans``) takes the place of Django's: the same tag, so ``makemessages`` finds its texts.
A fixed text (a quoted literal, with no filter, context, ``noop`` or ``as``) is written
by Django's node once per language and autoescaping and kept for the process: a
translation changes only with the catalogues, and the kept ones are dropped when the
languages or the catalogues' folders change (as in tests). Django's node looks the
translation up and escapes it on every render, about seventy Python calls a text; the case
page has about eighty."""

from django import template
from django.conf import settings
from django.template.base import Parser, Token, Variable
from django.template.defaulttags import CsrfTokenNode
from django.templatetags.i18n import TranslateNode, do_translate
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from spona.core.caching import forget_when_catalogues_change
from spona.core.markup import escaped
from spona.core.templatetags.spona_layout import link

register = template.Library()

#: (language, autoescape, text) -> what Django's node writes for the fixed text
_KEPT: dict[tuple[str | None, bool, str], str] = {}


class _KeptTranslateNode(TranslateNode):
    """Django's node for a fixed text, its output kept per language and autoescaping."""

    def __init__(self, node: TranslateNode, text: str) -> None:
        super().__init__(node.filter_expression, node.noop)
        self.text = text

    def render(self, context: template.Context) -> str:
        key = (get_language(), context.autoescape, self.text)
        try:
            return _KEPT[key]
        except KeyError:
            written = _KEPT[key] = super().render(context)
            return written


def _fixed_text(node: TranslateNode) -> str | None:
    """The node's text if it is a quoted literal alone (no filter, context, noop or ``as``)."""
    expression = node.filter_expression
    variable = expression.var
    plain = not (node.noop or node.asvar or node.message_context or expression.filters)
    if plain and isinstance(variable, Variable) and isinstance(variable.literal, str):
        return str.__str__(variable.literal)
    return None


@register.tag("translate")
@register.tag("trans")
def translate(parser: Parser, token: Token) -> TranslateNode:
    """Django's ``{% translate %}``; a fixed text's node keeps what it writes (``_KEPT``)."""
    node: TranslateNode = do_translate(parser, token)
    text = _fixed_text(node)
    return node if text is None else _KeptTranslateNode(node, text)


forget_when_catalogues_change(_KEPT.clear)


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
