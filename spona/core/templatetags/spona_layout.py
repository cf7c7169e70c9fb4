"""Layout helpers of the base template: the links, the header's navigation and the user's
menu written in Python (the base template's loops, conditions and lookups were about a tenth of
a light page's Python work), and the parts that are the same for many users kept per language."""

from collections.abc import Callable, Hashable
from functools import lru_cache, wraps
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.base import Parser, Token
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from spona.core.caching import forget_when_catalogues_change
from spona.core.csrf import csrf_input
from spona.core.links import reversed_url
from spona.core.markup import escaped
from spona.core.phases import Phase
from spona.core.stacking import label_cells

register = template.Library()

#: the kept fragments' caches, dropped when the languages or the catalogues change (as in tests)
_KEPT_FRAGMENTS: list[Any] = []


def kept_per_language[W](write: Callable[..., W]) -> Callable[..., W]:
    """``write(*args)``, a fragment of markup, kept per process for each different language,
    script prefix and arguments. ``write`` must depend on nothing else: its arguments are plain
    values (a role's flags, a phase, tools), never a user, a request or a context, so that a
    kept fragment cannot cross users, roles or languages."""

    @lru_cache(maxsize=256)
    def written(language: str | None, prefix: str, *args: Hashable) -> W:
        return write(*args)

    _KEPT_FRAGMENTS.append(written)

    @wraps(write)
    def kept(*args: Hashable) -> W:
        return written(get_language(), get_script_prefix(), *args)

    return kept


def _forget_fragments() -> None:
    for written in _KEPT_FRAGMENTS:
        written.cache_clear()


forget_when_catalogues_change(_forget_fragments)


def whole_number(value: object) -> str:
    """``localize(value)``, as ``{{ value }}`` writes a number, without Django's way round for a
    whole number: with ``USE_THOUSAND_SEPARATOR`` off (Spona's setting; ``spona.core.numbers``
    groups where it is asked for) Django writes an ``int`` as ``str`` does, in every language,
    after asking the language and three formats (about 20 Python calls)."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return str(localize(value))


@register.filter(is_safe=True)
def stack_tables(rendered: SafeString) -> SafeString:
    """Rendered page content with column names on its table cells (see spona.core.stacking)."""
    return mark_safe(label_cells(str(rendered)))  # noqa: S308 - only attributes are added, escaped


@lru_cache(maxsize=64)
def _static_url(path: str) -> str:
    return str(StaticNode.handle_simple(path))


@lru_cache(maxsize=64)
def _escaped_static_url(path: str) -> SafeString:
    return conditional_escape(_static_url(path))


def _forget_static_urls(**kwargs: Any) -> None:
    _static_url.cache_clear()
    _escaped_static_url.cache_clear()


setting_changed.connect(_forget_static_urls, weak=False)  # the storage or its URL, in tests


class _KeptStaticNode(StaticNode):
    """Django's ``{% static %}`` with each file's URL kept per process, and escaped once:
    the staticfiles storage's URL of a path (a manifest's lookups and ``urljoin``, about 40
    Python calls) is a function of the path and of what the process read at start (the
    settings, the manifest of the collected files) alone; ``STATIC_URL`` is a full path, so no
    script prefix goes into it. A path missing from the manifest fails on every render, as
    Django's does."""

    def render(self, context: template.Context) -> str:
        """Django's: the URL, escaped where autoescaping is on, written or set as ``as``'s."""
        path = self.path.resolve(context)
        url = _escaped_static_url(path) if context.autoescape else _static_url(path)
        if self.varname is None:
            return url
        context[self.varname] = url
        return ""


@register.tag
def static(parser: Parser, token: Token) -> StaticNode:
    """``{% static path [as name] %}``, as Django's, its URL kept (``_KeptStaticNode``)."""
    return _KeptStaticNode.handle_token(parser, token)


