"""Dropping what the cache keeps when the rows it was read from change, and what a process
keeps of the translations when the catalogues change."""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction

from spona.ops.early import drop_early

#: the settings a translation depends on (the languages, the catalogues' folders and apps)
_CATALOGUE_SETTINGS = frozenset({"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"})


def forget_when_catalogues_change(clear: Callable[[], object]) -> None:
    """Call ``clear`` (what a process keeps written in some language) whenever a setting the
    translations depend on changes, as tests change them."""

    def forget(*, setting: str, **kwargs: Any) -> None:
        if setting in _CATALOGUE_SETTINGS:
            clear()

    setting_changed.connect(forget, weak=False)


def forget(*keys: str) -> None:
    """Drop ``keys`` now and again once the current transaction commits: a page reading
    between the change and its commit would otherwise put the old value back. This request
    reads them from the cache from now on, not as it found them at its start."""
    drop_early(keys)
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
