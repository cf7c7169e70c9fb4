"""Django's ``{% extends %}`` and ``{% csrf_token %}``, with less work per render.

A builtin library (``TEMPLATES``' ``builtins``): its tags take the place of Django's in every
template, the same tags parsed by Django.

``{% csrf_token %}`` is ``spona.core.csrf.CsrfInputNode``: the same input, written without
``format_html``.

``{% extends %}``: on every render Django's node walks the whole of the root template's node
tree for its ``{% block %}`` nodes (about two hundred Python calls for ``base.html``, on every
page), though the blocks of a compiled template never change: a template is compiled once (the
cached loader) and its nodes are not changed by rendering. This node finds them once per
compiled parent and keeps them on it; the rest is Django's.
"""

from collections.abc import Callable
from typing import Any

from django import template
from django.template.base import Parser, Template, TextNode, Token
from django.template.defaulttags import csrf_token as django_csrf_token
from django.template.loader_tags import (
    BLOCK_CONTEXT_KEY,
    BlockContext,
    BlockNode,
    ExtendsNode,
    do_extends,
)
from django.utils.safestring import SafeString

from spona.core.csrf import CsrfInputNode

register = template.Library()

_NOT_ASKED = object()


def asked_once[T](context: template.Context, key: str, ask: Callable[[], T]) -> T:
    """``ask()``, asked once per render of a page: kept under ``key`` in the state of the
    template rendered first (pushed by its ``Template.render`` and dropped when it ends, after
    its parents and included templates, which all see it), for what no node of a template
    changes (the URLconf and script prefix of ``{% url %}``, set before the view runs).
    Outside a template's render (a node rendered by itself) it is asked every time.
    (``spona_i18n.rendered_language`` keeps the language once per template, since
    ``{% language %}`` changes it.)"""
    dicts = context.render_context.dicts
    if len(dicts) < 2:  # the first is the render context's own, kept from render to render
        return ask()
    state: dict[Any, Any] = dicts[1]
    answer = state.get(key, _NOT_ASKED)
    if answer is _NOT_ASKED:
        answer = state[key] = ask()
    return answer  # type: ignore[no-any-return]


#: where a compiled root template keeps its blocks by name (or ``None`` when it extends
#: another template itself: its own ``{% extends %}`` adds them)
_BLOCKS = "_spona_root_blocks"


def _root_blocks(parent: Template) -> dict[str, Any] | None:
    """The parent's blocks by name when it is the root of the chain (its first node that is
    not text is not an ``{% extends %}``), as Django's ``ExtendsNode.render`` finds them;
    ``None`` otherwise."""
    try:
        return parent.__dict__[_BLOCKS]  # type: ignore[no-any-return]
    except KeyError:
        pass
    blocks = None
    for node in parent.nodelist:
        if not isinstance(node, TextNode):
            if not isinstance(node, ExtendsNode):
                nodes = parent.nodelist.get_nodes_by_type(BlockNode)
                blocks = {n.name: n for n in nodes}  # type: ignore[attr-defined]
            break
    parent.__dict__[_BLOCKS] = blocks
    return blocks


class KeptBlocksExtendsNode(ExtendsNode):
    """Django's ``ExtendsNode`` with the root's blocks kept on the compiled root
    (``_root_blocks``). ``BlockContext.add_blocks`` copies the blocks into its own lists, so
    the kept dict is never changed by a render."""

    def render(self, context: template.Context) -> SafeString:
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        blocks = _root_blocks(compiled_parent)
        if blocks is not None:
            block_context.add_blocks(blocks)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)  # type: ignore[attr-defined, no-any-return]


@register.tag
def extends(parser: Parser, token: Token) -> KeptBlocksExtendsNode:
    """Django's ``{% extends %}``, parsed by Django."""
    node = do_extends(parser, token)
    return KeptBlocksExtendsNode(node.nodelist, node.parent_name)


@register.tag
def csrf_token(parser: Parser, token: Token) -> CsrfInputNode:
    """Django's ``{% csrf_token %}``, parsed by Django."""
    django_csrf_token(parser, token)
    return CsrfInputNode()
