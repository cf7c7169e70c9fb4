"""Encrypted model fields and the keyed hash (blind index) for exact-match lookups.

Keys come from ``FIELD_ENCRYPTION_KEYS`` (newest first) and ``BLIND_INDEX_KEY``, never
from ``SECRET_KEY``. ``''`` is stored as ``''`` (not a token), ``None`` stays ``NULL``, every
other value is a Fernet token (docs/decisions.md, "Empty encrypted values stored empty").
"""

import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from typing import Any

from cryptography.fernet import InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from spona.core.keys import fernet_opener, multifernet
from spona.core.translit import fold


def cipher() -> MultiFernet:
    return multifernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    """A Fernet token of ``text``, but ``''`` for ``''``: most of a person's fields are empty,
    and opening their tokens was most of a duplicate check's decrypting."""
    return cipher().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    """The text of a token; ``''`` for ``''`` without opening anything. A token of ``''``
    (written before empties were stored empty) still opens, to ``''``."""
    if not token:
        return ""
    return decrypter()(token)


def decrypter() -> Callable[[str], str]:
    """``decrypt`` with the keys in force looked up once, for opening many tokens in a row
    (the batch duplicate scan opens millions: the settings lookup was a sixth of each)."""
    opener = fernet_opener(tuple(settings.FIELD_ENCRYPTION_KEYS))

    def opened(token: str) -> str:
        return opener.decrypt(token.encode()).decode() if token else ""

    return opened


def decrypt_all(tokens: Sequence[str]) -> list[str]:
    """``decrypt`` of each token, for opening many at once (the batch duplicate scan: a
    chunk's some 7,000): the keys looked up once and the AES work of all of them done in
    one call (``FernetOpener.decrypt_all``)."""
    opener = fernet_opener(tuple(settings.FIELD_ENCRYPTION_KEYS))
    texts = [""] * len(tokens)
    full = [i for i, token in enumerate(tokens) if token]  # most of a person's are empty
    for i, text in zip(full, opener.decrypt_all([tokens[i].encode() for i in full]), strict=True):
        texts[i] = text.decode()
    return texts


def blind_index(value: str) -> str:
    """HMAC-SHA256 of the folded value: equal for the same name in either script."""
    key = settings.BLIND_INDEX_KEY.encode()
    return hmac.new(key, fold(value).encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField[str, str]):
    """Text stored as a Fernet token (``''`` as ``''``, see :func:`encrypt`). Not searchable:
    pair it with a blind index."""

    description = "Text encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(str(value))

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        """The text; ``NULL`` and ``''`` as they are, without a call more (most values are
        empty: three of a signal's four)."""
        return decrypt(value) if value else value

    def formfield(self, **kwargs: Any) -> Any:
        """A one-line input: most encrypted values are names and places. Long texts set a
        ``Textarea`` in their form."""
        return super().formfield(**{"widget": forms.TextInput, **kwargs})

    def get_lookup(self, lookup_name: str) -> Any:
        """Only ``isnull``: comparing ciphertexts would silently never match."""
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None


class EncryptedJSONField(models.TextField[Any, Any]):
    """A JSON value (a snapshot, a history entry) stored as one Fernet token of its text.

    Always a token: a JSON text is never ``''`` (an empty dict or list is a shape worth
    hiding too), and these values are read one at a time, not on a hot path."""

    description = "JSON encrypted at rest"
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return encrypt(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> Any:
        return None if value is None else json.loads(decrypt(value))

    def to_python(self, value: Any) -> Any:
        return value

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder, ensure_ascii=False)

    def get_lookup(self, lookup_name: str) -> Any:
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None


ENCRYPTED_FIELD_TYPES = (EncryptedTextField, EncryptedJSONField)


def encrypted_fields(model: type[models.Model]) -> list[str]:
    """Names of the model's encrypted fields (used by key rotation)."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, ENCRYPTED_FIELD_TYPES)]


def encrypt_column(table: str, column: str) -> Callable[[Any, Any], None]:
    """A data migration step: encrypt the plain values of ``table.column`` in place (raw SQL,
    so that it runs on any database and whatever the historical field). Values that already
    decrypt are left alone, so running it twice changes nothing; ``''`` is the same plain
    and encrypted."""

    def run(apps: Any, schema_editor: Any) -> None:
        _rewrite(schema_editor.connection, table, column, _encrypted)

    return run


def decrypt_column(table: str, column: str) -> Callable[[Any, Any], None]:
    """The reverse of :func:`encrypt_column`."""

    def run(apps: Any, schema_editor: Any) -> None:
        _rewrite(schema_editor.connection, table, column, _plain)

    return run


def _is_token(value: str) -> bool:
    try:
        decrypt(value)
    except (InvalidToken, ValueError, TypeError):
        return False
    return True


def _encrypted(value: str) -> str | None:
    return None if _is_token(value) else encrypt(value)


def _plain(value: str) -> str | None:
    return decrypt(value) if _is_token(value) else None


def _rewrite(
    connection: BaseDatabaseWrapper, table: str, column: str, change: Callable[[str], str | None]
) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {quote(column)} FROM {quote(table)} "  # noqa: S608 - own names
            f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> ''"
        )
        rows = cursor.fetchall()
        for pk, value in rows:
            changed = change(str(value))
            if changed is not None:
                cursor.execute(
                    f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
                    [changed, pk],
                )
        if connection.vendor == "postgresql":
            # run the deferred foreign-key checks of these updates now: PostgreSQL refuses to
            # alter a table with pending trigger events later in the same migration
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
