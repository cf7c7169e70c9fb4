"""The Serbian alphabet's order, in each script.

Cyrillic: а б в г д ђ е ж з и ј к л љ м н њ о п р с т ћ у ф х ц ч џ ш; Latin: a b c č ć d dž đ e
f g h i j k l lj m n nj o p r s š t u v z ž (dž, lj, nj are single letters). Unicode code points
follow neither (Ж sorts after Ш, Č after Z), and SQLite knows no Serbian collation, so lists of
reference data are put in order by these keys, in Python, the same way on every database. The
script is the page's: Cyrillic for Serbian, Latin for Serbian Latin and English.
"""

from collections.abc import Callable, Iterable
from enum import StrEnum

from django.db.models import Case, IntegerField, Model, QuerySet, Value, When
from django.utils.translation import get_language

from spona.core.translit import to_latin


class Script(StrEnum):
    CYRILLIC = "cyrillic"
    LATIN = "latin"


CYRILLIC_ALPHABET = "абвгдђежзијклљмнњопрстћуфхцчџш"
LATIN_ALPHABET = [
    "a",
    "b",
    "c",
    "č",
    "ć",
    "d",
    "dž",
    "đ",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "lj",
    "m",
    "n",
    "nj",
    "o",
    "p",
    "r",
    "s",
    "š",
    "t",
    "u",
    "v",
    "z",
    "ž",
]
#: Letters of other alphabets in Latin text, placed where readers expect them.
_FOREIGN_LATIN = {"q": "p", "w": "v", "x": "v", "y": "v"}
_CYRILLIC_RANK = {letter: index for index, letter in enumerate(CYRILLIC_ALPHABET)}
_LATIN_RANK = {letter: index for index, letter in enumerate(LATIN_ALPHABET)}
_DIGRAPHS = ("dž", "lj", "nj")

type Key = tuple[tuple[int, int, int], ...]


def page_script() -> Script:
    return Script.CYRILLIC if get_language() == "sr" else Script.LATIN


def _latin_letters(text: str) -> Iterable[str]:
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in _DIGRAPHS:
            yield pair
            i += 2
        else:
            yield text[i]
            i += 1


def _rank_latin(letter: str) -> tuple[int, int, int] | None:
    if letter in _LATIN_RANK:
        return (2, _LATIN_RANK[letter], 0)
    if letter in _FOREIGN_LATIN:
        return (2, _LATIN_RANK[_FOREIGN_LATIN[letter]], ord(letter))
    return None


def _rank_other(char: str) -> tuple[int, int, int]:
    """Spaces and punctuation first, then digits, then any other letter by code point."""
    if char.isspace() or not char.isalnum():
        return (0, 0, 0)
    if char.isdigit():
        return (1, int(char) if char.isdecimal() else 0, ord(char))
    return (4, ord(char), 0)


def sort_key(text: str, script: Script | None = None) -> Key:
    """A key that orders ``text`` by the Serbian alphabet of ``script`` (the page's by default),
    case-insensitively, whatever script the text is written in."""
    script = script or page_script()
    lowered = text.lower()
    if script == Script.LATIN:
        lowered = to_latin(lowered)
        letters: Iterable[str] = _latin_letters(lowered)
        rank = _rank_latin
    else:
        letters = lowered
        rank = _rank_cyrillic
    ranks = []
    for letter in letters:
        found = rank(letter)
        ranks.append(found if found is not None else _rank_other(letter))
    return tuple(ranks)


def _rank_cyrillic(letter: str) -> tuple[int, int, int] | None:
    if letter in _CYRILLIC_RANK:
        return (2, _CYRILLIC_RANK[letter], 0)
    latin = _rank_latin(letter)
    return None if latin is None else (3, *latin[1:])  # Latin letters after the Cyrillic ones


def serbian_sorted[T](
    items: Iterable[T], text: Callable[[T], str], script: Script | None = None
) -> list[T]:
    """``items`` in the Serbian alphabet's order of ``text(item)``."""
    script = script or page_script()
    return sorted(items, key=lambda item: sort_key(text(item), script))


def in_serbian_order[M: Model](
    queryset: QuerySet[M], text: Callable[[M], str], script: Script | None = None
) -> QuerySet[M]:
    """The same rows, ordered by the Serbian alphabet (for choice fields and paged lists of
    reference data: a few hundred rows at most)."""
    ranked = serbian_sorted(queryset, text, script)
    if not ranked:
        return queryset
    position = Case(
        *(When(pk=row.pk, then=Value(index)) for index, row in enumerate(ranked)),
        output_field=IntegerField(),
    )
    return queryset.order_by(position)
