"""A record's code written into a kept reversal of a stand-in (``spona.core.links.code_urls``):
the URL is Django's ``reverse``'s wherever it is used, and anything the stand-in cannot stand
for is reversed by Django."""

from unittest.mock import patch

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import (
    NoReverseMatch,
    get_resolver,
    include,
    path,
    re_path,
    reverse,
    set_script_prefix,
)
from django.utils import translation

from spona.core import links
from spona.core.codes import new_code
from spona.core.links import code_urls, takes_code_as_is

SIGNAL_VIEWS = [
    "signals:signal_detail",
    "signals:signal_assign",
    "signals:signal_merge",
    "signals:signal_dismiss",
]


def _page(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse()


def _routes() -> list[object]:
    return [
        path("<str:code>/", _page, name="detail"),
        path("<slug:code>/slug/", _page, name="slug"),
        re_path(r"^(?P<code>[A-Z]{2})/short/$", _page, name="short"),
        path("<int:number>/numbered/", _page, name="numbered"),
        path("twice/<str:code>/", _page, name="twice"),
        path("twice/<str:code>/<str:other>/", _page, name="twice"),
    ]


class ManyKindsOfRoutes:
    """Routes a code may or may not be written into as it is."""

    urlpatterns = [
        path("single/", include((_routes(), "single"))),
        path("first/", include((_routes(), "records"), namespace="first")),
        path("second/", include((_routes(), "records"), namespace="second")),
        path("Q0Q0Q0Q0Q0Q0/<str:code>/", _page, name="stand_in_in_route"),
        path("in/<str:place>/", include(([path("<str:code>/", _page, name="at")], "placed"))),
    ]


class LanguagePrefixedURLs:
    urlpatterns = i18n_patterns(path("signals/<str:code>/", _page, name="signal"))


@pytest.fixture
def prefix():  # type: ignore[no-untyped-def]
    yield
    set_script_prefix("/")


def test_a_new_signal_s_pages_are_djangos_for_any_code() -> None:
    codes = [new_code("S") for _ in range(50)] + ["S-ACD3479", "a", "9-z", "PI-2026-0001"]
    for code in codes:
        assert code_urls(code, SIGNAL_VIEWS) == [reverse(v, args=[code]) for v in SIGNAL_VIEWS]


def test_a_code_is_written_in_without_asking_django() -> None:
    code_urls("S-ACD3479", SIGNAL_VIEWS)  # the stand-in's reversals kept
    with patch.object(links, "reverse") as asked:
        assert code_urls("S-XYK3479", SIGNAL_VIEWS)[1] == "/signals/S-XYK3479/assign/"
        asked.assert_not_called()


@pytest.mark.parametrize("code", ["a b", "a/b", "ć", "", "-S", "S.1", "..", "S?1", "S#1", "S%41"])
def test_a_code_of_other_characters_is_reversed_by_django(code: str) -> None:
    with patch.object(links, "_stand_in_url") as written:
        try:
            expected: object = [reverse(v, args=[code]) for v in SIGNAL_VIEWS]
        except NoReverseMatch:
            expected = NoReverseMatch
        if expected is NoReverseMatch:
            with pytest.raises(NoReverseMatch):
                code_urls(code, SIGNAL_VIEWS)
        else:
            assert code_urls(code, SIGNAL_VIEWS) == expected
        written.assert_not_called()


@override_settings(ROOT_URLCONF=ManyKindsOfRoutes)
def test_only_a_route_of_one_str_argument_in_one_instance_namespaces_takes_it_as_is() -> None:
    resolver = get_resolver()
    assert takes_code_as_is(resolver, "single:detail")
    assert not takes_code_as_is(resolver, "placed:at")  # the include adds a converter
    for viewname in ["single:slug", "single:short", "single:numbered", "single:twice"]:
        assert not takes_code_as_is(resolver, viewname)
    # an application of two instances: which one depends on the current application
    assert not takes_code_as_is(resolver, "records:detail")
    # an instance asked by its own name is that one whatever the current application
    assert takes_code_as_is(resolver, "first:detail")
    assert takes_code_as_is(resolver, "second:detail")
    assert not takes_code_as_is(resolver, "nowhere:detail")


@override_settings(ROOT_URLCONF=ManyKindsOfRoutes)
def test_every_kind_of_route_gives_djangos_url_or_error() -> None:
    names = [
        "records:detail",
        "records:slug",
        "records:short",
        "records:numbered",
        "records:twice",
        "first:detail",
        "second:detail",
        "stand_in_in_route",
        "nowhere:x",
    ]
    for code in ["AB", "S-ACD3479", "12", "a b", "x/y"]:
        for name in names:
            try:
                expected = reverse(name, args=[code])
            except NoReverseMatch:
                with pytest.raises(NoReverseMatch):
                    code_urls(code, [name])
            else:
                assert code_urls(code, [name]) == [expected]


def test_under_another_script_prefix_the_url_is_djangos(prefix: None) -> None:
    for script_prefix in ("/spona/", "/", "/Q0Q0Q0Q0Q0Q0/"):
        set_script_prefix(script_prefix)
        assert code_urls("S-ACD3479", SIGNAL_VIEWS) == [
            reverse(v, args=["S-ACD3479"]) for v in SIGNAL_VIEWS
        ]


@override_settings(ROOT_URLCONF=LanguagePrefixedURLs)
def test_under_language_prefixes_each_language_has_its_own_url() -> None:
    for _ in range(2):
        for language in ("sr", "en", "sr-latn"):
            with translation.override(language):
                assert code_urls("S-ACD3479", ["signal"]) == [f"/{language}/signals/S-ACD3479/"]
