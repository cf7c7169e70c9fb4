"""Security headers, production start-up checks, and translated error pages."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from spona.accounts.models import Role
from spona.ops.logs import JsonLines, logging_config

pytestmark = pytest.mark.django_db


def test_pages_allow_scripts_only_from_our_origin_or_with_the_nonce_and_deny_framing() -> None:
    response = Client().get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    sources = directives["script-src"]
    assert sources[0] == "'self'"
    # no page uses a script yet: Django adds the per-request nonce only where one is used
    assert all(source.startswith("'nonce-") for source in sources[1:])
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "url_name", ["workspace:home", "people:person_list", "institutions:directory"]
)
def test_pages_have_no_inline_script_or_style(client_for, url_name: str) -> None:
    html = client_for(Role.SUPERVISOR).get(reverse(url_name)).content.decode()
    assert "<script" not in html
    assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html)


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SPONA_", "SECRET_KEY", "FIELD_", "BLIND_"))
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='spona.settings'; django.setup()",
        ],
        env={
            **clean,
            "DATABASE_URL": "sqlite:///:memory:",
            "SPONA_ENV_FILE": "/nonexistent",
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
    )


def test_production_refuses_to_start_without_its_keys() -> None:
    result = _start({"SPONA_MODE": "production"})
    assert result.returncode != 0
    assert "needs SECRET_KEY, FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY" in result.stderr


def test_production_turns_on_secure_cookies_and_hsts() -> None:
    keys = {
        "SECRET_KEY": "s" * 50,
        "FIELD_ENCRYPTION_KEYS": "k" * 43 + "=",
        "BLIND_INDEX_KEY": "b" * 32,
    }
    probe = "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='spona.settings'; django.setup(); {probe}",
        ],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("SPONA_")},
            "SPONA_MODE": "production",
            "DATABASE_URL": "sqlite:///:memory:",
            "SPONA_ENV_FILE": "/nonexistent",
            **keys,
        },
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
    )
    assert result.stdout.split() == ["False", "True", "31536000"], result.stderr


def test_not_found_page_is_translated() -> None:
    response = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode()


def test_server_error_shows_a_translated_page_not_a_traceback(client_for, monkeypatch) -> None:
    from spona.workspace import views

    def broken(user, phase):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "tools_for", broken)
    client = client_for(Role.CASE_MANAGER)
    client.raise_request_exception = False
    response = client.get(reverse("workspace:phase", args=["planning"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "Traceback" not in body
    assert "boom" not in body


def test_expired_form_gets_a_translated_page() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:login"), {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()


def json_line(record: logging.LogRecord) -> str:
    """A log record as the production log writes it (spona.ops.logs)."""
    options = logging_config(level="DEBUG", json_lines=True)["formatters"]["spona"]
    return JsonLines(**{k: v for k, v in options.items() if k != "()"}).format(record)


def test_no_personal_data_reaches_the_logs_even_at_debug_level(make_user, caplog) -> None:
    """SQL statements (with their parameters) are logged at DEBUG: they hold only ciphertext."""
    from django.db import connection

    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True
    try:
        client = Client()
        user = make_user(Role.CASE_MANAGER)
        client.force_login(user)
        client.post(
            reverse("people:person_create"),
            {"given_name": "Радмила", "family_name": "Smiljanić", "sex": "female"},
        )
        client.get(reverse("people:person_list"), {"name": "Радмила Smiljanić"})
    finally:
        connection.force_debug_cursor = False
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert 'INSERT INTO "people_person"' in logged  # the statements were logged ...
    assert "Радмила" not in logged
    assert "Smiljanić" not in logged
    # ... and so are the JSON lines written from them (request lines: path, never the query)
    as_json = "\n".join(json_line(r) for r in caplog.records)
    assert '"path": "/people/"' in as_json
    assert "Радмила" not in as_json
    assert "Smiljanić" not in as_json
    assert "\\u0420\\u0430\\u0434" not in as_json  # nor escaped


@pytest.mark.parametrize(
    ("cache_url", "engine"),
    [
        ("rediscache://127.0.0.1:6379/1", "spona.ops.sessions"),  # Django's cached_db
        ("locmemcache://spona", "django.contrib.sessions.backends.db"),
    ],
)
def test_sessions_are_cached_only_in_a_cache_every_server_process_shares(
    cache_url: str, engine: str
) -> None:
    """A per-process cache would keep a signed-out session alive in the other processes."""
    probe = "from django.conf import settings as s; print(s.SESSION_ENGINE)"
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='spona.settings'; django.setup(); {probe}",
        ],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("SPONA_")},
            "SPONA_MODE": "test",
            "DATABASE_URL": "sqlite:///:memory:",
            "SPONA_ENV_FILE": "/nonexistent",
            "CACHE_URL": cache_url,
        },
        capture_output=True,
        text=True,
        check=False,
        cwd=str(Path(__file__).resolve().parent.parent),
    )
    assert result.stdout.split() == [engine], result.stderr
