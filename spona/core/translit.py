"""Serbian Cyrillic → Latin transliteration, and the folded key used for matching.

Only Cyrillic code points are touched, so placeholders (``%(name)s``, ``{count}``) and
HTML survive. Љ, Њ, Џ become LJ, NJ, DŽ when a neighbouring letter is upper case
(``ЉУБАВ`` → ``LJUBAV``) and Lj, Nj, Dž otherwise (``Љубав`` → ``Ljubav``). The reverse
direction is ambiguous (``nadživeti`` is надживети, not наџивети) and is never done.
"""

import unicodedata

_LOWER = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž",
    "з": "z", "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n",
    "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u",
    "ф": "f", "х": "h", "ц": "c", "ч": "č", "џ": "dž", "ш": "š",
}  # fmt: skip
_DIGRAPH_UPPER = {"Љ": ("Lj", "LJ"), "Њ": ("Nj", "NJ"), "Џ": ("Dž", "DŽ")}


#: every letter ``to_latin`` writes the same whatever its neighbours (all but Љ, Њ, Џ),
#: as one table: most text has none of those three, and ``str.translate`` is one call
_ALONE = str.maketrans(
    {
        **{
            upper: _LOWER[upper.lower()].upper()
            for upper in map(
                chr, range(0x400, 0x430)
            )  # the capitals: no other letter lowers to one
            if upper.lower() in _LOWER and upper not in _DIGRAPH_UPPER
        },
        **_LOWER,
    }
)


def _neighbour_is_upper(text: str, index: int) -> bool:
    for j in (index + 1, index - 1):
        if 0 <= j < len(text) and text[j].isalpha():
            return text[j].isupper()
    return False


def to_latin(text: str) -> str:
    """Transliterate Serbian Cyrillic in ``text`` to Serbian Latin; leave the rest alone."""
    if not any(digraph in text for digraph in _DIGRAPH_UPPER):
        return text.translate(_ALONE)
    out = []
    for i, char in enumerate(text):
        if char in _DIGRAPH_UPPER:
            title, upper = _DIGRAPH_UPPER[char]
            out.append(upper if _neighbour_is_upper(text, i) else title)
        elif char in _LOWER:
            out.append(_LOWER[char])
        elif char.lower() in _LOWER:
            out.append(_LOWER[char.lower()].upper())
        else:
            out.append(char)
    return "".join(out)


def fold(text: str) -> str:
    """A script- and diacritic-insensitive key: ``Ђорђевић`` and ``Djordjevic`` fold alike."""
    latin = to_latin(text).lower().replace("đ", "dj")
    stripped = unicodedata.normalize("NFKD", latin)
    letters = (
        stripped
        if stripped.isascii()  # nothing combining to drop
        else "".join(c for c in stripped if not unicodedata.combining(c))
    )
    return " ".join(letters.split())
