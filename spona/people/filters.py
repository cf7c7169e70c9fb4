"""The person list's search and filters. Names are encrypted, so a name is found two ways:
the whole name by its blind index (any number of persons, no decryption), and a part of a
name by folding the decrypted names of the newest ``SCAN_LIMIT`` persons the user may see
(docs/decisions.md, "Lists that search and page"). Neither puts the typed name into SQL."""

import re
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from spona.core.fields import blind_index
from spona.core.forms import KeptWhenEmpty, ManyOptionsSelect
from spona.core.listing import ListFilters, date_from, date_to
from spona.core.translit import fold
from spona.institutions.filters import municipality_filter
from spona.people.identifiers import document_index, jmbg_index, looks_like_identifier
from spona.people.models import IdentityDocument, Person, PersonNameIndex, Sex

CODE = re.compile(r"P-[A-Z0-9]{7}")

#: how many of the newest visible persons a search for part of a name looks through
SCAN_LIMIT = 2000


def exactly(text: str) -> Q:
    """Persons with exactly this name (or a former one, or another name used), or, when the
    text has a digit, this JMBG or identity document number: by blind index only."""
    if looks_like_identifier(text):
        documents = IdentityDocument.objects.filter(number_index=document_index(text))
        return Q(jmbg_index=jmbg_index(text)) | Q(pk__in=documents.values("person_id"))
    index = blind_index(text)
    others = PersonNameIndex.objects.filter(index=index)
    return Q(name_index=index) | Q(pk__in=others.values("person_id"))


def name_matches(queryset: QuerySet[Person], value: str) -> QuerySet[Person]:
    """Persons whose name (a former one too) is ``value`` (either script), or whose JMBG or
    document number it is; else, among the newest ``SCAN_LIMIT``, whose folded name contains
    every word of ``value`` ("jova mark" finds Јована Марковић)."""
    if CODE.fullmatch(value.strip().upper()):  # a person's code (never a name) may go to SQL
        return queryset.filter(code=value.strip().upper())
    if looks_like_identifier(value):
        return queryset.filter(exactly(value))
    words = fold(value).split()
    if not words:
        return queryset
    newest = queryset.order_by("-created_at", "-pk").values_list("pk", "given_name", "family_name")[
        :SCAN_LIMIT
    ]
    found = [
        pk
        for pk, given, family in newest
        if all(word in fold(f"{given} {family}") for word in words)
    ]
    return queryset.filter(exactly(value) | Q(pk__in=found))


def _by_name(queryset: QuerySet[Person], name: str, value: Any) -> QuerySet[Person]:
    return name_matches(queryset, str(value))


class PersonFilter(ListFilters):
    name = django_filters.CharFilter(
        method=_by_name,
        label=_("Name or code"),
        help_text=_(
            "The whole name or a part of it (a former surname too), or a JMBG or document "
            "number; Cyrillic and Latin spelling find the same person."
        ),
    )
    sex = django_filters.ChoiceFilter(choices=Sex.choices, label=_("sex"), widget=ManyOptionsSelect)
    municipality = municipality_filter()
    since = date_from("created_at", _("registered from"))
    until = date_to("created_at", _("registered until"))

    class Meta:
        model = Person
        fields: list[str] = []
        form = KeptWhenEmpty
