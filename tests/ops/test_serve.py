"""``spona serve`` is the production server (Gunicorn, static files through WhiteNoise with
hashed names, HTTPS redirects except for health checks); ``spona serve --dev`` is Django's."""

import gc
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.ops.processes import free_port, running, spona_env, wait_for


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)
BEHIND_TLS_PROXY = {"X-Forwarded-Proto": "https"}


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    try:
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http://127.0.0.1
        with _opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except OSError:
        return 0, {}, b""


def answers(url: str) -> tuple[int, dict[str, str], bytes] | None:
    result = fetch(url)
    return result if result[0] else None


@pytest.fixture
def production_env(tmp_path: Path) -> dict[str, str]:
    return spona_env(
        SPONA_MODE="production",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )


def test_spona_serve_runs_gunicorn_with_hashed_static_files(production_env, tmp_path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = ["-m", "spona.cli", "serve", "--port", str(port), "--workers", "2"]
    with running(serve, production_env):
        status, headers, body = wait_for(lambda: answers(f"{base}/health/live"), what="gunicorn")
        assert (status, body) == (200, b'{"status": "ok"}')
        assert headers["Server"] == "gunicorn"
        assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])

        # Pages go to HTTPS; the load balancer's health checks stay on plain HTTP.
        status, headers, _ = fetch(f"{base}/accounts/login/")
        assert (status, headers["Location"]) == (301, f"https://127.0.0.1:{port}/accounts/login/")

        [css] = (tmp_path / "static").glob("spona.*.css")  # collected, with its hash in the name
        status, headers, body = fetch(f"{base}/static/{css.name}", **BEHIND_TLS_PROXY)
        assert status == 200
        assert "immutable" in headers["Cache-Control"]
        assert body == css.read_bytes()


def test_a_gunicorn_worker_keeps_what_it_loaded_out_of_the_collectors_walks() -> None:
    from spona.ops import gunicorn_conf

    assert gc.get_freeze_count() == 0
    try:
        gunicorn_conf.post_worker_init(worker=None)
        # the settings, the models and every view the URLconf imports: far more than a page makes
        assert gc.get_freeze_count() > 100_000
    finally:
        gc.unfreeze()


def test_spona_serve_dev_runs_the_development_server(tmp_path) -> None:
    port = free_port()
    env = spona_env(SPONA_MODE="development", DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite3'}")
    with running(["-m", "spona.cli", "serve", "--dev", "--port", str(port)], env):
        status, headers, _ = wait_for(
            lambda: answers(f"http://127.0.0.1:{port}/health/live"), what="runserver"
        )
    assert status == 200
    assert headers["Server"].startswith("WSGIServer")


def test_finding_15_the_development_server_refuses_a_static_traversal(tmp_path) -> None:
    """It answered 500 (Django's static handler raised SuspiciousFileOperation); now 404."""
    port = free_port()
    env = spona_env(SPONA_MODE="development", DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite3'}")
    base = f"http://127.0.0.1:{port}"
    with running(["-m", "spona.cli", "serve", "--dev", "--port", str(port)], env):
        wait_for(lambda: answers(f"{base}/health/live"), what="runserver")
        assert fetch(f"{base}/static/..%2f..%2f.env")[0] == 404
        assert fetch(f"{base}/static/..%2f..%2fmanage.py")[0] == 404
        status, _headers, body = fetch(f"{base}/static/spona.css")
    assert status == 200
    assert body == (Path(__file__).resolve().parents[2] / "spona/static/spona.css").read_bytes()
