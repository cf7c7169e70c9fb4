"""Encrypted model fields and the keyed hash (blind index) for exact-match lookups.

Keys come from ``FIELD_ENCRYPTION_KEYS`` (newest first) and ``BLIND_INDEX_KEY``, never
from ``SECRET_KEY``. ``''`` stays ``''`` (encrypted), ``None`` stays ``NULL``.
"""

import hashlib
import hmac
from typing import Any

from cryptography.fernet import MultiFernet
from django import forms
from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from spona.core.keys import multifernet
from spona.core.translit import fold


def cipher() -> MultiFernet:
    return multifernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return cipher().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    return cipher().decrypt(token.encode()).decode()


def blind_index(value: str) -> str:
    """HMAC-SHA256 of the folded value: equal for the same name in either script."""
    key = settings.BLIND_INDEX_KEY.encode()
    return hmac.new(key, fold(value).encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField[str, str]):
    """Text stored as a Fernet token. Not searchable: pair it with a blind index."""

    description = "Text encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(str(value))

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        return None if value is None else decrypt(value)

    def formfield(self, **kwargs: Any) -> Any:
        """A one-line input: most encrypted values are names and places. Long texts set a
        ``Textarea`` in their form."""
        return super().formfield(**{"widget": forms.TextInput, **kwargs})

    def get_lookup(self, lookup_name: str) -> Any:
        """Only ``isnull``: comparing ciphertexts would silently never match."""
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None


def encrypted_fields(model: type[models.Model]) -> list[str]:
    """Names of the model's encrypted fields (used by key rotation)."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
