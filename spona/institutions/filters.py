"""Filters other apps' lists share: by municipality and by institution, offered in the
Serbian alphabet's order of the page's script.

Every list page offers both, a few hundred options each. Their labels in alphabetical order
are kept by each process per language for ``CHOICES_SECONDS`` (read anew at once when a
municipality or an institution is saved or deleted through the ORM, in any process), and written out
without a template per option (``ManyOptionsSelect``): sorting them and rendering each option through Django's widget
templates was most of a list page's work. What a filter accepts is still checked against the
database (``queryset``)."""

from collections.abc import Iterator
from functools import cached_property
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from spona.core.collation import serbian_sorted
from spona.core.forms import ManyOptionsSelect
from spona.institutions.models import Institution, Municipality
from spona.ops.reference import Kept, changed

CHOICES_SECONDS = 300


def _offered(name: str) -> QuerySet[Any]:
    if name == "institution":
        return Institution.objects.filter(is_active=True)
    return Municipality.objects.all()


#: the rows each filter offers, per language, kept by each process (``spona.ops.reference``)
_KEPT: Kept[list[tuple[int, str]]] = Kept(CHOICES_SECONDS)


def reference_choices(name: str) -> list[tuple[int, str]]:
    """(key, label) of every row the ``name`` filter offers, in the Serbian alphabet's order
    of the page's script (not to be changed: the process keeps one list for every request).
    Read from the database once per process until a municipality or an institution changes
    (``spona.ops.reference``): the case page offers the institutions twice, every list page
    both filters."""
    return _KEPT.get((name, get_language()), lambda: _read_choices(name))


def _read_choices(name: str) -> list[tuple[int, str]]:
    return [(row.pk, str(row)) for row in serbian_sorted(_offered(name), str)]


def forget_reference_choices(**kwargs: Any) -> None:
    """A municipality or an institution changed: offer the rows anew (a ``post_save`` and
    ``post_delete`` receiver; bulk writes wait for ``CHOICES_SECONDS``)."""
    changed()


class _ReferenceChoiceIterator(django_filters.fields.ModelChoiceIterator):  # type: ignore[type-arg]
    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        # a list's iterator, not a generator: hundreds of options, each a resumed call
        empty = [("", self.field.empty_label)] if self.field.empty_label is not None else []
        return iter(empty + reference_choices(self._reference))

    def __len__(self) -> int:
        return len(reference_choices(self._reference)) + int(self.field.empty_label is not None)

    @property
    def _reference(self) -> str:
        return str(getattr(self.field, "reference"))  # noqa: B009 - set by ReferenceChoiceField


class ReferenceChoiceField(django_filters.fields.ModelChoiceField):
    iterator = _ReferenceChoiceIterator
    widget = ManyOptionsSelect

    def __init__(self, *args: Any, reference: str, **kwargs: Any) -> None:
        self.reference = reference
        super().__init__(*args, **kwargs)


class ReferenceChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ReferenceChoiceField


def municipality_filter(field: str = "municipality") -> django_filters.ModelChoiceFilter:
    return ReferenceChoiceFilter(
        field_name=field,
        queryset=_offered("municipality"),
        reference="municipality",
        label=_("municipality"),
    )


def institution_filter(field: str, label: Any = None) -> django_filters.ModelChoiceFilter:
    return ReferenceChoiceFilter(
        field_name=field,
        queryset=_offered("institution"),
        reference="institution",
        label=label or _("institution"),
    )


class OfferedInstitutions(ModelChoiceIterator):  # type: ignore[type-arg]
    """A select's institutions offered in the cached alphabetical order of the active ones
    (``reference_choices``) without reading the rows; a subclass says which (``offered``).
    What the field accepts is still its queryset's."""

    def offered(self) -> list[tuple[int, str]]:
        raise NotImplementedError

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        # a list's iterator, not a generator: hundreds of options, each a resumed call
        empty = [("", self.field.empty_label)] if self.field.empty_label is not None else []
        return iter(empty + self._offered)

    def __len__(self) -> int:
        return len(self._offered) + int(self.field.empty_label is not None)

    @cached_property
    def _offered(self) -> list[tuple[int, str]]:
        return self.offered()
