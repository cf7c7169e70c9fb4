"""Load: Spona under Gunicorn (``spona serve``) on PostgreSQL, beside a bare Django page
under the same server on the same machine in the same run (the framework's ceiling).

    .venv/bin/python bench/load.py [--setup] [--users 50] [--rate 100] [--duration 40]

Only 127.0.0.1 is targeted; every phase is bounded in time. Locust (bench/load_users.py)
drives two workloads against each target:

- closed loop: ``--users`` users, each sending its next request as soon as the last one is
  answered (no think time): the most the server gives;
- open loop: requests arriving at ``--rate`` per second in all (each user paced at
  rate/users per second, so the arrival rate holds while answers stay under a second).

Spona's users sign in through the real forms (password, then the authenticator code) and
mix home, person and case lists, a case, the risk map, survey results, the API and new
signals (bench/load_users.py). The clock starts once every user has signed in; its first
``--warmup`` seconds (warm caches, settling) are not counted. Printed per target and workload: requests, errors, requests/s and the
p50/p95/p99 milliseconds, and Spona's share of the bare page's requests/s; beneath each, the
CPU milliseconds a request that the server's processes, PostgreSQL's sessions of the bench
database and Locust used inside the measured window (bench/processcpu.py, read from
``/proc``): unlike requests/s, a figure that holds when other work shares the machine.

``--setup`` (automatic on the first run) makes the database ``spona_bench_load`` with the
demo data and 50 bench users (bench/loadsetup.py); bench/pages.py profiles single pages.
"""

import sys
from pathlib import Path

# This folder holds bench/statistics.py, named as the standard library's module: take the
# folder off the path (Python puts a script's folder first) before anything imports
# ``statistics``, and put the project there.
sys.path.pop(0)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass

from bench import loadsetup, processcpu

ROOT = loadsetup.ROOT
PORT = 8790
SIGN_IN_BUDGET = 180  # seconds the users may take to sign in before the clock starts


@dataclass(frozen=True)
class Result:
    target: str
    workload: str
    requests: int
    errors: int
    per_second: float
    p50: float
    p95: float
    p99: float
    #: CPU milliseconds a request inside the window: the server's processes, PostgreSQL's
    #: sessions of the bench database, Locust's
    cpu_ms: dict[str, float]


def start_server(target: str, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**loadsetup.environment(), "WEB_CONCURRENCY": str(workers)}
    if target == "bare":
        command = ["-m", "gunicorn", "--config", "python:spona.ops.gunicorn_conf"]
        command += ["--bind", f"127.0.0.1:{PORT}", "bench.bare_app:application"]
    else:
        command = ["-m", "spona.cli", "serve", "--port", str(PORT)]
    with log.open("ab") as out:
        server = subprocess.Popen(  # noqa: S603 - our own server
            [sys.executable, *command], env=env, cwd=ROOT, stdout=out, stderr=out
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=2):
                return server
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP answer (a redirect to sign in): up
                return server
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"the {target} server did not start; see {log}")


