"""The append-only, hash-chained audit log.

Each event's ``hash`` covers its own content and the previous event's hash, so editing
or deleting any row breaks the chain from that row on (``spona audit verify``). The
model refuses updates and deletes, and database triggers refuse them too.
"""

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
    SIGN_OUT = "sign_out", _("Signed out")
    LOCKED_OUT = "locked_out", _("Account locked")
    READ = "read", _("Read")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")
    KEY_ROTATION = "key_rotation", _("Encryption keys rotated")
    BREAK_GLASS = "break_glass", _("EMERGENCY ACCESS")


class AppendOnlyError(Exception):
    """The audit log is append-only."""


HASH_VERSION = 2
"""The hash of every new event covers every stored column (``AuditEvent.hash_version``)."""


def canonical_text(columns: Mapping[str, Any]) -> str:
    """The exact text a hash of ``HASH_VERSION`` covers: every stored column but the hash
    itself, by attribute name (``id``, ``actor_id``, ...), as ``AuditEvent.canonical`` and the
    append (``spona.audit.services``) both write it; a time in ISO 8601 to the microsecond."""
    body = {
        name: value.isoformat(timespec="microseconds") if isinstance(value, datetime) else value
        for name, value in columns.items()
        if name != "hash"
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def text_hash(text: str) -> str:
    """The chain's hash of a canonical text."""
    return hashlib.sha256(text.encode()).hexdigest()


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    institution_id = models.BigIntegerField(null=True)
    role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.TextField(blank=True)
    client_address = models.GenericIPAddressField(null=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    hash_version = models.PositiveSmallIntegerField(null=True, editable=False)
    """Which text the hash covers: ``None`` for the events written before issue 14 (the
    listed fields), ``2`` for every stored column but the hash itself (id and actor included)."""

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")

    def canonical(self) -> str:
        """The exact text the hash covers (see ``hash_version``)."""
        if self.hash_version is None:
            return self._canonical_v1()
        return canonical_text(
            {field.attname: getattr(self, field.attname) for field in self._meta.concrete_fields}
        )

    def _canonical_v1(self) -> str:
        """The text the first events' hashes cover (kept so that they still verify)."""
        body: dict[str, Any] = {
            "seq": self.seq,
            "at": self.at.isoformat(timespec="microseconds"),
            "actor_username": self.actor_username,
            "institution_id": self.institution_id,
            "role": self.role,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "purpose": self.purpose,
            "client_address": self.client_address,
            "details": self.details,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self) -> str:
        return text_hash(self.canonical())
