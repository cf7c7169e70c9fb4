"""What every request pays (docs/performance.md, h34floor and h35floor): Django's ``{% extends %}`` and
``{% csrf_token %}``, the CSP header, the messages' storage and the locale middleware, each
with less work per request and each answering as Django's own does."""

import copy
import re
import uuid
from collections.abc import Callable
from typing import Any
from unittest.mock import patch

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AbstractUser
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.locale import LocaleMiddleware
from django.template import Context, Engine, Template
from django.template.defaulttags import CsrfTokenNode
from django.test import Client, RequestFactory
from django.urls import URLResolver, get_resolver, reverse
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern
from django.utils import translation
from django.utils.csp import CSP
from redis import Redis

from spona.accounts.models import Role, User
from spona.core.messages import MessageStorage
from spona.core.middleware import KeptPolicyCSPMiddleware, SerbianLocaleMiddleware
from spona.core.routing import ByFirstSegment

#: templates that extend one another: nested blocks, ``block.super``, a block the child leaves
#: alone, an include inside a block, a parent named by a variable, two levels of children
_TEMPLATES = {
    "root.html": (
        "<{% block title %}root title{% endblock %}>[{% block outer %}outer"
        "{% block inner %}inner{% endblock %}{% endblock %}]"
        "{% if x %}{% block in_if %}in if{% endblock %}{% endif %}"
        "{% for i in items %}{% block in_for %}in for {{ i }}{% endblock %}{% endfor %}"
    ),
    "child.html": (
        "{% extends 'root.html' %}{% block title %}child {{ block.super }}{% endblock %}"
        "{% block inner %}child inner {% include 'part.html' %}{% endblock %}"
    ),
    "grandchild.html": (
        "\n{% extends 'child.html' %}{% block title %}grand {{ block.super }}{% endblock %}"
        "{% block outer %}grand outer {{ block.super }}{% endblock %}"
        "{% block in_for %}g{{ i }} {{ block.super }}{% endblock %}"
    ),
    "by_name.html": "{% extends parent %}{% block inner %}named {{ x }}{% endblock %}",
    "part.html": "part {{ x }}",
}


def _engine(builtins: list[str]) -> Engine:
    return Engine(
        loaders=[
            (
                "django.template.loaders.cached.Loader",
                [("django.template.loaders.locmem.Loader", _TEMPLATES)],
            )
        ],
        builtins=builtins,
    )


def test_extends_renders_as_djangos_and_keeps_the_roots_blocks() -> None:
    djangos = _engine([])
    ours = _engine(["spona.core.templatetags.spona_engine"])
    contexts = [
        {"x": 0, "items": [], "parent": "root.html"},
        {"x": "<x>", "items": [1, 2], "parent": "child.html"},
        {"x": 1, "items": ["a"], "parent": "root.html"},
    ]
    for _round in range(2):  # the second round reads the kept blocks
        for name in ("child.html", "grandchild.html", "by_name.html"):
            for context in contexts:
                expected = djangos.get_template(name).render(Context(context))
                assert ours.get_template(name).render(Context(context)) == expected
    root = ours.get_template("root.html")
    assert sorted(root.__dict__["_spona_root_blocks"]) == [
        "in_for",
        "in_if",
        "inner",
        "outer",
        "title",
    ]
    assert ours.get_template("child.html").__dict__["_spona_root_blocks"] is None
    assert "g2 in for 2" in ours.get_template("grandchild.html").render(Context({"items": [2]}))


@pytest.mark.parametrize("token", ["a1B2c3", "<\"&'>", "NOTPROVIDED", "", None])
def test_csrf_token_writes_djangos_input(token: str | None) -> None:
    """The same markup as Django's node, or the same failure (Django 6.1's node fails on its
    own ``NOTPROVIDED``: ``format_html("")``)."""
    template = Template("{% csrf_token %}")  # Spona's engine: its builtin in Django's place
    context = {} if token is None else {"csrf_token": token}

    def written(render: Callable[[Context], str]) -> object:
        try:
            return render(Context(context))
        except TypeError as error:
            return type(error)

    assert written(template.render) == written(CsrfTokenNode().render)