def run_locust(
    user_class: str, users: int, rate: float, warmup: int, duration: int, server: int
) -> Result:
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as samples:
        path = Path(samples.name)
    env = {
        **os.environ,
        "BENCH_SAMPLES": str(path),
        "BENCH_ACCOUNTS": json.dumps(loadsetup.users()),
        "BENCH_PASSWORD": loadsetup.PASSWORD,
        "BENCH_PER_USER_RATE": str(rate / users if rate else 0),
        "BENCH_USERS": str(users),
        "BENCH_RUN_SECONDS": str(warmup + duration),
    }
    groups = {
        "server": processcpu.process_tree(server),
        "PostgreSQL": processcpu.command_contains("postgres:", f" {loadsetup.DATABASE} "),
        "Locust": processcpu.command_contains("locust", "load_users.py"),
    }
    with processcpu.Sampler(groups) as sampler:
        locust = _locust(user_class, users, warmup, duration, env)
    first, *lines = path.read_text().splitlines() or ["{}"]
    path.unlink()
    released = json.loads(first).get("released")
    if released is None:
        raise SystemExit(f"the users did not all sign in:\n{locust.stderr[-3000:]}")
    window = (released + warmup, released + warmup + duration)
    counted = [json.loads(line) for line in lines]
    inside = [(ms, ok) for end, ms, ok in counted if window[0] <= end < window[1]]
    times = sorted(ms for ms, _ in inside)
    if not times:
        raise SystemExit(f"no request answered in the measured window:\n{locust.stderr[-3000:]}")

    def pct(p: float) -> float:
        return times[min(len(times) - 1, int(p * len(times)))]

    used = sampler.used(*window)
    return Result(
        target="",
        workload="",
        requests=len(inside),
        errors=sum(1 for _, ok in inside if not ok),
        per_second=len(inside) / duration,
        p50=statistics.median(times),
        p95=pct(0.95),
        p99=pct(0.99),
        cpu_ms={name: 1000 * seconds / len(inside) for name, seconds in used.items()},
    )


def _locust(
    user_class: str, users: int, warmup: int, duration: int, env: dict[str, str]
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603 - locust against our own server on 127.0.0.1
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "load_users.py"),
            user_class,
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{SIGN_IN_BUDGET + warmup + duration}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--only-summary",
            "--loglevel",
            "ERROR",
            "--stop-timeout",
            "5",
        ],
        env=env,
        cwd=ROOT,
        check=False,
        capture_output=True,
        timeout=SIGN_IN_BUDGET + warmup + duration + 120,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="make the bench database anew")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rate", type=float, default=100, help="open-loop requests/s")
    parser.add_argument("--duration", type=int, default=40, help="measured seconds per phase")
    parser.add_argument("--warmup", type=int, default=5, help="seconds not counted")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--targets", default="bare,spona")
    args = parser.parse_args()
    if args.setup or not loadsetup.USERS_FILE.exists():
        print("setting up spona_bench_load (demo data, bench users)...", flush=True)
        loadsetup.create(max(args.users, 50))
    log = ROOT / "var" / "bench-load-server.log"
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}; Gunicorn {args.workers} sync workers; PostgreSQL; "
        f"{args.users} users; {args.warmup} s warm-up, {args.duration} s measured per phase",
        flush=True,
    )
    results: list[Result] = []
    for target in args.targets.split(","):
        user_class = "BareUser" if target == "bare" else "SponaUser"
        server = start_server(target, args.workers, log)
        try:
            for workload, rate in (("closed loop", 0.0), (f"open {args.rate:g}/s", args.rate)):
                result = run_locust(
                    user_class, args.users, rate, args.warmup, args.duration, server.pid
                )
                results.append(Result(target, workload, *list(result.__dict__.values())[2:]))
                print_result(results[-1])
        finally:
            server.terminate()
            server.wait(timeout=60)
    ceiling = {r.workload: r.per_second for r in results if r.target == "bare"}
    for r in results:
        if r.target == "spona" and r.workload in ceiling and r.workload == "closed loop":
            print(
                f"Spona closed loop: {r.per_second:.0f} requests/s = "
                f"{100 * r.per_second / ceiling[r.workload]:.0f} % of the bare page's "
                f"{ceiling[r.workload]:.0f}"
            )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


def print_result(r: Result) -> None:
    print(
        f"{r.target:6} {r.workload:12} {r.requests:7d} requests {r.errors:5d} errors "
        f"{r.per_second:7.1f}/s  p50 {r.p50:6.1f} ms  p95 {r.p95:6.1f} ms  p99 {r.p99:6.1f} ms",
        flush=True,
    )
    if r.cpu_ms:
        shares = ", ".join(f"{name} {ms:.2f}" for name, ms in r.cpu_ms.items())
        print(f"{'':6} {'':12} CPU ms a request: {shares}", flush=True)


if __name__ == "__main__":
    main()
