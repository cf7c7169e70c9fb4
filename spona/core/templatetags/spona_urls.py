"""``{% url %}``, its reversals kept per process (``spona.core.links``).

A builtin library (``TEMPLATES``' ``builtins``): its ``url`` takes the place of Django's in
every template, the same tag with the same arguments, ``as``, escaping and errors. A case page
reverses about twenty-five links, each about ninety Python calls through Django's resolver.
"""

from typing import Any

from django import template
from django.template.base import Parser, Token
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch

from spona.core.links import reversal_place, reversed_url
from spona.core.markup import escaped
from spona.core.templatetags.spona_engine import asked_once

register = template.Library()


#: where a template's render keeps the URLconf and script prefix its links are reversed under
_PLACE = "spona_urls.place"


class KeptURLNode(URLNode):
    """Django's ``URLNode`` with ``reverse`` kept (``reversed_url``, the URLconf and script
    prefix asked once a page: ``asked_once``) and the URL escaped by ``escaped``
    (``conditional_escape`` without its lazy-text wrapper); the rest is Django's."""

    def render(self, context: template.Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        # the page's place if asked already (most links), without a call
        dicts = context.render_context.dicts
        place: Any = dicts[1].get(_PLACE) if len(dicts) > 1 else None
        if place is None:
            place = asked_once(context, _PLACE, reversal_place)
        url = ""
        try:
            url = reversed_url(view_name, args, kwargs, current_app, place)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return escaped(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> KeptURLNode:
    """Django's ``{% url %}``, parsed by Django."""
    node = django_url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