def _nonce_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<script nonce='{request._csp_nonce}'></script>")  # type: ignore[attr-defined]


def _plain_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("plain")


def _own_policy_page(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("own")
    response._csp_config = {"default-src": [CSP.NONE], "script-src": [CSP.NONCE, CSP.SELF]}  # type: ignore[attr-defined]
    response._csp_ro_config = {"img-src": [CSP.SELF, CSP.NONCE]}  # type: ignore[attr-defined]
    str(request._csp_nonce)  # type: ignore[attr-defined]
    return response


def _headers(middleware_class: type, page: Callable[..., HttpResponse]) -> dict[str, str]:
    request = RequestFactory().get("/")
    response = middleware_class(page)(request)
    headers = {
        name: value for name, value in response.headers.items() if name.startswith("Content-Sec")
    }
    nonce = getattr(request, "_csp_nonce", None)
    # the nonce is drawn anew for each request: each header is compared with it taken out
    return {
        name: value.replace(str(nonce), "N") if nonce else value for name, value in headers.items()
    }


def test_the_csp_header_is_djangos_and_follows_the_settings(settings) -> None:
    for _round in range(2):
        for page in (_nonce_page, _plain_page, _own_policy_page):
            kept = _headers(KeptPolicyCSPMiddleware, page)
            assert kept == _headers(ContentSecurityPolicyMiddleware, page)
    assert "'nonce-N'" in _headers(KeptPolicyCSPMiddleware, _nonce_page)["Content-Security-Policy"]
    assert "nonce" not in _headers(KeptPolicyCSPMiddleware, _plain_page)["Content-Security-Policy"]
    settings.SECURE_CSP = {
        "default-src": [CSP.SELF],
        "style-src": {CSP.NONCE, "b.example", "a.example"},
    }
    assert _headers(KeptPolicyCSPMiddleware, _nonce_page) == _headers(
        ContentSecurityPolicyMiddleware, _nonce_page
    )
    settings.SECURE_CSP["default-src"].append("c.example")  # changed in place
    header = _headers(KeptPolicyCSPMiddleware, _plain_page)["Content-Security-Policy"]
    assert header == "default-src 'self' c.example; style-src a.example b.example"
    settings.SECURE_CSP = {}
    assert _headers(KeptPolicyCSPMiddleware, _plain_page) == {}


def _messages_request(cookie: str | None = None) -> HttpRequest:
    request = RequestFactory().get("/")
    if cookie is not None:
        request.COOKIES[CookieStorage.cookie_name] = cookie
    request.session = SessionStore()
    return request


def test_the_messages_storage_is_djangos_with_its_signer_made_when_used() -> None:
    request = _messages_request()
    storage = MessageStorage(request)
    assert list(storage) == []
    storage.update(response := HttpResponse())
    assert "signer" not in storage.storages[0].__dict__  # no cookie read, none written
    assert CookieStorage.cookie_name not in response.cookies

    storage = MessageStorage(_messages_request())
    storage.add(constants.ERROR, "Отворите преглед <прво>")
    storage.update(response := HttpResponse())
    cookie = response.cookies[CookieStorage.cookie_name].value
    read_by_django = CookieStorage(_messages_request(cookie))
    assert [(m.level, m.message) for m in read_by_django] == [
        (constants.ERROR, "Отворите преглед <прво>")
    ]
    written_by_django = CookieStorage(_messages_request())
    written_by_django.add(constants.INFO, "info")
    written_by_django.update(response := HttpResponse())
    request = _messages_request(response.cookies[CookieStorage.cookie_name].value)
    request._messages = MessageStorage(request)  # type: ignore[attr-defined]
    assert [m.message for m in get_messages(request)] == ["info"]
    assert [m.message for m in MessageStorage(_messages_request("forged:x:y"))] == []
    assert django_settings.MESSAGE_STORAGE == "spona.core.messages.MessageStorage"


@pytest.mark.parametrize(
    "accept", ["", "en-US,en;q=0.9", "sr;q=0.5,en;q=0.9", "de", "hr", "sr-Latn-RS"]
)
@pytest.mark.parametrize("cookie", [None, "en", "sr-latn", "sr", "xx"])
def test_the_locale_is_djangos(accept: str, cookie: str | None) -> None:
    def answer(middleware_class: type) -> tuple[str, str, dict[str, str]]:
        request = RequestFactory().get("/cases/", HTTP_ACCEPT_LANGUAGE=accept)
        if cookie is not None:
            request.COOKIES["django_language"] = cookie
        with translation.override(None):
            response = middleware_class(lambda request: HttpResponse())(request)
            return request.LANGUAGE_CODE, translation.get_language(), dict(response.headers)

    ours, djangos = answer(SerbianLocaleMiddleware), answer(LocaleMiddleware)
    if not cookie and accept.lower().startswith(("hr", "sr-latn")):  # Spona's own rule
        assert ours[:2] == ("sr-latn", "sr-latn")
        assert ours[2]["Content-Language"] == "sr-latn"
    else:
        assert ours == djangos


#: a sample of each converter's values Spona's routes use
_SAMPLES = {"int": "7", "str": "x-1", "slug": "a-b"}


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    """Every route of ``patterns`` and their includes, whole from the root."""
    routes = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes.extend(_routes(pattern.url_patterns, route))
        else:
            routes.append(route)
    return routes


def _paths_of(route: str) -> list[str]:
    """A path each route matches, and paths near it that it does not (one character more,
    its last segment dropped, the first segment changed)."""
    path = re.sub(r"<(\w+):\w+>", lambda found: _SAMPLES[found[1]], route)
    return [path, path + "x", path.rsplit("/", 2)[0] + "/", "zz" + path, path.upper()]


def _answer(resolver: URLResolver, path: str) -> tuple[Any, ...]:
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return ("404",)
    return (
        match.func,
        match.args,
        match.kwargs,
        match.url_name,
        match.route,
        match.app_names,
        match.namespaces,
        match.view_name,
        match.captured_kwargs,
        match.extra_kwargs,
    )


def test_the_root_resolves_every_url_as_djangos_own_resolver() -> None:
    spona = get_resolver()
    (by_segment,) = spona.url_patterns
    assert isinstance(by_segment, ByFirstSegment)
    djangos = URLResolver(RegexPattern(r"^/"), list(by_segment.url_patterns))
    paths = {"/", "/x", "//", "/manage/", "/manage/x/", "/i18n/setlang"}
    for route in _routes(by_segment.url_patterns):
        paths.update("/" + path for path in _paths_of(route))
    assert len(paths) > 700
    answered = [(path, _answer(spona, path), _answer(djangos, path)) for path in sorted(paths)]
    assert [(path, ours) for path, ours, _theirs in answered] == [
        (path, theirs) for path, _ours, theirs in answered
    ]
    assert sum(ours == ("404",) for _path, ours, _theirs in answered) > 100


def test_the_root_tries_only_the_patterns_that_could_match() -> None:
    (by_segment,) = get_resolver().url_patterns
    tried = get_resolver().resolve("/prevention/").tried
    assert list(dict.fromkeys(entry[1] for entry in tried)) == [
        pattern
        for pattern in by_segment.url_patterns
        if str(pattern.pattern) in {"", "prevention/"}
    ]
    # a path no pattern matches lists every pattern tried, as Django's 404 does
    with pytest.raises(Resolver404) as missed:
        get_resolver().resolve("/prevention/nowhere/")
    assert len(missed.value.args[0]["tried"]) > len(by_segment.url_patterns)


def test_every_named_url_reverses_to_the_path_it_resolves() -> None:
    (by_segment,) = get_resolver().url_patterns
    reversed_paths = 0
    for route in _routes(by_segment.url_patterns):
        path = "/" + _paths_of(route)[0]
        match = get_resolver().resolve(path)
        if match.url_name:
            assert reverse(match.view_name, args=match.args, kwargs=match.kwargs) == path
            reversed_paths += 1
    assert reversed_paths > 150


def _made_anew(user: User) -> str:
    """The session hash as made without the process's memo: Django's, with the generation."""
    return user._with_generation(AbstractUser.get_session_auth_hash(user))


@pytest.mark.django_db
def test_the_session_hash_is_made_anew_whenever_what_it_is_made_of_changes(
    make_user, settings
) -> None:
    user = make_user(Role.CASE_MANAGER)
    first = user.get_session_auth_hash()
    assert first == _made_anew(user) == user.get_session_auth_hash()
    user.set_password("a new password for the test")
    changed = user.get_session_auth_hash()
    assert changed == _made_anew(user) != first
    user.session_generation += 1
    raised = user.get_session_auth_hash()
    assert raised == _made_anew(user) != changed
    settings.SECRET_KEY = "another secret key for the test, long enough to be one"
    assert user.get_session_auth_hash() == _made_anew(user) != raised


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"password": "argon2$changed-elsewhere"},
        {"session_generation": 7},
        {"is_active": False},
    ],
)
def test_a_session_ends_at_its_next_request_when_another_process_changes_the_user(
    make_user, change: dict[str, Any]
) -> None:
    user = make_user(Role.CASE_MANAGER)
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200  # the session's hash now kept by this process
    User.objects.filter(pk=user.pk).update(**change)
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_a_signed_in_requests_session_is_read_in_djangos_mget(make_user, settings) -> None:
    """Every request's session read (``spona.ops.sessions``) through the kept-client Redis cache:
    one ``MGET`` of the keys Django's ``RedisCache`` makes, answered with Django's values, and
    the user signed in by it, request after request."""
    settings.CACHES = {
        "default": {
            "BACKEND": "spona.core.rediscache.KeptClientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"floor-{uuid.uuid4().hex}",
        }
    }
    settings.SESSION_ENGINE = "spona.ops.sessions"
    kept, django_cache = caches["default"], RedisCache(**_redis_args(settings.CACHES["default"]))
    try:
        kept.get("spona-test-ping")
    except Exception:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    user = make_user(Role.CASE_MANAGER)
    client = Client()
    client.force_login(user)
    asked: list[tuple[list[str], dict[str, Any], dict[str, Any]]] = []
    read = kept.get_many

    def get_many(keys: Any, version: Any = None) -> dict[str, Any]:
        keys = list(keys)
        answered = read(keys, version)
        # as read (the session changes its own dict), and Django's at once (a page writes keys)
        asked.append((keys, copy.deepcopy(answered), django_cache.get_many(keys)))
        return answered

    sent, execute = [], Redis.execute_command

    def spied(redis_client: Redis, *args: Any, **options: Any) -> Any:
        sent.append(args)
        return execute(redis_client, *args, **options)

    try:
        with (
            patch.object(kept, "get_many", get_many),
            patch.object(Redis, "execute_command", spied),
        ):
            for _ in range(3):
                sent.clear()
                assert client.get("/").status_code == 200
                keys, answered, djangos = asked[-1]
                assert sent[0] == ("MGET", *(django_cache.make_and_validate_key(k) for k in keys))
                assert answered == djangos
                assert any(value.get(SESSION_KEY) == str(user.pk) for value in answered.values()
                           if isinstance(value, dict))  # fmt: skip
    finally:  # the keys the test wrote
        written = kept._cache.get_client()
        written.delete(*written.keys(f"{settings.CACHES['default']['KEY_PREFIX']}:*"))


def _redis_args(options: dict[str, Any]) -> dict[str, Any]:
    return {"server": options["LOCATION"], "params": {"KEY_PREFIX": options["KEY_PREFIX"]}}
