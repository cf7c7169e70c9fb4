"""How fast each Python interpreter runs the kind of work a Spona request is made of: objects
made and their methods called, small dictionaries, strings (docs/deploy.md, "The Python
interpreter"). The same loop runs under every interpreter named; each prints its best of 7
runs in CPU milliseconds, and the ratio to the first.

    .venv/bin/python bench/interpreter.py /usr/bin/python3.11 .venv/bin/python

Runs with any Python 3.8 or newer (it imports nothing from Spona), so an interpreter too old
for Spona can still be compared.
"""

import subprocess
import sys
import time

LOOP = 200_000
REPEATS = 7


class _Row:
    def __init__(self, value: int) -> None:
        self.value = value

    def plus(self, other: int) -> int:
        return self.value + other


def _work() -> int:
    total = 0
    for i in range(LOOP):
        row = _Row(i)
        total += row.plus(i)
        fields = {"key": i, "shown": str(i)}
        total += len(fields["shown"])
    return total


def best_cpu_ms() -> float:
    runs = []
    for _ in range(REPEATS):
        started = time.process_time()
        _work()
        runs.append(time.process_time() - started)
    return min(runs) * 1000


def main() -> None:
    if len(sys.argv) == 2 and sys.argv[1] == "--one":
        print(f"{best_cpu_ms():.1f}")
        return
    interpreters = sys.argv[1:] or [sys.executable]
    first = None
    for interpreter in interpreters:
        done = subprocess.run(  # noqa: S603 - interpreters named by the one who runs the bench
            [interpreter, __file__, "--one"], capture_output=True, text=True, check=True
        )
        ms = float(done.stdout)
        first = first or ms
        version = subprocess.run(  # noqa: S603
            [interpreter, "-c", "import sys; print(sys.version.split()[0])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(f"{interpreter} (Python {version}): {ms:.1f} ms, {ms / first:.2f}× the first")


if __name__ == "__main__":
    main()
