"""Reversals kept per process (spona.core.links, ``{% url %}``): the same URL as Django's
``reverse`` under every language, script prefix and URLconf, never another's."""

from collections.abc import Iterator
from unittest.mock import patch
from uuid import UUID

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.test import override_settings
from django.urls import (
    NoReverseMatch,
    get_resolver,
    path,
    reverse,
    set_script_prefix,
    set_urlconf,
)
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from spona.core import links
from spona.core.links import depends_on_language, reversed_url
from spona.core.templatetags.spona_layout import link
from spona.core.templatetags.spona_urls import KeptURLNode


def _page(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse()


class LanguagePrefixedURLs:
    """A URLconf whose paths begin with the language (``i18n_patterns``), as an installation
    might have them."""

    urlpatterns = i18n_patterns(
        path("cases/<str:code>/", _page, name="case"),
        path("items/<int:number>/", _page, name="item"),
    )


class TranslatedRouteURLs:
    """A URLconf with a translated route (``gettext_lazy``), no language prefix."""

    urlpatterns = [path(gettext_lazy("Cases"), _page, name="cases")]


class OtherURLs:
    """Another URLconf a request may choose (``request.urlconf``)."""

    urlpatterns = [path("elsewhere/<str:code>/", _page, name="case")]


@pytest.fixture
def prefix() -> Iterator[None]:
    yield
    set_script_prefix("/")


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    [
        ("workspace:home", (), {}),
        ("workspace:phase", ("protection",), {}),
        ("cases:case_detail", ("PI-2026-0001",), {}),
        ("cases:case_detail", (), {"code": "SM-2026-0042"}),
        ("cases:referral_act", (12, "accept"), {}),
        ("cases:case_detail", ("a b ć?#",), {}),
    ],
)
def test_a_kept_reversal_is_djangos(name: str, args: tuple[object, ...], kwargs: dict) -> None:
    for _ in range(2):  # reversed, then kept
        assert reversed_url(name, args, kwargs) == reverse(name, args=args, kwargs=kwargs)


def test_a_reversal_is_asked_of_django_once_and_a_failure_every_time() -> None:
    with patch.object(links, "reverse", wraps=reverse) as asked:
        for _ in range(3):
            reversed_url("cases:case_detail", ["KEPT-ONCE-1"])
        assert asked.call_count == 1
        for _ in range(2):
            with pytest.raises(NoReverseMatch):
                reversed_url("cases:case_detail", [])
        assert asked.call_count == 3


def test_values_other_than_plain_ones_are_reversed_every_time() -> None:
    """A value that is not a string, an integer or a UUID is written by its ``str()`` or its
    converter, which may change (a lazy text in another language): never kept. ``True``
    equals ``1``, yet writes another URL."""
    number = UUID("12345678-1234-5678-1234-567812345678")
    assert reversed_url("cases:case_detail", [number]) == f"/cases/{number}/"
    assert reversed_url("cases:case_detail", [1]) == "/cases/1/"
    assert reversed_url("cases:case_detail", [True]) == "/cases/True/"
    assert reversed_url("cases:case_detail", [mark_safe("A-1")]) == "/cases/A-1/"
    with patch.object(links, "_kept") as kept:
        reversed_url("cases:case_detail", [True])
        reversed_url("cases:case_detail", [gettext_lazy("Cases")])
        reversed_url("cases:case_detail", kwargs={"code": 1.5})
        kept.assert_not_called()


def test_a_reversal_under_another_script_prefix_is_never_the_others(prefix: None) -> None:
    for _ in range(2):
        set_script_prefix("/spona/")  # an installation under a path
        assert reversed_url("cases:case_detail", ["PI-1"]) == "/spona/cases/PI-1/"
        assert link("workspace:home") == "/spona/"
        set_script_prefix("/")
        assert reversed_url("cases:case_detail", ["PI-1"]) == "/cases/PI-1/"
        assert link("workspace:home") == "/"


def test_spona_s_urls_do_not_depend_on_the_language_so_a_reversal_does_not_ask_it() -> None:
    assert not depends_on_language(get_resolver())
    reversed_url("cases:case_detail", ["PI-2"])
    with patch.object(links, "get_language") as asked:
        with translation.override("en"):
            assert reversed_url("cases:case_detail", ["PI-2"]) == "/cases/PI-2/"
        asked.assert_not_called()


