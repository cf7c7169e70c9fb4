"""Backups: one encrypted archive with the database, the uploaded files and the schema version.

The archive is a tar file encrypted with AES-256-GCM under ``BACKUP_KEY``, a key of its own
(not the field keys: whoever holds the backups and their key still cannot read a live
database, and losing a field key does not lose the backups). Inside:

- ``manifest.json``: format, time, database vendor, the applied migrations (the schema
  version), every table's row count, and a checksum of the content *decrypted* through the
  models, so that a restore proves the field keys still open the data;
- ``database``: ``pg_dump --format=custom`` for PostgreSQL, a copy made with SQLite's own
  backup API for SQLite (consistent while the app runs);
- ``files/``: the uploaded files (``MEDIA_ROOT``).

A restore goes only into an empty database, and checks row counts and the content checksum
before it reports success.
"""

import base64
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MAGIC = b"SPONA-BACKUP-1\n"
_NONCE = 12
_TAG = 16
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# Encryption ---------------------------------------------------------------------------


def _key() -> bytes:
    if not settings.BACKUP_KEY:
        raise BackupError(
            "Set BACKUP_KEY (or BACKUP_KEY_FILE) to a key of its own: "
            'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
        )
    try:
        key = base64.urlsafe_b64decode(settings.BACKUP_KEY)
    except ValueError as error:
        raise BackupError("BACKUP_KEY is not a base64 key of 32 bytes.") from error
    if len(key) != 32:
        raise BackupError("BACKUP_KEY is not a base64 key of 32 bytes.")
    return key


