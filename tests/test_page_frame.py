"""What every page renders around its content (the user's menu, the phases' navigation) and the
home page's tools, written in Python with their fixed parts kept per language
(``kept_per_language``): the markup is the one the base template wrote, and a kept part never
crosses languages, script prefixes or users' permissions (docs/performance.md, h18floor)."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.http import HttpResponse
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import set_script_prefix
from django.utils import translation
from django.utils.formats import localize
from django.utils.functional import LazyObject

from spona.accounts.access import MANAGE_USERS
from spona.accounts.middleware import SignedInUserMiddleware
from spona.accounts.models import Role, User
from spona.core.phases import Phase, tools_by_phase, tools_for
from spona.core.templatetags.spona_layout import kept_per_language, whole_number
from spona.institutions.access import MANAGE_INSTITUTIONS
from spona.policy import can

pytestmark = pytest.mark.django_db
LANGUAGES = ["sr", "sr-latn", "en"]

#: The header's user menu and the phases' navigation as base.html wrote them before
#: ``{% user_menu %}`` and ``{% phase_nav %}`` (h18floor).
_FRAME_TEMPLATE = """{% load i18n spona_layout %}{% if user.is_authenticated %}
      <nav class="user-menu" aria-label="{% translate 'Your account' %}">
        <span class="user-name">{{ user.get_full_name|default:user.username }} · {{ user.role_title }}</span>
        <a href="{% link 'inbox:inbox' %}">{% translate "Inbox" %}{% if unread_notifications %} <span class="badge">{{ unread_notifications }}</span>{% endif %}</a>
        <a href="{% link 'accounts:account' %}">{% translate "Account" %}</a>
        <a href="{% link 'accounts:password_change' %}">{% translate "Password" %}</a>
        <a href="{% link 'accounts:api_tokens' %}">{% translate "API tokens" %}</a>
        <form method="post" action="{% link 'accounts:logout' %}" class="inline">{% csrf_token %}
          <button type="submit" class="link">{% translate "Sign out" %}</button>
        </form>
      </nav>
    {% endif %}|{% if user.is_authenticated %}
    <nav class="phase-nav" aria-label="{% translate 'Phases of the response' %}">
      <ul>
        {% for key, title in phases %}
          <li><a href="{% link 'workspace:phase' key %}"{% if phase == key %} aria-current="page"{% endif %}>{{ title }}</a></li>
        {% endfor %}
        {% if may_manage_users %}<li><a href="{% link 'accounts_manage:user_list' %}">{% translate "Users" %}</a></li>{% endif %}
        {% if may_manage_institutions %}<li><a href="{% link 'institutions_manage:institution_list' %}">{% translate "Institutions" %}</a></li>{% endif %}
      </ul>
    </nav>
  {% endif %}"""

_FRAME_TAGS = (
    "{% load spona_layout %}{% if user.is_authenticated %}{% user_menu %}{% endif %}|"
    "{% if user.is_authenticated %}{% phase_nav phase may_manage_users may_manage_institutions %}"
    "{% endif %}"
)

#: The home page's tools as home.html wrote them before ``{% tools_list %}``.
_TOOLS_TEMPLATE = """{% load spona_work %}<ul class="tools">
  {% for phase, phase_tools in tools %}
    {% phase_tools phase phase_tools %}
  {% endfor %}