@override_settings(ROOT_URLCONF=LanguagePrefixedURLs)
def test_under_language_prefixes_each_language_has_its_own_reversal() -> None:
    assert depends_on_language(get_resolver())
    for _ in range(2):
        for language in ("sr", "en", "sr-latn"):
            with translation.override(language):
                expected = reverse("case", args=["PI-3"])
                assert expected == f"/{language}/cases/PI-3/"
                assert reversed_url("case", ["PI-3"]) == expected
                assert reversed_url("item", kwargs={"number": 7}) == f"/{language}/items/7/"


@override_settings(ROOT_URLCONF=TranslatedRouteURLs)
def test_a_translated_route_depends_on_the_language() -> None:
    assert depends_on_language(get_resolver())
    for language in ("sr", "en", "sr"):
        with translation.override(language):
            assert reversed_url("cases") == reverse("cases")


def test_a_request_s_own_urlconf_has_its_own_reversals() -> None:
    with pytest.raises(NoReverseMatch):
        reversed_url("case", ["PI-4"])  # not a name of Spona's URLconf
    set_urlconf(OtherURLs)
    try:
        assert reversed_url("case", ["PI-4"]) == "/elsewhere/PI-4/"
    finally:
        set_urlconf(None)
    assert reversed_url("cases:case_detail", ["PI-4"]) == "/cases/PI-4/"


def test_the_kept_reversals_are_bounded() -> None:
    assert links._kept.cache_info().maxsize == links.KEPT


def _written(source: str, **values: object) -> str:
    return Template(source).render(Context(values))


def test_the_url_tag_writes_what_djangos_writes() -> None:
    """Every template's ``{% url %}`` is the builtin library's: arguments, keyword arguments,
    ``as``, escaping and a failure as Django's tag."""
    assert isinstance(Template("{% url 'workspace:home' %}").nodelist[0], KeptURLNode)
    assert _written("{% url 'cases:case_detail' code %}", code="PI-5") == "/cases/PI-5/"
    assert _written("{% url 'cases:case_detail' code=code %}", code="PI-5") == "/cases/PI-5/"
    assert _written("{% url 'cases:case_detail' code %}", code="a&b") == "/cases/a&amp;b/"
    assert (
        _written(
            "{% autoescape off %}{% url 'cases:case_detail' code %}{% endautoescape %}", code="a&b"
        )
        == "/cases/a&b/"
    )
    assert _written("{% url 'cases:case_detail' code as to %}[{{ to }}]", code="PI-6") == (
        "[/cases/PI-6/]"
    )
    assert _written("{% url 'cases:case_detail' as to %}[{{ to }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        _written("{% url 'cases:case_detail' %}")


@override_settings(ROOT_URLCONF=LanguagePrefixedURLs)
def test_the_url_tag_follows_a_language_block_of_its_template() -> None:
    source = "{% load i18n %}{% url 'case' 'X' %} {% language 'en' %}{% url 'case' 'X' %}{% endlanguage %}"
    with translation.override("sr"):
        assert _written(source) == "/sr/cases/X/ /en/cases/X/"
        assert _written(source) == "/sr/cases/X/ /en/cases/X/"


def test_the_url_tag_asks_the_urlconf_and_script_prefix_once_a_page(prefix: None) -> None:
    """A page's links, in its template, its parent and the templates it includes, are
    reversed under the URLconf and script prefix asked once for its render; the next render
    asks them again (another request's prefix, another URLconf)."""
    from django.template import Engine

    engine = Engine(
        loaders=[
            (
                "django.template.loaders.locmem.Loader",
                {
                    "parent.html": "{% url 'workspace:home' %}|{% block links %}{% endblock %}",
                    "row.html": "{% url 'cases:case_detail' code %}",
                    "page.html": '{% extends "parent.html" %}{% block links %}'
                    "{% url 'cases:case_detail' 'PI-7' %}|{% include 'row.html' with code='PI-8' %}"
                    "{% endblock %}",
                },
            )
        ],
        builtins=["spona.core.templatetags.spona_engine", "spona.core.templatetags.spona_urls"],
    )
    page = engine.get_template("page.html")
    with patch.object(links, "get_script_prefix", wraps=links.get_script_prefix) as asked:
        assert page.render(Context()) == "/|/cases/PI-7/|/cases/PI-8/"
        set_script_prefix("/spona/")
        assert page.render(Context()) == "/spona/|/spona/cases/PI-7/|/spona/cases/PI-8/"
    assert asked.call_count == 2
    set_script_prefix("/")
    set_urlconf(OtherURLs)
    try:
        assert engine.from_string("{% url 'case' 'PI-9' %}").render(Context()) == "/elsewhere/PI-9/"
    finally:
        set_urlconf(None)
