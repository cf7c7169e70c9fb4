"""A PostgreSQL cluster of the test's own (``initdb`` in a temporary folder, another port),
for drills that stop the database: the machine's shared server on 5432 is never touched."""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ops.processes import free_port


def _bin() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    return Path(found[-1]).parent if found else None


@dataclass
class Cluster:
    bin: Path
    data: Path
    port: int
    run_as: list[str]

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/spona"

    def _ctl(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - PostgreSQL's own tools
            [*self.run_as, str(self.bin / "pg_ctl"), "-D", str(self.data), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-o", options, "-l", str(self.data / "server.log"), "-w", "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "-w", "stop")


@contextmanager
def throwaway_postgresql() -> Iterator[Cluster]:
    """A running cluster with an empty database ``spona``; removed afterwards."""
    bin_dir = _bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL's server programs are not installed (/usr/lib/postgresql)")
    run_as: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="spona-drill-pg-"))
    if os.geteuid() == 0:  # initdb refuses root: run the cluster as the postgres user
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    cluster = Cluster(bin=bin_dir, data=folder / "data", port=free_port(), run_as=run_as)
    try:
        subprocess.run(  # noqa: S603
            [
                *run_as,
                str(bin_dir / "initdb"),
                "-D",
                str(cluster.data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        cluster.start()
        subprocess.run(  # noqa: S603
            [
                str(bin_dir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(cluster.port),
                "-U",
                "postgres",
                "spona",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield cluster
    finally:
        subprocess.run(  # noqa: S603
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(cluster.data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)
