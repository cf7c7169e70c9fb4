"""Dropping what the cache keeps when the rows it was read from change."""

from django.core.cache import cache
from django.db import transaction


def forget(*keys: str) -> None:
    """Drop ``keys`` now and again once the current transaction commits: a page reading
    between the change and its commit would otherwise put the old value back."""
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
