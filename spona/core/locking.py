"""Optimistic locking: an edit made from a stale copy is refused, never silently applied.

Each editable record carries a ``version``. A form sends back the version it was
built from; the write is one conditional UPDATE (``WHERE version = <sent>``), atomic on
SQLite and PostgreSQL alike, so two concurrent edits cannot both win.
"""

from typing import Any, TypeVar

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

M = TypeVar("M", bound="VersionedModel")


class StaleEditError(Exception):
    """Someone saved the record after this edit began."""

    message = _(
        "Someone else changed this record after you opened it. Your changes were not saved: "
        "reload the page to see the current version, then make your changes again."
    )


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def save_versioned[M: "VersionedModel"](
    instance: M, *, expected_version: int, fields: list[str]
) -> M:
    """Write ``fields`` of ``instance`` only if the stored version is ``expected_version``."""
    values: dict[str, Any] = {name: getattr(instance, name) for name in fields}
    updated = (
        type(instance)
        ._default_manager.filter(pk=instance.pk, version=expected_version)
        .update(version=F("version") + 1, **values)
    )
    if updated != 1:
        raise StaleEditError
    instance.version = expected_version + 1
    return instance
