"""Real Spona processes for the operations tests: servers and workers started as a deployment
starts them, against the test database (committed data: the tests use ``transaction=True``)."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",  # Django's backend or spona.core.postgresql
    reason="several processes share one database: PostgreSQL only (CI's second pass)",
)


def database_url(db: dict[str, Any] | None = None) -> str:
    """The URL of the test database (or of ``db``'s connection settings)."""
    db = db or connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}"
    )


def spona_env(**extra: str) -> dict[str, str]:
    """The environment of a Spona process that shares this test's database and keys."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SPONA_", "DATABASE_", "CACHE_"))
    }
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "spona.settings",
            "SPONA_MODE": "test",
            "SPONA_ENV_FILE": os.devnull,
            "DATABASE_URL": database_url(),
            "SECRET_KEY": settings.SECRET_KEY,
            "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "BLIND_INDEX_KEY": settings.BLIND_INDEX_KEY,
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


def spona(*args: str, env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a ``spona`` command to its end."""
    return subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "spona.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        **kwargs,
    )


@contextmanager
def running(argv: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """A long-running process, stopped (and reaped) when the block ends."""
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, *argv], env=env, cwd=ROOT, start_new_session=True
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_for(condition: Callable[[], Any], timeout: float = 60, what: str = "") -> Any:
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if value := condition():
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what or condition}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


class FormFields(HTMLParser):
    """The fields of the page's form that holds ``marker`` (a field name), as a browser
    would submit them unchanged."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker = marker
        self.forms: list[dict[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({})
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1][self._select] = a.get("value", "")
        elif not self.forms or "name" not in a:
            return
        elif tag == "input" and a.get("type") not in {"submit", "button", "checkbox", "radio"}:
            self.forms[-1][a["name"]] = a.get("value", "")
        elif tag == "input" and "checked" in a:
            self.forms[-1][a["name"]] = a.get("value", "on")
        elif tag == "select":
            self._select = a["name"]
            self.forms[-1].setdefault(a["name"], "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1][a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.forms[-1][self._textarea] += data

    def fields(self, html: str) -> dict[str, str]:
        self.feed(html)
        found = [form for form in self.forms if self.marker in form]
        assert found, f"no form with {self.marker!r} on the page: {html[:2000]}"
        return found[0]
