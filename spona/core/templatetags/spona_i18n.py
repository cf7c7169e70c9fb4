"""Django's ``i18n`` library, with ``{% translate %}`` of a fixed text kept per language and
the language asked once per template; and the language switcher.

``TEMPLATES``' ``libraries`` names this library ``i18n``: every ``{% load i18n %}`` loads it,
Django's tags and filters with three of its own in their place. Its ``translate`` (and
``trans``) is Django's tag, so ``makemessages`` finds its texts. A fixed text (a quoted
literal, with no filter, context or ``noop``) is written by Django's node once per
language and autoescaping and kept for the process (or, with ``as``, the value it sets): a translation changes only with the
catalogues, and the kept ones are dropped when the languages or the catalogues' folders
change (as in tests). Django's node looks the translation up and escapes it on every render,
about seventy Python calls a text; the case page has about eighty.

The language such a node writes in is asked once per template rendered (``rendered_language``),
not once per text (``get_language()`` is about twelve Python calls): a template changes the
language only inside ``{% language %}``, whose node (this library's) asks it again for its
block; an included template asks it again. A template tag of Spona's never changes the
language around the nodes it renders (``tests/test_i18n.py`` checks)."""

from typing import Any

from django import template
from django.conf import settings
from django.template.base import Parser, Token, Variable
from django.templatetags import i18n as django_i18n
from django.templatetags.i18n import LanguageNode, TranslateNode, do_translate
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from spona.core.caching import forget_when_catalogues_change
from spona.core.csrf import csrf_input
from spona.core.markup import escaped
from spona.core.templatetags.spona_layout import kept_per_language, link

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

#: (language, autoescape, text) -> what Django's node writes for the fixed text
_KEPT: dict[tuple[str | None, bool, str], str] = {}

#: where a template's render keeps the language it was asked in (its own state in the render
#: context, pushed by ``Template.render`` for each template and dropped after it)
_LANGUAGE = "spona_i18n.language"
_NOT_ASKED = object()


def rendered_language(context: template.Context) -> str | None:
    """``get_language()``, asked once per template rendered: kept in the template's own state
    in the render context. Outside a template's render (a node rendered by itself) it is
    asked every time."""
    dicts = context.render_context.dicts
    if len(dicts) < 2:  # the first is the render context's own, kept from render to render
        return get_language()
    state: dict[Any, Any] = dicts[-1]
    language = state.get(_LANGUAGE, _NOT_ASKED)
    if language is _NOT_ASKED:
        language = state[_LANGUAGE] = get_language()
    return language  # type: ignore[no-any-return]


class _KeptTranslateNode(TranslateNode):
    """Django's node for a fixed text, its output kept per language and autoescaping; with
    ``as``, the value it sets (the same text that it would write), and nothing written."""

    def __init__(self, node: TranslateNode, text: str) -> None:
        super().__init__(node.filter_expression, node.noop, node.asvar)
        self.text = text

    def render(self, context: template.Context) -> str:
        # the template's language if asked already (most texts), without a call
        language: Any = context.render_context.dicts[-1].get(_LANGUAGE, _NOT_ASKED)
        if language is _NOT_ASKED:
            language = rendered_language(context)
        key = (language, context.autoescape, self.text)
        try:
            written = _KEPT[key]
        except KeyError:
            shown = super().render(context)
            written = _KEPT[key] = context[self.asvar] if self.asvar else shown
            return shown
        if self.asvar:
            context[self.asvar] = written
            return ""
        return written


def _fixed_text(node: TranslateNode) -> str | None:
    """The node's text if it is a quoted literal alone (no filter, context or noop)."""
    expression = node.filter_expression
    variable = expression.var
    plain = not (node.noop or node.message_context or expression.filters)
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


class _LanguageNode(LanguageNode):
    """Django's ``{% language %}``: its block asks the language again
    (``rendered_language``), and the template's language is the outer one after it."""

    def render(self, context: template.Context) -> str:
        dicts = context.render_context.dicts
        state: dict[Any, Any] = dicts[-1] if len(dicts) > 1 else {}
        outer = state.pop(_LANGUAGE, _NOT_ASKED)
        try:
            with translation.override(self.language.resolve(context)):
                return self.nodelist.render(context)
        finally:
            state.pop(_LANGUAGE, None)
            if outer is not _NOT_ASKED:
                state[_LANGUAGE] = outer


@register.tag
def language(parser: Parser, token: Token) -> LanguageNode:
    """Django's ``{% language %}``, parsed by Django."""
    node = django_i18n.language(parser, token)
    return _LanguageNode(node.nodelist, node.language)


@kept_per_language
def _switcher_parts() -> tuple[str, str, str]:
    """The language switcher's fixed markup in the current language: before the CSRF token,
    between it and the page's path, and after the path (the buttons, the current language's
    pressed)."""
    current = get_language()
    buttons = "".join(
        f'\n      <button type="submit" name="language" value="{escaped(code)}" '
        f'lang="{"sr-Latn" if code == "sr-latn" else escaped(code)}" '
        f'aria-pressed="{"true" if code == current else "false"}">{escaped(name)}</button>\n    '
        for code, name in settings.LANGUAGES
    )
    action = escaped(link("set_language"))
    legend = escaped(gettext("Language"))
    return (
        f'\n<form class="language-switcher" method="post" action="{action}">',
        '\n  <input type="hidden" name="next" value="',
        f'">\n  <fieldset>\n    <legend class="visually-hidden">{legend}</legend>\n    '
        f"{buttons}\n  </fieldset>\n</form>\n",
    )


@register.simple_tag(takes_context=True)
def language_switcher(context: template.Context) -> SafeString:
    """The language switcher of every page's header: a form with a button per language, each
    language in its own name as ``settings.LANGUAGES`` writes it, never translated (Django's
    ``get_available_languages`` would turn "English" into "енглески" on a Serbian page), the
    current one pressed. Written in Python: the included template with its loop was about 500
    Python calls more on every page. The markup is the one the template wrote
    (``tests/test_i18n.py``); all of it but the CSRF token and the page's path is kept per
    language (``_switcher_parts``)."""
    opening, before_path, closing = _switcher_parts()
    csrf = csrf_input(context)
    request = context.get("request")
    path = request.get_full_path() if request is not None else ""
    return mark_safe(  # noqa: S308 - every value escaped
        f"{opening}{csrf}{before_path}{escaped(path)}{closing}"
    )
