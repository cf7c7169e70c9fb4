"""The users bench/load.py sends (a locustfile; not run by itself).

``SponaUser`` signs in through the real forms (password, then the authenticator's code),
then mixes the pages professionals use: home, the person and case lists, a case, the risk
map, survey results, the API's signal list, and new signals. ``BareUser`` asks a bare
Django page. No user starts its work before every user has signed in (a sign-in storm is
not the steady state being measured); the run then lasts ``BENCH_RUN_SECONDS`` more.
Every request after that moment is written to ``BENCH_SAMPLES`` (JSON lines: end time,
milliseconds, ok; the first line holds the moment) for bench/load.py to count.
"""

import itertools
import json
import os
import re
import time
from typing import Any

import gevent
import pyotp
from gevent.event import Event
from locust import FastHttpUser, constant, constant_throughput, events, task

ACCOUNTS = json.loads(os.environ.get("BENCH_ACCOUNTS", "[]"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
#: requests per second each user makes in the open loop; 0: closed loop, no pause
PER_USER_RATE = float(os.environ.get("BENCH_PER_USER_RATE", "0"))
#: the requests a task makes where it is not one (locust paces tasks, not requests)
REQUESTS_OF_TASK = {"new_signal": 3}
_next_account = itertools.count()
USERS = int(os.environ.get("BENCH_USERS", "1"))
RUN_SECONDS = float(os.environ.get("BENCH_RUN_SECONDS", "60"))
_samples: list[tuple[float, float, bool]] = []
_signed_in = itertools.count(1)
_all_signed_in = Event()
_released: list[float] = []
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any, **kwargs: Any) -> None:
    if _all_signed_in.is_set() and name != "sign-in":
        _samples.append((time.time(), response_time, exception is None))


@events.quitting.add_listener
def _write(**kwargs: Any) -> None:
    with open(os.environ["BENCH_SAMPLES"], "w") as out:
        out.write(json.dumps({"released": _released[0] if _released else None}) + "\n")
        out.writelines(json.dumps(sample) + "\n" for sample in _samples)


def _ready(user: FastHttpUser) -> None:
    """Wait until every user has signed in; the last one starts the clock."""
    if next(_signed_in) == USERS:
        _released.append(time.time())
        _all_signed_in.set()
        gevent.spawn_later(RUN_SECONDS, user.environment.runner.quit)
    _all_signed_in.wait()


class SponaUser(FastHttpUser):
    def on_start(self) -> None:
        account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        form = self.client.get("/accounts/sign-in/", name="sign-in").text
        self.client.post(
            "/accounts/sign-in/",
            data={
                "csrfmiddlewaretoken": _CSRF.search(form)[1],
                "username": account["username"],
                "password": PASSWORD,
            },
            name="sign-in",
        )
        form = self.client.get("/accounts/sign-in/verify/", name="sign-in").text
        with self.client.post(
            "/accounts/sign-in/verify/",
            data={
                "csrfmiddlewaretoken": _CSRF.search(form)[1],
                "code": pyotp.TOTP(account["secret"]).now(),
            },
            name="sign-in",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure("sign-in refused")
                raise RuntimeError(f"{account['username']} could not sign in")
        cases = self.client.get("/cases/", name="sign-in").text
        waves = self.client.get("/surveys/", name="sign-in").text
        self.case = re.search(r'href="/cases/([A-Za-z0-9-]+)/"', cases)[1]
        self.wave = re.search(r'href="/surveys/(\d+)/"', waves)[1]
        _ready(self)

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(2)
    def person_list(self) -> None:
        self.client.get("/people/", name="person list")

    @task(2)
    def case_list(self) -> None:
        self.client.get("/cases/", name="case list")

    @task(2)
    def case(self) -> None:
        self.client.get(f"/cases/{self.case}/", name="case")

    @task(1)
    def risk_map(self) -> None:
        self.client.get("/prevention/", name="risk map")

    @task(1)
    def survey_results(self) -> None:
        self.client.get(f"/surveys/{self.wave}/", name="survey results")

    @task(2)
    def api_signals(self) -> None:
        self.client.get("/api/v1/signals/", name="API signals")

    @task(1)
    def new_signal(self) -> None:
        form = self.client.get("/signals/new/", name="new signal form").text
        municipality = re.search(r'name="municipality" value="([^"]+)"', form)[1]
        sent = self.client.post(
            "/signals/new/",
            data={
                "csrfmiddlewaretoken": _CSRF.search(form)[1],
                "what_seen": "Дете проси испред продавнице",
                "municipality": municipality,
                "urgency": "normal",
                "child_involved": "yes",
            },
            name="new signal",
            allow_redirects=False,
        )
        self.client.get(sent.headers["Location"], name="signal")


class BareUser(FastHttpUser):
    def on_start(self) -> None:
        _ready(self)

    @task
    def page(self) -> None:
        self.client.get("/", name="bare page")


def _paced(user: type[FastHttpUser]) -> None:
    """The user's pause: none in the closed loop; in the open loop, tasks at the rate that
    makes ``PER_USER_RATE`` requests a second, given how many requests its tasks make on
    average (each task is listed once per unit of its weight)."""
    if not PER_USER_RATE:
        user.wait_time = constant(0)
        return
    made = [REQUESTS_OF_TASK.get(getattr(t, "__name__", ""), 1) for t in user.tasks]
    user.wait_time = constant_throughput(PER_USER_RATE * len(made) / sum(made))


for _user in (SponaUser, BareUser):
    _paced(_user)
