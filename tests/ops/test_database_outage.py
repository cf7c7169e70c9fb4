"""Drill: PostgreSQL stops for ten seconds while the app serves and the worker waits.

Requests during the outage get the translated "try again" answer (HTTP 503: a page, or JSON
on the API), nothing is half-written (every signal that exists is one whose request was
answered 201, with its audit event, and the audit chain verifies), and when the database
returns, the same server and worker go on without a restart. The cluster is the drill's
own (tests/ops/throwaway_postgresql.py)."""

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from tests.ops.processes import (
    ROOT,
    free_port,
    needs_postgresql,
    running,
    spona,
    spona_env,
    wait_for,
)
from tests.ops.throwaway_postgresql import Cluster, throwaway_postgresql

SEED = """
import django; django.setup()
from spona.accounts.models import Role
from spona.accounts.services import api_token_create
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory
municipality = MunicipalityFactory(code="70939", name_cyr="Пирот", name_lat="Pirot")
user = UserFactory(role=Role.FRONTLINE, institution=InstitutionFactory(municipality=municipality))
print(api_token_create(user=user, name="drill")[1])
"""
CHECK = """
import json, django; django.setup()
from spona.audit.models import AuditEvent
from spona.audit.selectors import audit_chain_verify
from spona.signals.models import Signal
codes = sorted(Signal.objects.values_list("code", flat=True))
audited = AuditEvent.objects.filter(object_type="signals.signal", action="create")
print(json.dumps({
    "codes": codes,
    "audited": sorted(str(pk) for pk in audited.values_list("object_id", flat=True)),
    "signals": sorted(str(pk) for pk in Signal.objects.values_list("pk", flat=True)),
    "chain_ok": audit_chain_verify().ok,
}))
"""
OUTAGE_SECONDS = 10
pytestmark = needs_postgresql  # a PostgreSQL drill: it runs in CI's PostgreSQL pass


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with throwaway_postgresql() as cluster:
        yield cluster


def python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


class SignalStream(threading.Thread):
    """Raises a signal through the API every 50 ms and remembers every answer."""

    def __init__(self, base: str, token: str) -> None:
        super().__init__(daemon=True)
        self.base, self.token = base, token
        self.answers: list[tuple[int, dict[str, object]]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        session = requests.Session()
        session.headers.update({"Authorization": f"Bearer {self.token}", "Accept-Language": "en"})
        n = 0
        while not self.stopping.is_set():
            n += 1
            try:
                response = session.post(
                    f"{self.base}/api/v1/signals/",
                    json={"what_seen": f"drill {n}", "municipality": "70939"},
                    timeout=15,
                )
                self.answers.append((response.status_code, response.json()))
            except requests.RequestException as error:
                self.answers.append((0, {"error": str(error)}))
            time.sleep(0.05)


def test_the_app_answers_503_while_postgresql_is_down_and_recovers_by_itself(cluster) -> None:
    env = spona_env(DATABASE_URL=cluster.url, WEB_CONCURRENCY="2", WORKER_HEARTBEAT_SECONDS="1")
    migrated = spona("migrate", "-v0", env=env)
    assert migrated.returncode == 0, migrated.stderr
    token = python(SEED, env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with (
        running(["-m", "spona.cli", "serve", "--port", str(port)], env),
        running(["-m", "spona.cli", "worker", "--no-reload", "--interval", "0.2"], env) as worker,
    ):
        wait_for(lambda: _status(f"{base}/health/ready") == 200, what="the server")
        stream = SignalStream(base, token)
        stream.start()
        wait_for(lambda: any(status == 201 for status, _ in stream.answers), what="a signal")

        cluster.stop()
        down_since = time.monotonic()
        assert _status(f"{base}/health/live") == 200
        assert _status(f"{base}/health/ready") == 503
        english = requests.get(f"{base}/report/", headers={"Accept-Language": "en"}, timeout=15)
        serbian = requests.get(f"{base}/report/", headers={"Accept-Language": "sr"}, timeout=15)
        assert english.status_code == serbian.status_code == 503
        assert "Nothing you sent was half-saved: try again in a minute." in english.text
        assert "покушајте поново за минут" in serbian.text
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_since)))
        during = len(stream.answers)
        cluster.start()

        wait_for(lambda: _status(f"{base}/health/ready") == 200, what="readiness after the outage")
        count_after = len(stream.answers)
        wait_for(
            lambda: any(status == 201 for status, _ in stream.answers[count_after:]),
            what="a signal after the outage",
        )
        stream.stopping.set()
        stream.join(timeout=30)
        assert worker.poll() is None  # the worker waited for the database instead of dying

    statuses = {status for status, _ in stream.answers}
    assert statuses <= {201, 503}, stream.answers
    outage = stream.answers[:during]
    assert any(status == 503 for status, _ in outage)
    assert all(
        body
        == {
            "detail": "The database cannot be reached right now. Nothing you sent was "
            "half-saved: try again in a minute."
        }
        for status, body in stream.answers
        if status == 503
    )
    stored = json.loads(python(CHECK, env))
    answered = sorted(str(body["code"]) for status, body in stream.answers if status == 201)
    assert stored["codes"] == answered  # every signal stored was answered 201, and no other
    assert stored["audited"] == stored["signals"]  # each with its audit event
    assert stored["chain_ok"]


def _status(url: str) -> int:
    try:
        return requests.get(url, timeout=15).status_code
    except requests.RequestException:
        return 0
