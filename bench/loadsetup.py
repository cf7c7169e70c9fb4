"""The installation that bench/load.py and bench/pages.py measure: a PostgreSQL database of
its own (``spona_bench_load``, or ``BENCH_DATABASE``) with the demo data and 50 extra signed-up users (case managers
and supervisors of the demo municipalities' social welfare centres, each with an
authenticator), production-like settings (DEBUG off, Argon2, Redis cache, persistent
connections) and fixed keys kept in ``var/bench-load.env`` so a later run can reuse it.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = ROOT / "var" / "bench-load.env"
USERS_FILE = ROOT / "var" / "bench-load-users.json"
DATABASE = os.environ.get("BENCH_DATABASE", "spona_bench_load")
PG = "postgres://postgres@127.0.0.1:5432"
REDIS = "rediscache://127.0.0.1:6379/14"
PASSWORD = "bench-load-password-2026"  # noqa: S105 - the bench users' password

MAKE_USERS = """
import json, sys, django
django.setup()
import pyotp
from django.utils import timezone
from spona.accounts.models import Role, TOTPDevice, User
from spona.institutions.models import Institution, InstitutionType
centres = list(Institution.objects.filter(type=InstitutionType.SOCIAL_WELFARE).order_by("pk"))
made = []
for i in range(int(sys.argv[1])):
    role = Role.SUPERVISOR if i % 5 == 0 else Role.CASE_MANAGER
    user = User.objects.create_user(
        username=f"bench{i:03d}", password=sys.argv[2], role=role, institution=centres[i % len(centres)]
    )
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    made.append({"username": user.username, "secret": secret})
print(json.dumps(made))
"""


def environment() -> dict[str, str]:
    """The environment of every process of the benchmarked installation."""
    if not ENV_FILE.exists():
        from cryptography.fernet import Fernet

        ENV_FILE.parent.mkdir(exist_ok=True)
        ENV_FILE.write_text(
            f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
            f"FIELD_ENCRYPTION_KEYS={Fernet.generate_key().decode()}\n"
            f"BLIND_INDEX_KEY={secrets.token_urlsafe(32)}\n"
        )
    keys = dict(line.split("=", 1) for line in ENV_FILE.read_text().split())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPONA_", "DATABASE_"))}
    env.update(keys)
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "spona.settings",
            "SPONA_ENV_FILE": os.devnull,
            # test mode: DEBUG off and no HTTPS redirect, so the bench can speak plain HTTP
            # on 127.0.0.1; everything else as in production
            "SPONA_MODE": "test",
            "SPONA_DEMO": "true",
            "DATABASE_URL": f"{PG}/{DATABASE}",
            "CACHE_URL": REDIS,
            # the bench's few users make many API calls; the per-user limit is not measured
            "API_RATE_USER": "100000/minute",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def spona(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "spona.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"spona {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def create(users: int) -> None:
    """A fresh database with the demo data and ``users`` bench users."""
    for command in (["dropdb", "--if-exists"], ["createdb"]):
        subprocess.run(  # noqa: S603
            [*command, "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True
        )
    env = environment()
    spona("demo", env=env)
    made = subprocess.run(  # noqa: S603
        [sys.executable, "-c", MAKE_USERS, str(users), PASSWORD],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    USERS_FILE.write_text(made.stdout)


def users() -> list[dict[str, str]]:
    return list(json.loads(USERS_FILE.read_text()))
