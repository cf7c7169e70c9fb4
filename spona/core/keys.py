"""Key material: generation for a new installation, and the ciphers built from settings."""

import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet


def generate_keys() -> tuple[str, list[str], str]:
    """A fresh (SECRET_KEY, FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY) triple."""
    return secrets.token_urlsafe(50), [Fernet.generate_key().decode()], secrets.token_urlsafe(32)


@lru_cache(maxsize=8)
def multifernet(keys: tuple[str, ...]) -> MultiFernet:
    """The cipher for a key list: encrypts with the first key, decrypts with any."""
    return MultiFernet([Fernet(key.encode()) for key in keys])


def write_development_env(path: str) -> None:
    """A ``.env`` for a development or demo machine, with fresh random keys (never commit it)."""
    secret_key, field_keys, blind_key = generate_keys()
    lines = [
        "# Written by `make run` for development and demo use. Never commit this file.",
        "SPONA_MODE=development",
        "SPONA_DEMO=true",
        f"SECRET_KEY={secret_key}",
        f"FIELD_ENCRYPTION_KEYS={','.join(field_keys)}",
        f"BLIND_INDEX_KEY={blind_key}",
    ]
    with open(path, "x", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
