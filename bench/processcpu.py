"""CPU seconds used by groups of this machine's processes, sampled through a run.

bench/load.py reads how much CPU the application server, PostgreSQL and Locust used inside
the measured window and divides it by the requests answered there: milliseconds of CPU a
request, a figure that holds when other work shares the machine (requests/s and latency do
not). Read from ``/proc`` (Linux only; elsewhere nothing is sampled).
"""

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PROC = Path("/proc")


def _processes() -> dict[int, tuple[int, str, float]]:
    """Each process: its parent, its command line and its CPU seconds (user and system)."""
    found = {}
    for entry in PROC.iterdir() if PROC.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        # after the name: state ppid ... utime (14th field of the line), stime (15th), and
        # cutime, cstime (16th, 17th): the CPU of the children it has reaped, so that a
        # worker the server replaced (Gunicorn's max_requests) keeps its share in the group
        found[int(entry.name)] = (
            int(fields[1]),
            command,
            sum(int(field) for field in fields[11:15]) / TICKS,
        )
    return found


def _descends(pid: int, root: int, processes: dict[int, tuple[int, str, float]]) -> bool:
    while pid > 1:
        if pid == root:
            return True
        pid = processes[pid][0] if pid in processes else 0
    return False


Group = Callable[[int, str, dict[int, tuple[int, str, float]]], bool]


def process_tree(root: int) -> Group:
    """``root`` and every process under it (an app server's master and its workers)."""
    return lambda pid, _command, processes: _descends(pid, root, processes)


def command_contains(*words: str) -> Group:
    """Processes whose command line holds all of ``words`` (``postgres:`` and a database's
    name: that database's sessions)."""
    return lambda _pid, command, _processes: all(word in command for word in words)


class Sampler:
    """Samples the CPU seconds of named groups every ``interval`` seconds in a thread.

    A process that ends is counted by the parent that reaps it (its children's CPU): a
    Gunicorn worker replaced after ``max_requests`` stays in the server's group, whose
    master reaps it. A process whose parent is outside its group (a PostgreSQL session,
    reaped by the postmaster) takes the CPU it used since the last sample with it; the
    sessions of a persistent-connection pool live through the run."""

    def __init__(self, groups: dict[str, Group], interval: float = 0.5) -> None:
        self.groups = groups
        self.interval = interval
        self.samples: list[tuple[float, dict[str, float]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "Sampler":
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.samples.append((time.time(), self._reading()))
            if self._stop.wait(self.interval):
                self.samples.append((time.time(), self._reading()))
                return

    def _reading(self) -> dict[str, float]:
        processes = _processes()
        return {
            name: sum(
                cpu
                for pid, (_parent, command, cpu) in processes.items()
                if belongs(pid, command, processes)
            )
            for name, belongs in self.groups.items()
        }

    def used(self, start: float, end: float) -> dict[str, float]:
        """CPU seconds each group used between ``start`` and ``end`` (epoch seconds), read
        from the samples nearest inside the window and scaled to its length."""
        inside = [(at, reading) for at, reading in self.samples if start <= at <= end]
        if len(inside) < 2:
            return {}
        (first_at, first), (last_at, last) = inside[0], inside[-1]
        scale = (end - start) / (last_at - first_at)
        return {name: max(0.0, last[name] - first[name]) * scale for name in self.groups}
