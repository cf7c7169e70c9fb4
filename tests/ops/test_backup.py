"""``spona backup`` and ``spona restore``: a round trip on the database the suite runs on
(SQLite, and PostgreSQL in CI's second pass), into an empty database of the same kind;
then ``spona audit verify`` passes, and every table's row count and the checksum of the
decrypted content equal the original's."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from spona.ops.backup import content_digest, row_counts
from tests.ops.processes import ROOT, database_url, spona, spona_env

pytestmark = pytest.mark.django_db(transaction=True)

BACKUP_KEY = Fernet.generate_key().decode()
MEASURE = (
    "import json, django; django.setup(); "
    "from spona.ops.backup import content_digest, row_counts; "
    "rows = row_counts(); "
    "print(json.dumps({'rows': rows, 'content': content_digest() if rows else None}))"
)


@pytest.fixture
def empty_database(tmp_path: Path) -> str:
    """The URL of a new, empty database of the kind the suite runs on."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"spona_restore_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    yield database_url({**connection.settings_dict, "NAME": name})
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def made_backup(world, settings, tmp_path: Path) -> Path:
    """A backup of the test world (people, cases, conferences, surveys, audit events) and
    of one uploaded file."""
    settings.BACKUP_KEY = BACKUP_KEY
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "imports").mkdir(parents=True)
    (settings.MEDIA_ROOT / "imports" / "counts.csv").write_bytes(b"a,b\n1,2\n")
    archive = tmp_path / "spona.backup"
    call_command("backup", output=archive, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return archive


def restored_env(url: str, tmp_path: Path, key: str = BACKUP_KEY) -> dict[str, str]:
    return spona_env(DATABASE_URL=url, BACKUP_KEY=key, MEDIA_ROOT=str(tmp_path / "restored-media"))


def test_a_backup_restores_whole_into_an_empty_database(
    made_backup, empty_database, tmp_path
) -> None:
    original = {"rows": row_counts(), "content": content_digest()}
    assert original["rows"]["people_person"] > 0
    assert original["rows"]["audit_auditevent"] > 0
    env = restored_env(empty_database, tmp_path)

    restored = spona("restore", str(made_backup), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "row counts and decrypted content as backed up" in restored.stdout

    verified = spona("audit", "verify", env=env)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("audit log intact")
    measured = _measure(env)
    assert measured == original
    assert (tmp_path / "restored-media" / "imports" / "counts.csv").read_bytes() == b"a,b\n1,2\n"


def test_the_archive_is_encrypted_and_refused_when_damaged_or_with_another_key(
    made_backup, empty_database, tmp_path
) -> None:
    sealed = made_backup.read_bytes()
    assert b"people_person" not in sealed
    assert b"audit_auditevent" not in sealed
    assert made_backup.stat().st_mode & 0o077 == 0  # only its owner may read it

    other_key = spona(
        "restore",
        str(made_backup),
        env=restored_env(empty_database, tmp_path, Fernet.generate_key().decode()),
    )
    assert other_key.returncode != 0
    assert (
        "the BACKUP_KEY is not the one it was made with, or the file was damaged"
        in other_key.stderr
    )

    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(sealed[:1000] + bytes([sealed[1000] ^ 1]) + sealed[1001:])
    refused = spona("restore", str(damaged), env=restored_env(empty_database, tmp_path))
    assert refused.returncode != 0
    assert "the file was damaged" in refused.stderr
    assert _measure(restored_env(empty_database, tmp_path))["rows"] == {}  # nothing written


def test_a_restore_refuses_a_database_that_is_not_empty(made_backup, tmp_path) -> None:
    refused = spona(
        "restore", str(made_backup), env=restored_env(database_url_of_this_test(), tmp_path)
    )
    assert refused.returncode != 0
    assert "The database is not empty" in refused.stderr


def database_url_of_this_test() -> str:
    if connection.vendor == "sqlite":
        pytest.skip("the suite's SQLite database lives in this process's memory")
    return database_url()


def _measure(env: dict[str, str]) -> dict[str, object]:
    """Row counts and content checksum of the database ``env`` points at, measured by a
    process of its own."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", MEASURE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
