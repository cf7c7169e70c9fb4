"""Where a request's time goes: each page of the load mix (bench/load.py), requested in
this process through Django's test client by a bench user signed in through the real
forms, against the benchmark database (bench/loadsetup.py; run bench/load.py once first).

    .venv/bin/python bench/pages.py [--repeats 50] [--profile PAGE]

Prints per page the median and p95 milliseconds, the median CPU milliseconds of this
process (Python's share, whatever else the machine runs) and the SQL queries per request; with
``--profile`` the 20 functions with the most time of their own for that page, and
Spona's 40 functions with the most cumulative time.
"""

import sys
from pathlib import Path

# This folder holds bench/statistics.py, named as the standard library's module: take the
# folder off the path (Python puts a script's folder first) before anything imports
# ``statistics``, and put the project there.
sys.path.pop(0)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import cProfile
import os
import pstats
import re
import statistics
import time
from collections.abc import Callable

from bench import loadsetup

os.environ.update(loadsetup.environment())
os.environ["LOG_REQUESTS"] = "false"
import django

django.setup()

import pyotp  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SIGNAL = {"what_seen": "Дете проси испред продавнице", "urgency": "normal", "child_involved": "yes"}


def signed_in(account: dict[str, str]) -> Client:
    """A client signed in as ``account``; a code is valid once, so a second run within the
    same 30 seconds waits for the next code."""
    for _attempt in range(2):
        client = Client()
        client.post(
            "/accounts/sign-in/", {"username": account["username"], "password": loadsetup.PASSWORD}
        )
        code = pyotp.TOTP(account["secret"]).now()
        if client.post("/accounts/sign-in/verify/", {"code": code}).status_code == 302:
            return client
        time.sleep(30 - time.time() % 30 + 1)
    raise SystemExit(f"{account['username']} could not sign in")


def pages(client: Client) -> dict[str, Callable[[], int]]:
    case = re.search(r'href="/cases/([A-Za-z0-9-]+)/"', client.get("/cases/").content.decode())
    wave = re.search(r'href="/surveys/(\d+)/"', client.get("/surveys/").content.decode())
    if not (case and wave):
        raise SystemExit("the bench user sees no case or no survey wave")

    posted: list[str] = []  # the address of the last signal posted

    def new_signal() -> int:
        form = client.get("/signals/new/").content.decode()
        municipality = re.search(r'name="municipality" value="([^"]+)"', form)
        if not municipality:
            raise SystemExit("no municipality chosen in the signal form")
        sent = client.post("/signals/new/", {**SIGNAL, "municipality": municipality[1]})
        if "Location" not in sent.headers:
            raise SystemExit(f"the new signal was not accepted: HTTP {sent.status_code}")
        posted[:] = [sent.headers["Location"]]
        return sent.status_code

    def signal() -> int:
        """The page the new signal's post redirects to, as the load's task asks it next (a
        signal is posted first when this row runs alone)."""
        if not posted:
            new_signal()
        return client.get(posted[0]).status_code

    return {
        "home": lambda: client.get("/").status_code,
        "person list": lambda: client.get("/people/").status_code,
        "case list": lambda: client.get("/cases/").status_code,
        "case": lambda: client.get(f"/cases/{case[1]}/").status_code,
        "risk map": lambda: client.get("/prevention/").status_code,
        "survey results": lambda: client.get(f"/surveys/{wave[1]}/").status_code,
        "API signals": lambda: client.get("/api/v1/signals/").status_code,
        "new signal": new_signal,
        "signal": signal,
    }


def database_cpu_ms() -> float | None:
    """The CPU milliseconds PostgreSQL's server process for this connection has used so far
    (the kernel's count in nanoseconds, ``/proc/<pid>/schedstat``), or ``None`` where the
    server is not a process of this machine (SQLite, another host)."""
    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    try:
        with open(f"/proc/{connection.connection.info.backend_pid}/schedstat") as stat:
            return int(stat.read().split()[0]) / 1e6
    except OSError:
        return None


def python_calls(request: Callable[[], int]) -> int:
    """Python function calls in one request: a measure of its Python work that, unlike time,
    does not depend on what else the machine runs."""
    counter = cProfile.Profile()
    counter.runcall(request)
    return int(pstats.Stats(counter).total_calls)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--profile", help="a page name from the list")
    parser.add_argument("--account", type=int, default=1, help="which bench user (0-49)")
    args = parser.parse_args()
    client = signed_in(loadsetup.users()[args.account])
    for name, request in pages(client).items():
        if args.profile and name != args.profile:
            continue
        request()  # warm
        times, cpu, database, queries = [], [], [], []
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.repeats):
            with CaptureQueriesContext(connection) as captured:
                started_database = database_cpu_ms()
                started, started_cpu = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                status = request()
                if profiler:
                    profiler.disable()
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                if started_database is not None:
                    database.append((database_cpu_ms() or 0.0) - started_database)
            queries.append(len(captured))
            if status not in {200, 302}:
                raise SystemExit(f"{name}: HTTP {status}")
        times.sort()
        print(
            f"{name:16} median {statistics.median(times):6.1f} ms  "
            f"p95 {times[int(0.95 * (len(times) - 1))]:6.1f} ms  "
            f"CPU {statistics.median(cpu):5.1f} ms  "
            + (f"PostgreSQL CPU {statistics.median(database):4.2f} ms  " if database else "")
            + f"queries {statistics.median(queries):4.0f}  "
            f"calls {python_calls(request):7d}"
        )
        if profiler:
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(20)
            stats.sort_stats("cumulative").print_stats("spona/", 40)


if __name__ == "__main__":
    main()
