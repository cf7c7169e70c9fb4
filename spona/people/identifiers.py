"""Blind indexes of a person's identifiers, for exact search without decrypting anything.

Each kind is hashed with its own prefix, so a JMBG and a document number with the same
digits never share an index. Document numbers are folded like names (a number typed in
Cyrillic, ``АБ 123-456``, indexes like ``AB123456``), without spaces, dots or dashes.
"""

import re

from spona.core.fields import blind_index
from spona.core.translit import fold
from spona.people import jmbg

_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def jmbg_index(number: str) -> str:
    digits = jmbg.normalise(number)
    return blind_index(f"jmbg:{digits}") if digits else ""


def document_number(number: str) -> str:
    """The number as compared: folded to Latin, lower case, letters and digits only."""
    return _NOT_ALNUM.sub("", fold(number))


def document_index(number: str) -> str:
    folded = document_number(number)
    return blind_index(f"document:{folded}") if folded else ""


def name_index(name: str) -> str:
    return blind_index(name) if name.strip() else ""


def looks_like_identifier(text: str) -> bool:
    """A search for a number (a JMBG, a document) rather than a name: it has a digit."""
    return any(c.isdigit() for c in text)