</ul>"""


def _context(user: User, phase: object, unread: int, token: str | None) -> dict[str, object]:
    context: dict[str, object] = {
        "user": user,
        "request": RequestFactory().get("/"),
        "phases": Phase.choices,
        "phase": phase,
        "may_manage_users": can(user, MANAGE_USERS),
        "may_manage_institutions": can(user, MANAGE_INSTITUTIONS),
        "unread_notifications": unread,
    }
    if token is not None:
        context["csrf_token"] = token
    return context


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_frame_is_written_as_the_base_template_wrote_it(
    language: str, make_user: Callable[..., User]
) -> None:
    old, new = Template(_FRAME_TEMPLATE), Template(_FRAME_TAGS)
    users = [
        make_user(Role.SYSTEM_ADMIN, first_name='<b>"Ana"</b>', last_name="& Co"),
        make_user(Role.CASE_MANAGER, first_name="", last_name=""),  # shown by username
        make_user(Role.SUPERVISOR),
        make_user(Role.COORDINATOR),
    ]
    written = set()
    with translation.override(language):
        for user in users:
            for phase in [None, Phase.PROTECTION, "planning", "not a phase", 7]:
                for unread, token in [(0, "a-masked-token"), (1234, None), (3, "x")]:
                    context = _context(user, phase, unread, token)
                    expected = old.render(Context(context))
                    assert new.render(Context(context)) == expected
                    written.add(expected)
    assert any("&lt;b&gt;&quot;Ana&quot;&lt;/b&gt; &amp; Co" in page for page in written)
    assert any('aria-current="page"' in page for page in written)


def test_a_kept_frame_follows_the_language_the_permissions_and_the_script_prefix(
    make_user: Callable[..., User],
) -> None:
    page = Template(_FRAME_TAGS)
    admin, manager = make_user(Role.SYSTEM_ADMIN), make_user(Role.CASE_MANAGER)
    written = {}
    for language in LANGUAGES:
        with translation.override(language):
            for user in (admin, manager):
                written[language, user.role] = page.render(Context(_context(user, None, 0, "t")))
    set_script_prefix("/spona/")  # an installation under a path
    try:
        with translation.override("en"):
            prefixed = page.render(Context(_context(manager, None, 0, "t")))
    finally:
        set_script_prefix("/")

    assert "Управљање" not in written["en", Role.CASE_MANAGER]
    for language in LANGUAGES:
        assert "/manage/" in written[language, Role.SYSTEM_ADMIN]
        assert "/manage/" not in written[language, Role.CASE_MANAGER]
    assert "Фазе" in written["sr", Role.CASE_MANAGER]
    assert "Faze" in written["sr-latn", Role.CASE_MANAGER]
    assert "Phases" in written["en", Role.CASE_MANAGER]
    assert 'href="/spona/phase/protection/"' in prefixed
    assert 'href="/phase/protection/"' in written["en", Role.CASE_MANAGER]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_tools_are_written_as_the_home_template_wrote_them(
    language: str, make_user: Callable[..., User]
) -> None:
    old = Template(_TOOLS_TEMPLATE)
    new = Template('{% load spona_work %}<ul class="tools">{% tools_list tools %}</ul>')
    seen = set()
    with translation.override(language):
        for role in Role:
            user = make_user(role)
            tools = tools_by_phase(user)
            by_phase = [(phase, tools_for(user, phase)) for phase in Phase]
            assert tools == tuple((p, tuple(t)) for p, t in by_phase if t)
            expected = old.render(Context({"tools": tools}))
            assert new.render(Context({"tools": tools})) == expected
            seen.add(expected)
    assert len(seen) > 3  # the roles' tools differ, and each role got its own


def test_a_kept_fragment_is_written_per_language_prefix_and_arguments() -> None:
    calls = []

    @kept_per_language
    def written(flag: bool) -> str:
        calls.append(flag)
        return f"{translation.get_language()}:{flag}"

    with translation.override("en"):
        assert [written(True), written(True), written(False)] == ["en:True", "en:True", "en:False"]
    with translation.override("sr"):
        assert written(True) == "sr:True"
    set_script_prefix("/spona/")
    try:
        with translation.override("sr"):
            written(True)
    finally:
        set_script_prefix("/")
    assert calls == [True, False, True, True]


def test_the_request_user_is_read_at_once_and_as_strictly(make_user: Callable[..., User]) -> None:
    """``SignedInUserMiddleware`` gives a view the user itself, not a lazy object (h18floor),
    read as Django reads it: a session whose account's sessions were ended is anonymous at its
    next request."""
    user = make_user(Role.CASE_MANAGER)
    client = Client()
    client.force_login(user)
    seen = []
    for ended in (False, True):
        if ended:
            User.objects.filter(pk=user.pk).update(session_generation=5)
        request = RequestFactory().get("/")
        request.session = client.session
        SignedInUserMiddleware(lambda request: HttpResponse()).process_request(request)
        seen.append(request.user)

    assert not any(isinstance(found, LazyObject) for found in seen)
    assert seen[0] == user
    assert seen[0].is_authenticated
    assert not seen[1].is_authenticated
    assert client.get("/").status_code == 302  # the ended session is asked to sign in again


def test_the_phases_navigation_lists_every_phase_whatever_the_page_names_phases(
    make_user: Callable[..., User],
) -> None:
    """A view's own ``phases`` (who does what, the convening form: the response's four) no longer
    takes the place of the navigation's: every page lists every phase."""
    context = _context(make_user(Role.CASE_MANAGER), None, 0, "t")
    context["phases"] = [("prevention", "Prevention")]
    written = Template(_FRAME_TAGS).render(Context(context))
    for phase in Phase:
        assert f'href="/phase/{phase.value}/"' in written


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_whole_number_is_written_as_django_localizes_it(language: str, settings) -> None:
    """``whole_number`` (the home page's counts, the unread badge) writes what ``{{ n }}``
    writes: Django's ``localize``, without its way round for a whole number (h32home), with
    thousands grouped or not as the setting says."""
    numbers: list[object] = [
        0,
        7,
        -3,
        999,
        1000,
        16991,
        -250000,
        10**12,
        True,
        2.5,
        Decimal("3.10"),
    ]
    for grouped in [False, True]:
        settings.USE_THOUSAND_SEPARATOR = grouped
        with translation.override(language):
            for number in numbers:
                assert whole_number(number) == str(localize(number)), (grouped, number)


def test_a_static_files_url_is_djangos_and_follows_the_settings(settings) -> None:
    """``{% static %}`` of spona_layout keeps each file's URL per process (h33home): the same
    markup as Django's tag, with ``as`` too, and a changed setting (the storage, its URL) is
    seen at once."""
    paths = ["spona.css", "favicon.svg", "a file & <more>.css"]
    djangos = Template(
        "{% load static %}"
        + "".join(f'{{% static "{p}" %}}|{{% static "{p}" as u %}}{{{{ u }}}};' for p in paths)
    )
    kept = Template(
        "{% load spona_layout %}"
        + "".join(f'{{% static "{p}" %}}|{{% static "{p}" as u %}}{{{{ u }}}};' for p in paths)
    )
    assert kept.render(Context()) == djangos.render(Context())
    assert "/static/spona.css|" in kept.render(Context())
    settings.STATIC_URL = "/files/"
    assert kept.render(Context()) == djangos.render(Context())
    assert "/files/spona.css|" in kept.render(Context())