def encrypt_file(source: Path, target: Path) -> None:
    nonce = os.urandom(_NONCE)
    encryptor = Cipher(algorithms.AES(_key()), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(MAGIC)
    with source.open("rb") as plain, _private(target) as out:
        out.write(MAGIC + nonce)
        while chunk := plain.read(_CHUNK):
            out.write(encryptor.update(chunk))
        out.write(encryptor.finalize() + encryptor.tag)


def decrypt_file(source: Path, target: Path) -> None:
    """Decrypt ``source`` into ``target``; raises BackupError (and leaves nothing) when the
    key is wrong or a single byte of the archive changed."""
    size = source.stat().st_size
    with source.open("rb") as sealed:
        if sealed.read(len(MAGIC)) != MAGIC:
            raise BackupError(f"{source} is not a Spona backup.")
        nonce = sealed.read(_NONCE)
        sealed.seek(size - _TAG)
        tag = sealed.read(_TAG)
        sealed.seek(len(MAGIC) + _NONCE)
        decryptor = Cipher(algorithms.AES(_key()), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(MAGIC)
        remaining = size - len(MAGIC) - _NONCE - _TAG
        with _private(target) as out:
            while remaining > 0:
                chunk = sealed.read(min(_CHUNK, remaining))
                remaining -= len(chunk)
                out.write(decryptor.update(chunk))
            try:
                out.write(decryptor.finalize())
            except InvalidTag as error:
                out.close()
                target.unlink()
                raise BackupError(
                    "The backup cannot be opened: the BACKUP_KEY is not the one it was made "
                    "with, or the file was damaged."
                ) from error


@contextmanager
def _private(path: Path) -> Iterator[io.BufferedWriter]:
    """A new file only its owner can read."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        yield handle


# What is in the database --------------------------------------------------------------


def row_counts() -> dict[str, int]:
    """Every table's row count (Django's own tables included)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - a table name
            counts[table] = cursor.fetchone()[0]
    return counts


def content_digest() -> str:
    """SHA-256 over every model's rows as the models read them (encrypted fields decrypted),
    in primary-key order: equal only if the data came back and the keys still open it."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(include_auto_created=True), key=lambda m: m._meta.label):
        if not model._meta.managed or model._meta.proxy:
            continue
        columns = [field.attname for field in model._meta.concrete_fields]
        digest.update(model._meta.label.encode())
        rows = model._base_manager.order_by("pk").values_list(*columns)
        for row in rows.iterator(chunk_size=2000):
            digest.update(repr([_stable(value) for value in row]).encode())
    return digest.hexdigest()


def _stable(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def applied_migrations() -> list[str]:
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


def known_migrations() -> set[str]:
    return {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}


# Backup -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    format: int
    created_at: str
    vendor: str
    migrations: list[str]
    row_counts: dict[str, int]
    content_sha256: str
    files: int


def backup(target: Path) -> Manifest:
    """Write the encrypted archive to ``target`` (a new file)."""
    if target.exists():
        raise BackupError(f"{target} exists already; a backup never overwrites a file.")
    _key()  # fail before the work, not after it
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".spona-backup-") as work:
        folder = Path(work)
        _dump_database(folder / "database")
        media = Path(settings.MEDIA_ROOT)
        files = [p for p in media.rglob("*") if p.is_file()] if media.is_dir() else []
        manifest = Manifest(
            format=FORMAT,
            created_at=timezone.now().isoformat(),
            vendor=connection.vendor,
            migrations=applied_migrations(),
            row_counts=row_counts(),
            content_sha256=content_digest(),
            files=len(files),
        )
        (folder / "manifest.json").write_text(json.dumps(manifest.__dict__, indent=1))
        archive = folder / "archive.tar"
        with tarfile.open(archive, "w") as tar:
            tar.add(folder / "manifest.json", "manifest.json")
            tar.add(folder / "database", "database")
            for path in files:
                tar.add(path, f"files/{path.relative_to(media)}")
        encrypt_file(archive, target)
    return manifest


def _dump_database(path: Path) -> None:
    if connection.vendor == "postgresql":
        _run_pg(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"])
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def _run_pg(command: list[str]) -> None:
    db = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": str(db.get("HOST") or ""),
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": str(db.get("USER") or ""),
        "PGPASSWORD": str(db.get("PASSWORD") or ""),
        "PGDATABASE": str(db["NAME"]),
    }
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


# Restore ------------------------------------------------------------------------------


def restore(source: Path) -> Manifest:
    """Bring the archive back into this installation's empty database and ``MEDIA_ROOT``;
    returns the manifest once the row counts and the content checksum match it."""
    with connection.cursor() as cursor:
        if connection.introspection.table_names(cursor):
            raise BackupError(
                "The database is not empty. Restore into a new, empty database (and point "
                "DATABASE_URL at it)."
            )
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(media.iterdir()):
        raise BackupError(f"The upload folder {media} is not empty.")
    with tempfile.TemporaryDirectory(prefix=".spona-restore-") as work:
        folder = Path(work)
        decrypt_file(source, folder / "archive.tar")
        with tarfile.open(folder / "archive.tar") as tar:
            tar.extractall(folder / "content", filter="data")
        content = folder / "content"
        manifest = Manifest(**json.loads((content / "manifest.json").read_text()))
        _check_compatible(manifest)
        _load_database(content / "database")
        if (content / "files").is_dir():
            shutil.copytree(content / "files", media, dirs_exist_ok=True)
    _check_restored(manifest)
    return manifest


def _check_compatible(manifest: Manifest) -> None:
    if manifest.format != FORMAT:
        raise BackupError(f"Backup format {manifest.format} is not known to this Spona.")
    if manifest.vendor != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest.vendor} database; it restores only into one."
        )
    newer = set(manifest.migrations) - known_migrations()
    if newer:
        raise BackupError(
            "The backup was made by a newer Spona (unknown migrations: "
            f"{', '.join(sorted(newer))}); install that version first."
        )


def _load_database(dump: Path) -> None:
    if connection.vendor == "postgresql":
        _run_pg(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(dump),
            ]
        )
    else:
        connection.close()
        with sqlite3.connect(dump) as copy, sqlite3.connect(connection.settings_dict["NAME"]) as db:
            copy.backup(db)
        copy.close()
        db.close()


def _check_restored(manifest: Manifest) -> None:
    connection.close()  # see what is on disk now, not what a connection cached
    counts = row_counts()
    if counts != manifest.row_counts:
        differing = sorted(
            t
            for t in counts.keys() | manifest.row_counts.keys()
            if counts.get(t) != manifest.row_counts.get(t)
        )
        raise BackupError(f"Row counts differ from the backup's in: {', '.join(differing)}.")
    try:
        digest = content_digest()
    except Exception as error:  # InvalidToken and its kin: the field keys do not fit
        raise BackupError(
            "The data came back but cannot be decrypted: FIELD_ENCRYPTION_KEYS must hold the "
            "key the data was encrypted with."
        ) from error
    if digest != manifest.content_sha256:
        raise BackupError("The restored content differs from the backup's checksum.")


def pending_migrations(manifest: Manifest) -> list[str]:
    """Migrations this code has that the backup's schema had not applied yet."""
    return sorted(known_migrations() - set(manifest.migrations))