@register.simple_tag
def link(viewname: str, *args: object) -> str:
    """``{% url %}`` written from Python: the arguments written by ``str`` (a phase, a code),
    the reversal kept per process (``reversed_url``)."""
    return reversed_url(viewname, [str(arg) for arg in args])


@kept_per_language
def _phase_nav(current: str, may_manage_users: bool, may_manage_institutions: bool) -> str:
    phases = "".join(
        f'\n          <li><a href="{escaped(link("workspace:phase", key))}"'
        f"{' aria-current="page"' if key == current else ''}>{escaped(title)}</a></li>\n        "
        for key, title in Phase.choices
    )
    users = institutions = ""
    if may_manage_users:
        where, text = escaped(link("accounts_manage:user_list")), escaped(gettext("Users"))
        users = f'<li><a href="{where}">{text}</a></li>'
    if may_manage_institutions:
        where = escaped(link("institutions_manage:institution_list"))
        text = escaped(gettext("Institutions"))
        institutions = f'<li><a href="{where}">{text}</a></li>'
    label = escaped(gettext("Phases of the response"))
    return (
        f'\n    <nav class="phase-nav" aria-label="{label}">\n      <ul>\n        {phases}'
        f"\n        {users}\n        {institutions}\n      </ul>\n    </nav>\n  "
    )


@register.simple_tag
def phase_nav(
    phase: object, may_manage_users: object, may_manage_institutions: object
) -> SafeString:
    """The phases' navigation of a signed-in user's page, the current phase marked, with the
    administration links the user may use: the same for every user with the same two
    permissions, so kept per language (``kept_per_language``)."""
    current = str(phase) if isinstance(phase, str) else ""
    written = _phase_nav(current, bool(may_manage_users), bool(may_manage_institutions))
    return mark_safe(written)  # noqa: S308 - every value escaped


@kept_per_language
def _user_menu_parts() -> tuple[str, str, str, str]:
    """The user menu's fixed markup: before the user's name, between it and the unread
    badge, between the badge and the CSRF token, and after it. (Each text is translated
    outside an f-string, where ``makemessages`` finds it.)"""
    label = escaped(gettext("Your account"))
    opening = (
        f'\n      <nav class="user-menu" aria-label="{label}">\n        <span class="user-name">'
    )
    text = escaped(gettext("Inbox"))
    inbox = f'</span>\n        <a href="{escaped(link("inbox:inbox"))}">{text}'
    links = "".join(
        f'\n        <a href="{escaped(link(name))}">{escaped(text)}</a>'
        for name, text in (
            ("accounts:account", gettext("Account")),
            ("accounts:password_change", gettext("Password")),
            ("accounts:api_tokens", gettext("API tokens")),
        )
    )
    logout = escaped(link("accounts:logout"))
    account = f'</a>{links}\n        <form method="post" action="{logout}" class="inline">'
    sign_out = escaped(gettext("Sign out"))
    closing = (
        f'\n          <button type="submit" class="link">{sign_out}</button>'
        "\n        </form>\n      </nav>\n    "
    )
    return opening, inbox, account, closing


@register.simple_tag(takes_context=True)
def user_menu(context: template.Context) -> SafeString:
    """The signed-in user's menu in the header: their name and role, the inbox with the
    unread count, their account's links and the sign-out form. The links and texts are kept
    per language (``kept_per_language``); the name, the role, the count and the CSRF token
    are this request's."""
    user = context["user"]
    opening, inbox, account, closing = _user_menu_parts()
    name = user.get_full_name() or user.username
    unread = context.get("unread_notifications")
    badge = f' <span class="badge">{escaped(whole_number(unread))}</span>' if unread else ""
    csrf = csrf_input(context)
    return mark_safe(  # noqa: S308 - every value escaped
        f"{opening}{escaped(name)} · {escaped(user.role_title)}{inbox}{badge}"
        f"{account}{csrf}{closing}"
    )
