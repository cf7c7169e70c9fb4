"""Is this newly registered person someone already known? The matching rules, as a library.

No Django and no database (rapidfuzz measures the edit distance, in C): the same rules
serve the registration check (``spona.people.duplicates`` stores the blocking keys,
hashed, and scores the few persons that share one) and can be handed to a batch linker
later (Splink on DuckDB: ``blocking_keys`` are its blocking rules, ``score`` its
comparison).

Names
    Compared on folded tokens (``spona.core.translit.fold``: Cyrillic and Latin alike,
    diacritics dropped, đ → dj), in any order: the given and family name fields are one
    bag of tokens, so swapped fields, a patronymic or middle name and a second (married)
    surname still match. Tokens are compared as Serbian letters (``letters``): dj, ch,
    sh, zh as d, c, s, z for people who type Đorđević as "Dordevic" or "Petrovich", and
    lj, nj, dž as one letter each, as in Cyrillic. Two tokens agree exactly, within one
    typo (optimal string alignment distance 1: a letter wrong, missing, extra, or two
    swapped), or not: two typos too often make another name (Populović, Božulović),
    though two long surnames two typos apart count less against than two others (a slip
    in each record: with the same date and municipality they still match).
    Tokens are paired by the best one-to-one assignment; tokens left over (a patronymic,
    a second surname) count neither way, and a token that is the record's own parent's
    name is a patronymic, not the person's name (``compared_names``); a token matching
    nothing counts against, less when both are surnames of a woman (she may have taken
    her husband's; not where the parent's names differ, nor beside a second surname of
    hers left over: her birth and her husband's already). Edit distance
    rather than Jaro-Winkler, because Serbian surnames are built from given names:
    Jaro-Winkler rates "Jovan" and "Jovanović" 0.91 alike.

Evidence
    Each comparison adds points (log-odds-like weights, set by hand and tuned on the
    labelled sample of ``bench/duplicates.py``): names; how common the shared name is
    (``namesakes``, counted by the caller from the stored keys: a name borne by hundreds
    is weak evidence); date of birth with tolerance (exact; day and month swapped, a
    day off or a year off; in the same year, a digit of the day or month mistyped, a
    little: never across years, where a father and a son of one name differ; missing
    is neutral; an estimated age is compared by year, more than a decade off as another
    date); sex (a conflict counts against, but a slip is possible); municipality (people
    move; the same one says more the smaller it is: ``place_points``).
    ``score`` maps the sum to [0, 1]; ``THRESHOLD`` is its midpoint. So the same names
    with another date of birth are not a match; the same names without a date are a
    match only in the same municipality and if not common; a replaced surname needs the
    same date of birth and municipality. A record without a name matches only by the same
    identity document and date of birth (``known_without_a_name``). A new person is at
    most one stored person, so a candidate far less likely than the best is explained
    away (``explained_away``), and candidates who cannot be one person (rivals: another
    date of birth, another name) share the odds, as exclusive explanations of the record
    do (``standing``): two namesakes in one town, each alone a likely match to an undated
    record, are each at most an even chance beside the other.

    Identifiers (issue 19): an equal JMBG is decisive, two different valid ones nearly
    rule a match out; a parent's name counts either way; the birth and previous surnames
    and other names used are name variants (``name_variants``), compared and blocked on
    like the name. Without a date of birth on both sides, how common the name is weighs
    more (``undated_rarity_points``): a name only the candidate bears matches, with the
    sex agreeing, even in another municipality; and when both live in one municipality
    and bear the same name, the count that matters is the name's there (``neighbours``:
    what could explain the same name in the same town is another bearer living there),
    and so for a name nobody stored bears as written, a slip (``a_slip``). "Dj" is read
    both as Đ and as D and J (``spellings``).

    The address of residence (``address_points``; its own functions at the end of this
    module): read as a street and a house number (``address_parts``: folded like names,
    "ul." and "br." dropped, an ordinal such as "27. marta" part of the street's name, a
    flat after a slash or a comma left out) and compared street to street, spelt without
    spaces, within one typo. The same street and number +4, as much as a name token
    agreeing: a house number is one household among thousands in a municipality, but the
    relatives most likely to share a surname share it too, so it is less than a date of
    birth (+6, shared only by twins). So a grandfather and a grandson named alike at one
    address still differ by their dates of birth unless the name is rare (three bearers
    or fewer, and the same settlement: then they are a suggestion, and the reviewer sees
    the dates). The same street with the number's digits swapped (14, 41) +1.5: a slip
    (``numbers_swapped``); with another number -0.5 (a slip, or another house of the same
    family along the street); the same street, a number missing on one side, +1 (finer
    than the settlement); another street, or none on either side, neither way: people
    move.

Blocking
    ``blocking_keys`` are plain strings; a record is a candidate for another when they
    share one. No key is one name alone (Jovanović is about 0.5% of persons: 5,000 at a
    million): two name tokens as written (any order); one as written and the other
    within one typo (its deletion neighbourhood, as in SymSpell: for a name with a typo
    and no usable date); a name token with the date of birth (day and month in either
    order) or with the birth year; the date of birth alone (about 45 persons a day at a
    million; catches typos in both names); the street and house number (``address_keys``,
    one key: the street spelt without spaces, with the number). About 25 keys a person.
    ``KEY_WEIGHTS`` rank
    the persons sharing keys, most telling first, so that at most ``CANDIDATE_LIMIT``
    are decrypted and scored.
"""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, wraps
from itertools import combinations, permutations
from math import exp, inf, log
from typing import cast

from rapidfuzz.distance import OSA

from spona.core.translit import fold

#: score() at or above this is a likely duplicate
THRESHOLD = 0.5
#: at most this many tokens per person are compared and blocked on (longer names are rare)
MAX_TOKENS = 4
#: how telling a shared key of each kind is, to rank candidates before scoring; the keys
#: of a kind in ONCE count once (a namesake shares all the typo keys of a name)
KEY_WEIGHTS = {"j": 100, "k": 100, "d": 40, "n": 30, "e": 25, "b": 20, "a": 15, "y": 10}
ONCE = frozenset({"e"})
#: at most this many persons sharing keys are scored (the best ranked; 200 scored four
#: times as many at a million for the same answers: docs/performance.md, stop 25)
CANDIDATE_LIMIT = 50
#: a candidate this many points less likely than the best is explained away by it
RUNNER_UP_MARGIN = 3.0

_TOKEN = re.compile(r"[a-z]+")
_LOOSE = (("dj", "d"), ("ch", "c"), ("sh", "s"), ("zh", "z"))
#: Serbian letters that Latin writes with two (љ, њ, џ), each made one symbol
_DIGRAPHS = (("lj", "L"), ("nj", "N"), ("dz", "Z"))
_KNOWN_SEXES = frozenset({"female", "male"})

# points (see the module docstring); the midpoint of score() is _MIDPOINT points
_NAME_EXACT, _NAME_ONE_TYPO, _NAME_MARRIED, _NAME_DIFFERENT = 4.0, 3.5, -2.5, -4.5
# two slips in a surname (both records typed with one): less against than another name
_NAME_TWO_TYPOS, _TWO_TYPOS_MIN_LENGTH = -2.0, 7
_SURNAME_ENDINGS = ("ic",)  # -ić, -ović, -ević: nearly every Serbian surname
_RARITY_BASE, _RARE_MAX, _COMMON_MIN = 3.0, 1.0, -4.0  # 3 namesakes: neither way
_DOB_EXACT, _DOB_NEAR, _DOB_SAME_MONTH, _DOB_DIFFERENT = 6.0, 3.0, -1.0, -7.0
# the same year, a digit of the day or month mistyped (``_date_slip``): about 18 dates of a
# year are one such slip from a date, against 2 or 3 near it (``_dates_near``), so far
# less (at +2 the online check, seed 7, suggested a woman of the same name born two days
# from a stored one, in another municipality: docs/performance.md, FEBRL4 fourth pass)
_DOB_SLIP = 1.0
_YEAR_CLOSE, _YEAR_FAR = 0.5, -3.0
# an estimated age is a guess, off by a few years, rarely by ten: beyond that it tells of
# another generation, as much against as another date of birth (_DOB_DIFFERENT)
_ESTIMATE_OFF_AT_MOST = 10
_SEX_SAME, _SEX_CONFLICT = 0.5, -4.0
_PLACE_SAME, _PLACE_DIFFERENT = 3.0, -0.5
# the same municipality, when its share of the population is known: log(P(the same
# municipality | the same person) / P(the same | two persons)), the latter the share, so
# a town of 2,000 says far more than a city of a million; bounded (names and places are
# not independent: families stay where they are)
_PLACE_STAY, _PLACE_SAME_MIN, _PLACE_SAME_MAX = 0.9, 1.0, 5.0
# the same municipality where the name's count there decides (``points``): its size is in
# the count, so what it tells against another municipality is only that people stay
_PLACE_SAME_COUNTED = _PLACE_DIFFERENT + log(_PLACE_STAY / (1 - _PLACE_STAY))
# the same settlement (within a typo) adds a little to the municipality; another one
# counts neither way (people move, and a settlement is often left blank or misspelt)
_SETTLEMENT_SAME = 1.0
_JMBG_SAME, _JMBG_DIFFERENT = 20.0, -12.0  # decisive; nearly rules a match out
# the same document number: strong, not decisive (a number copied onto the wrong record);
# one character apart: a slip, some evidence; different numbers: none (people hold several)
_DOCUMENT_SAME, _DOCUMENT_NEAR = 14.0, 6.0
_PARENT_SAME, _PARENT_DIFFERENT = 2.0, -2.0
# without a date of birth on both sides the names carry the match: how common they are
# counts more (a name borne by one stored person: +1.5; by three: -0.9; by ten: -3.6)
_UNDATED_RARE_MAX, _UNDATED_SLOPE, _UNDATED_COMMON_MIN = 1.5, 2.2, -6.0
_MIDPOINT = 9.25


@dataclass(frozen=True)
class PersonRecord:
    """What matching knows of a person: decrypted names, never stored in this form."""

    given: str = ""
    family: str = ""
    date_of_birth: date | None = None
    #: when only an age was estimated: the year of registration minus that age
    birth_year_estimate: int | None = None
    sex: str = ""
    municipality_id: int | None = None
    #: a valid JMBG (``spona.people.jmbg``), digits only, or ""
    jmbg: str = ""
    #: a parent's given name, as Serbian records carry it
    parent: str = ""
    #: the birth surname and previous surnames: each stands in for the family name
    former_surnames: tuple[str, ...] = ()
    #: other full names used
    other_names: tuple[str, ...] = ()
    #: identity document numbers, folded (``spona.people.identifiers.document_number``)
    documents: tuple[str, ...] = ()
    #: the settlement (town, village, suburb) lived in, as typed
    settlement: str = ""
    #: the address of residence (street and house number), as typed
    address: str = ""


# --- normalisation -----------------------------------------------------------------------


#: the pure per-token functions below are cached: a batch scan compares the same names
#: over and over (bounded: names recur, and a full name is one entry)
_CACHED = lru_cache(maxsize=1 << 16)


def _per_record[T](derive: Callable[[PersonRecord], T]) -> Callable[[PersonRecord], T]:
    """``derive``, of a record, derived once and kept on the record (frozen: it cannot
    change): a batch scan compares each person with several others. Kept on the record,
    not in a cache, so that no decrypted name outlives the record it came from; beside its
    fields, so a record is copied with ``dataclasses.replace``, not from its ``vars``."""
    kept = f"_{derive.__name__}"

    @wraps(derive)
    def once(record: PersonRecord) -> T:
        found = record.__dict__.get(kept, _NOT_YET)
        if found is _NOT_YET:
            found = record.__dict__[kept] = derive(record)
        return cast(T, found)

    return once


_NOT_YET = object()


@_CACHED
def letters(token: str) -> str:
    """A folded token as Serbian letters, for comparing: the ASCII spellings of đ, č/ć,
    š, ž equated ("dordevic", "petrovich"), and lj, nj, dž one symbol each, so that a
    slip on one of them (Милиљца, Теодњора) is one edit, as it is in Cyrillic."""
    for pair, letter in _LOOSE + _DIGRAPHS:
        token = token.replace(pair, letter)
    return token


def latin(token: str) -> str:
    """``letters`` written out in Latin again, for slips typed in Latin ("Ognejn")."""
    for pair, letter in _DIGRAPHS:
        token = token.replace(letter, pair)
    return token


def one_typo_apart(a: str, b: str) -> bool:
    """Two tokens (as ``letters``) one slip apart, typed in either script."""
    return slips(a, b) == 1


def slips(a: str, b: str) -> int:
    """How many slips two tokens (as ``letters``) are counted apart, typed in either script
    (as they are, or written out in Latin: lj, nj, dž two letters each): 1 where they are
    one slip apart, both at least three letters long; 2 where two long surnames are two
    slips apart, more likely a slip in each record (Стојтковић, Стојовић) than two
    families (not given names: short, and two slips apart they are usually two names:
    Milena, Milica, twins say); else 3, another name (two the same: 3 too)."""
    shortest = min(len(a), len(b))
    if shortest < 3:
        return 3
    apart = in_latin = edit_distance(a, b, score_cutoff=2)
    if apart == 1:
        return 1
    if not (a.islower() and b.islower()):  # lj, nj or dž among them: upper case in ``letters``
        in_latin = edit_distance(latin(a), latin(b), score_cutoff=2)
        if in_latin == 1:
            return 1
    if 2 in (apart, in_latin) and shortest >= _TWO_TYPOS_MIN_LENGTH:
        return 2 if _surname_like(a) and _surname_like(b) else 3
    return 3


@_CACHED
def spellings(token: str) -> frozenset[str]:
    """A folded token as ``letters``, and, where it has "dj", also with "dj" kept as two
    letters: "Djan" may be Đan or a "Dejan" missing its e; both readings are compared."""
    found = {letters(token)}
    if "dj" in token:
        kept = token.replace("dj", "\x00")
        found.add(letters(kept).replace("\x00", "dj"))
    return frozenset(found)


@_CACHED
def _tokens(text: str) -> tuple[str, ...]:
    words = {word for part in text.split() for word in _words(part) if len(word) > 1}
    tokens = _one_spelling_each(words)
    if len(tokens) > MAX_TOKENS:
        tokens = sorted(sorted(tokens, key=lambda t: (-len(t), t))[:MAX_TOKENS])
    return tuple(tokens)


@_CACHED
def _words(part: str) -> tuple[str, ...]:
    """The folded words of a part of a name between spaces. The same as folding the
    whole name (``fold`` changes no space into a letter, nor a letter into one), but a
    given name or a surname recurs where a whole name does not: folded once each."""
    return tuple(_TOKEN.findall(fold(part)))


def _one_spelling_each(words: set[str]) -> list[str]:
    """The words, sorted, without one that is another's spelling (``spellings``: "Saša
    Sasha", "Đorđe Dordje"): one name written twice is one name, not two agreeing. The
    word with the most spellings is kept. The scan's ceiling counts on it: no two tokens
    of a name make one pair key (``spona.people.scan.ceilings``)."""
    spelt = [spellings(word) for word in words]
    if len(frozenset().union(*spelt)) == sum(map(len, spelt)):  # most names: none shared
        return sorted(words)
    kept: list[str] = []
    seen: set[str] = set()
    for word in sorted(words, key=lambda w: (-len(spellings(w)), w)):
        if not spellings(word) & seen:
            kept.append(word)
            seen |= spellings(word)
    return sorted(kept)


def normalise_tokens(record: PersonRecord) -> tuple[str, ...]:
    """The folded name tokens of both name fields, sorted (order carries no meaning),
    without repeats (a word spelt twice among them) or one-letter initials; at most
    ``MAX_TOKENS`` (the longest kept)."""
    return _tokens(f"{record.given} {record.family}")


@_per_record
def name_variants(record: PersonRecord) -> tuple[tuple[str, ...], ...]:
    """Every name the person is known by, as tokens: the name; the given name with each
    former (birth, previous) surname, so a married name no longer hides a person; each
    other name used."""
    if not (record.former_surnames or record.other_names):  # most persons
        name = normalise_tokens(record)
        return (name,) if name else ()
    variants = [normalise_tokens(record)]
    variants += [_tokens(f"{record.given} {surname}") for surname in record.former_surnames]
    variants += [_tokens(name) for name in record.other_names]
    return tuple(v for v in dict.fromkeys(variants) if v)


# --- blocking ----------------------------------------------------------------------------


def date_key(born: date) -> str:
    """The date with day and month in either order (a common slip) giving one key."""
    low, high = sorted((born.month, born.day))
    return f"{born.year}-{low:02d}-{high:02d}"


def blocking_keys(record: PersonRecord) -> set[str]:
    """Plain-text keys (hash them before storing); records sharing one are compared.

    The first letter of each key is its kind (see ``KEY_WEIGHTS``).
    """
    keys = name_keys(record)
    tokens = {t for variant in _letter_variants(record) for spelt in variant for t in spelt}
    born = record.date_of_birth
    if born is not None and tokens:  # without a name, nothing could match
        when = date_key(born)
        keys.add(f"b:{when}")
        for token in tokens:
            keys.add(f"d:{token}|{when}")
            keys.add(f"y:{token}|{born.year}")
    if record.jmbg:
        keys.add(f"j:{record.jmbg}")
    keys.update(f"k:{number}" for number in record.documents)
    keys |= address_keys(record.address)
    return keys


def _deletions(token: str) -> set[str]:
    """The token and the token less any one letter, in either script: two words one typo
    apart (a letter wrong, missing, extra, or two swapped) share one of these."""
    spellings = {token, latin(token)}
    return spellings | {t[:i] + t[i + 1 :] for t in spellings for i in range(len(t))}


def _letter_variants(record: PersonRecord) -> list[list[frozenset[str]]]:
    """Each name variant (``name_variants``) as its tokens' spellings (``spellings``)."""
    return [[spellings(t) for t in variant] for variant in name_variants(record)]


def name_keys(record: PersonRecord) -> set[str]:
    """Two name tokens, as written (``n``) and with one of them within a typo (``e``: one
    token as written, the other less one letter or whole), of every name the person is
    known by, in every spelling. How many persons share one tells how common the name
    is (``namesakes`` in ``score``)."""
    keys: set[str] = set()
    for variant in _letter_variants(record):
        for first, second in combinations(variant, 2):
            for x in first:
                for y in second:
                    keys |= _pair_keys(x, y)
    return keys


def _pair_keys(x: str, y: str) -> set[str]:
    a, b = sorted((x, y))
    keys = {f"n:{a}|{b}"}
    keys.update(f"e:{a}|{variant}" for variant in _deletions(b))
    keys.update(f"e:{b}|{variant}" for variant in _deletions(a))
    return keys


def key_weight(key: str) -> int:
    return KEY_WEIGHTS[key[0]]


def rank_weight(shared: Iterable[str]) -> int:
    """How telling a set of shared keys is: their weights summed, the kinds in ``ONCE``
    counted once."""
    kinds = {key[0] for key in shared if key[0] in ONCE}
    return sum(key_weight(k) for k in shared if k[0] not in ONCE) + sum(
        KEY_WEIGHTS[kind] for kind in kinds
    )


# --- comparison --------------------------------------------------------------------------


#: the optimal string alignment distance (a swap of neighbours is one edit), rapidfuzz's,
#: in C: with ``score_cutoff=limit`` it is ``limit + 1`` as soon as it must exceed ``limit``
#: (a batch scan asks it of millions of token pairs: in Python it cost ten times as much)
edit_distance = OSA.distance


def _surname_like(token: str) -> bool:
    return token.endswith(_SURNAME_ENDINGS)


@_CACHED
def token_points(a: str, b: str, *, may_have_married: bool = False) -> float:
    """How two name tokens agree: the same, one typo apart, or not. Two typos are not
    tolerated: they make another name too often (Populović, Božulović). Two different
    surnames count less against where a woman may have taken her husband's."""
    sa, sb = spellings(a), spellings(b)
    if not sa.isdisjoint(sb):
        return _NAME_EXACT
    if len(sa) == len(sb) == 1:  # most tokens: without "dj", one spelling
        fewest = slips(*sa, *sb)
    else:
        fewest = min(slips(x, y) for x in sa for y in sb)
    if fewest == 1:
        return _NAME_ONE_TYPO
    if fewest == 2:
        return _NAME_TWO_TYPOS
    la, lb = letters(a), letters(b)
    if may_have_married and _surname_like(la) and _surname_like(lb):
        return _NAME_MARRIED
    return _NAME_DIFFERENT


def name_points(a: Iterable[str], b: Iterable[str], *, may_have_married: bool = True) -> float:
    """The best one-to-one pairing of the shorter name's tokens with the longer's; tokens
    left over (a patronymic, a second surname) count neither way."""
    short, long_ = sorted((tuple(a), tuple(b)), key=len)
    if not short:
        return 0.0
    table = [[token_points(s, t, may_have_married=may_have_married) for t in long_] for s in short]
    if may_have_married and any(_NAME_MARRIED in row for row in table):
        surnames = {j for j, token in enumerate(long_) if _surname_like(letters(token))}
        return _best_with_a_surname_replaced(table, surnames)
    return _best_pairing(table)


def _best_with_a_surname_replaced(table: list[list[float]], surnames: set[int]) -> float:
    """The best pairing where a surname may be read as replaced by marriage: it leaves the
    rest of the name as all the name evidence, so the rest must agree exactly; a replaced
    surname and a slip besides (Sara Simović, Sanja Knežević: with nj one letter, a slip
    apart) are two departures, which two women born the same day explain better, and the
    surname counts as another name. Nor may a surname of the longer name (its columns:
    ``surnames``) be left over: a woman known by two surnames carries her birth surname
    and her husband's (Serbian law lets her add his to hers), so a third surname on the
    other record is not her marriage but another name. A pairing is worth what it is with
    every replaced surname read as another name, or more where all else in it agrees
    exactly; so the best is the better of those two tables' bests (the second of exact
    agreements and replaced surnames alone, every surname paired)."""
    others = [[_NAME_DIFFERENT if p == _NAME_MARRIED else p for p in row] for row in table]
    allowed = (_NAME_EXACT, _NAME_MARRIED)
    married = [[p if p in allowed else -inf for p in row] for row in table]
    if len(table) == len(table[0]):  # every token paired: none left over
        return max(_best_pairing(others), _best_pairing(married))
    read_married = max(
        (
            sum(row[j] for row, j in zip(married, chosen, strict=True))
            for chosen in permutations(range(len(table[0])), len(table))
            if surnames.issubset(chosen)
        ),
        default=-inf,
    )
    return max(_best_pairing(others), read_married)


def _best_pairing(table: list[list[float]]) -> float:
    """The most a one-to-one pairing of the rows with the columns sums to. Each row's best
    summed, where the rows that have a best (not all alike) have it in different columns
    (most names compared: the tokens agree one to one, or not at all), the rows all alike
    taking the columns left; else every pairing tried. The points are halves, summed
    exactly in any order."""
    best = [max(row) for row in table]
    picky = [(row, top) for row, top in zip(table, best, strict=True) if min(row) != top]
    if len({row.index(top) for row, top in picky}) == len(picky):
        return sum(best)
    return max(
        sum(row[j] for row, j in zip(table, chosen, strict=True))
        for chosen in permutations(range(len(table[0])), len(table))
    )


def rarity_points(namesakes: int | None) -> float:
    """Two names alike say less when many persons bear them: ``namesakes`` is how many
    stored persons have the rarest name key (``name_keys``) the two records share."""
    if not namesakes:
        return 0.0
    return max(_COMMON_MIN, min(_RARE_MAX, log(_RARITY_BASE / namesakes)))


def undated_rarity_points(namesakes: int | None) -> float:
    """``rarity_points`` where the two records cannot be compared by a full date of
    birth: the names carry the match, so how common they are counts more (a name only
    the candidate bears is evidence enough even in another municipality)."""
    if not namesakes:
        return 0.0
    return max(_UNDATED_COMMON_MIN, _UNDATED_RARE_MAX - _UNDATED_SLOPE * log(namesakes))


def _dates_near(a: date, b: date) -> bool:
    """Day and month swapped, a day off, or the same day a year off."""
    swapped = a.year == b.year and (a.month, a.day) == (b.day, b.month)
    a_day_off = abs((a - b).days) == 1
    a_year_off = (a.month, a.day) == (b.month, b.day) and abs(a.year - b.year) == 1
    return swapped or a_day_off or a_year_off


def _date_slip(a: date, b: date) -> bool:
    """The same year, and the day and month one typing slip apart (a digit wrong, or two
    next to each other swapped) as written either way: 10.02. or 02-10 (Serbian forms
    and ISO imports). Not across years: a father and a son named alike at one address
    are born decades apart, often a digit of the year apart (1950, 1980)."""
    if a.year != b.year:
        return False
    return any(
        edit_distance(a.strftime(written), b.strftime(written), score_cutoff=1) == 1
        for written in ("%d%m", "%m%d")
    )


def _birth_year(record: PersonRecord) -> int | None:
    if record.date_of_birth is not None:
        return record.date_of_birth.year
    return record.birth_year_estimate


def birth_points(a: PersonRecord, b: PersonRecord) -> float:
    """Dates of birth with tolerance; an estimated year against anything, loosely (more
    than ``_ESTIMATE_OFF_AT_MOST`` years apart as much against as two dates); a missing
    date counts neither way."""
    if a.date_of_birth is not None and b.date_of_birth is not None:
        x, y = a.date_of_birth, b.date_of_birth
        if x == y:
            return _DOB_EXACT
        if _dates_near(x, y):
            return _DOB_NEAR
        if _date_slip(x, y):
            return _DOB_SLIP
        if (x.year, x.month) == (y.year, y.month):
            return _DOB_SAME_MONTH
        return _DOB_DIFFERENT
    year_a, year_b = _birth_year(a), _birth_year(b)
    if year_a is None or year_b is None:
        return 0.0
    apart = abs(year_a - year_b)
    if apart <= 3:
        return _YEAR_CLOSE
    return _YEAR_FAR if apart <= _ESTIMATE_OFF_AT_MOST else _DOB_DIFFERENT


def place_points(share: float | None) -> float:
    """Two records in the same municipality, which holds ``share`` of the population
    (unknown: a fixed weight)."""
    if not share or share <= 0:
        return _PLACE_SAME
    return max(_PLACE_SAME_MIN, min(_PLACE_SAME_MAX, log(_PLACE_STAY / share)))


def other_points(
    a: PersonRecord, b: PersonRecord, place_share: float | None = None, *, counted: bool = False
) -> float:
    """Sex (a conflict between two known values counts against), municipality (its
    ``place_share`` of the population: ``place_points``; where the name's count there
    decided, ``counted``, its size is not counted again) and settlement."""
    points = 0.0
    if a.sex in _KNOWN_SEXES and b.sex in _KNOWN_SEXES:
        points += _SEX_SAME if a.sex == b.sex else _SEX_CONFLICT
    if a.municipality_id is not None and b.municipality_id is not None:
        same = a.municipality_id == b.municipality_id
        here = _PLACE_SAME_COUNTED if counted else place_points(place_share)
        points += here if same else _PLACE_DIFFERENT
    if same_settlement(a.settlement, b.settlement):
        points += _SETTLEMENT_SAME
    return points


def same_settlement(a: str, b: str) -> bool:
    """Two settlement names alike, folded (either script), within one typo."""
    x, y = "".join(_tokens(a)), "".join(_tokens(b))
    return bool(x and y) and (x == y or edit_distance(x, y, score_cutoff=1) == 1)


def document_points(a: PersonRecord, b: PersonRecord) -> float:
    """The same identity document number (of any kind: numbers do not repeat across
    kinds often enough to matter), or two numbers one slip apart."""
    if not (a.documents and b.documents):  # most pairs a batch scan compares
        return 0.0
    if not set(a.documents).isdisjoint(b.documents):
        return _DOCUMENT_SAME
    near = any(
        min(len(x), len(y)) >= 6 and edit_distance(x, y, score_cutoff=1) == 1
        for x in a.documents
        for y in b.documents
    )
    return _DOCUMENT_NEAR if near else 0.0


def identifier_points(a: PersonRecord, b: PersonRecord) -> float:
    """An equal JMBG is decisive, two different ones nearly rule a match out; identity
    documents (``document_points``); a parent's name the same (within a typo) or not."""
    found = document_points(a, b)
    if a.jmbg and b.jmbg:
        found += _JMBG_SAME if a.jmbg == b.jmbg else _JMBG_DIFFERENT
    parent = same_parent(a, b)
    if parent is not None:
        found += _PARENT_SAME if parent else _PARENT_DIFFERENT
    return found


def same_parent(a: PersonRecord, b: PersonRecord) -> bool | None:
    """Whether the parent's names the two records carry agree (a token the same, within a
    typo); None where either carries none."""
    pa, pb = _tokens(a.parent), _tokens(b.parent)
    if not (pa and pb):
        return None
    return any(token_points(x, y) > 0 for x in pa for y in pb)


def prepared(record: PersonRecord) -> PersonRecord:
    """The record, with what comparing it derives from it alone derived now and kept on
    it (``_per_record``): a batch scan prepares each person where it decrypts them, once,
    not again in each process that scores their pairs."""
    compared_names(record)
    return record


@_per_record
def compared_names(record: PersonRecord) -> tuple[tuple[str, ...], ...]:
    """``name_variants`` as scored: a name token that is the record's own parent's name is
    the patronymic Serbian records write between the given and the family name ("Zoran
    Boško Nikolić", father Boško), so it is left out of the person's own name: otherwise
    Zoran matches his father, or a brother, named Boško Nikolić, and Zoran's record is
    explained away by theirs. Kept where fewer than two tokens would remain (Petar,
    son of Petar, Petrović). Blocking keeps every token: it only finds candidates."""
    parent = {s for t in _tokens(record.parent) for s in spellings(t)}
    if not parent:
        return name_variants(record)
    variants = []
    for variant in name_variants(record):
        own = tuple(t for t in variant if not spellings(t) & parent)
        variants.append(own if len(own) >= 2 else variant)
    return tuple(variants)


def may_have_married(a: PersonRecord, b: PersonRecord) -> bool:
    """Whether a surname may be read as replaced by marriage (``name_points``): only where
    the two may be one woman whose surname changed: neither is a man, and the parent's
    name, where both records carry one, agrees (her parent's name does not change when
    she marries: a replaced surname beside another parent is two departures, which two
    women born the same day explain better)."""
    return "male" not in {a.sex, b.sex} and same_parent(a, b) is not False


def best_name_points(a: PersonRecord, b: PersonRecord) -> float:
    """The names compared in every variant either person is known by (a birth surname
    stands in for a married one); the best agreement counts."""
    married = may_have_married(a, b)
    return max(
        (
            name_points(x, y, may_have_married=married)
            for x in compared_names(a)
            for y in compared_names(b)
        ),
        default=0.0,
    )


def points(
    a: PersonRecord,
    b: PersonRecord,
    *,
    namesakes: int | None = None,
    neighbours: int | None = None,
    place_share: float | None = None,
    written: int | None = None,
) -> float:
    """All the evidence, summed: above ``_MIDPOINT`` means more likely the same person.
    Without a date of birth on both sides, how common the name is weighs more, and where
    both live in one municipality and bear the same name what counts is how common the
    name is there (``neighbours``): a common name borne by one person in a small town is
    rare there. For names a slip apart only where nobody bears ``a``'s name as written
    (``written`` 0, ``a_slip``): otherwise ``a`` may be another name borne in the town
    (Mila beside Mina). Where that count decides, the municipality's size is in it (how
    likely someone new living there bears the name is its bearers there over the people
    there, so the size cancels): the same municipality then tells only that people stay
    (``_PLACE_SAME_COUNTED``), not its size a second time."""
    dated = a.date_of_birth is not None and b.date_of_birth is not None
    here = False  # the name's count in the municipality both live in decides
    if dated:
        rarity = rarity_points(namesakes)
    else:
        local = neighbours and a.municipality_id is not None
        alike = a_slip(written) or _same_name(a, b)
        here = bool(local and a.municipality_id == b.municipality_id and alike)
        rarity = undated_rarity_points(neighbours if here else namesakes)
    names = best_name_points(a, b)
    others = other_points(a, b, place_share, counted=here) + identifier_points(a, b)
    return names + rarity + birth_points(a, b) + others + address_points(a.address, b.address)


def a_slip(written: int | None) -> bool:
    """Whether a name nobody stored bears as written (``written``: how many stored persons
    bear it, ``bearers_as_written``) is a slip. Then what could explain it in a
    municipality is the persons there a slip from it, as for the same name the persons
    bearing it: a slip is rarely another person's name."""
    return written == 0


def bearers_as_written(counts: Mapping[str, tuple[int, int]], record: PersonRecord) -> int:
    """How many stored persons bear the record's name as written (``score``'s ``written``):
    the most sharing one of the name keys of its own tokens as written (``n``), from the
    caller's ``counts`` of the record's name keys (key -> persons in all, and locally)."""
    own = (key for key in name_keys(record) if key.startswith("n:"))
    return max((counts[key][0] for key in own if key in counts), default=0)


def _same_name(a: PersonRecord, b: PersonRecord) -> bool:
    """Whether a name either person is known by is, token for token, in the other's."""
    return any(
        name_points(x, y) == _NAME_EXACT * min(len(x), len(y))
        for x in compared_names(a)
        for y in compared_names(b)
    )


def explain(a: PersonRecord, b: PersonRecord) -> list[str]:
    """What speaks for ``a`` and ``b`` being the same person, as codes (the people app
    words them): the evidence ``points`` counts in favour, strongest first."""
    reasons = []
    if a.jmbg and a.jmbg == b.jmbg:
        reasons.append("same_jmbg")
    if document_points(a, b) == _DOCUMENT_SAME:
        reasons.append("same_document")
    own_a, own_b = (next(iter(compared_names(r)), ()) for r in (a, b))  # the name itself
    plain = name_points(own_a, own_b, may_have_married=may_have_married(a, b))
    best = best_name_points(a, b)
    if best > plain and best > 0:
        reasons.append("former_name")
    elif plain >= _NAME_EXACT * min(len(own_a), len(own_b)) > 0:
        reasons.append("same_name")
    elif plain > 0:
        reasons.append("similar_name")
    if same_parent(a, b):
        reasons.append("same_parent")
    born = birth_points(a, b)
    if born == _DOB_EXACT:
        reasons.append("same_date_of_birth")
    elif born in (_DOB_NEAR, _DOB_SLIP):
        reasons.append("near_date_of_birth")
    if address_points(a.address, b.address) == _ADDRESS_SAME:
        reasons.append("same_address")
    if a.municipality_id is not None and a.municipality_id == b.municipality_id:
        reasons.append("same_municipality")
    return reasons


def known_without_a_name(a: PersonRecord, b: PersonRecord) -> bool:
    """A record without a name (left blank, lost in an import) is still the person whose
    identity document number and date of birth it bears, both the same: neither alone
    (a household shares an address, a child is often recorded on a parent's document)."""
    return document_points(a, b) == _DOCUMENT_SAME and birth_points(a, b) == _DOB_EXACT


def explained_away(best: float, other: float) -> bool:
    """Whether a candidate scored ``other`` drops out beside one scored ``best``: a new
    person is at most one stored person, so a candidate ``RUNNER_UP_MARGIN`` points
    (e**3, about 20 times) less likely than the best is not shown. Candidates about as
    likely as the best all stay: they may be duplicates of each other."""
    return _log_odds(best) - _log_odds(other) > RUNNER_UP_MARGIN


def standing(found: Sequence[tuple[PersonRecord, float]]) -> list[float]:
    """How likely each candidate (a stored record and its ``score`` against the new one)
    is the new person once the other candidates are weighed: a new person is at most one
    stored person, so the candidates who cannot be one person with each other (``rivals``)
    are exclusive explanations of the new record, beside its being someone new. With
    ``o`` the odds ``score`` gives each against someone new, a candidate's is ``o / (1 +
    o + the rivals' o)``. Candidates who may be one person (stored twice: the reviewer
    should see both) are not rivals, and a candidate without rivals keeps its score."""
    odds = [exp(_log_odds(likelihood)) for _, likelihood in found]
    shares = []
    for i, (record, likelihood) in enumerate(found):
        against = sum(o for j, o in enumerate(odds) if j != i and rivals(record, found[j][0]))
        shares.append(likelihood if not against else odds[i] / (1 + odds[i] + against))
    return shares


def rivals(a: PersonRecord, b: PersonRecord) -> bool:
    """Whether two stored records cannot be one person: compared as a new record with a
    stored one (without the counts of the register), they are no likely match."""
    return score(a, b) < THRESHOLD


def _log_odds(likelihood: float) -> float:
    likelihood = min(max(likelihood, 1e-12), 1 - 1e-12)
    return log(likelihood / (1 - likelihood))


def score(
    a: PersonRecord,
    b: PersonRecord,
    *,
    namesakes: int | None = None,
    neighbours: int | None = None,
    place_share: float | None = None,
    written: int | None = None,
) -> float:
    """How likely ``a`` and ``b`` are the same person, in [0, 1]; compare with THRESHOLD.

    ``namesakes``: how many stored persons have the rarest name key ``a`` and ``b`` share
    (see ``name_keys``); unknown or none leaves rarity out. ``neighbours``: how many
    stored persons in ``a``'s municipality have that key (``b`` among them when it lives
    there); unknown leaves the municipality's count out. ``place_share``: the share of
    the population living in ``a``'s municipality (``place_points``); unknown: a fixed
    weight. ``written``: how many stored persons bear ``a``'s name as written (the
    ``bearers_as_written``; ``a_slip``); unknown: as if someone did.
    """
    if a.jmbg and a.jmbg == b.jmbg:
        return 1.0 / (1.0 + exp(_MIDPOINT - _JMBG_SAME))  # the same JMBG: the same person
    if not (name_variants(a) and name_variants(b)) and not known_without_a_name(a, b):
        return 0.0  # without a name there is nothing to go on
    evidence = points(
        a, b, namesakes=namesakes, neighbours=neighbours, place_share=place_share, written=written
    )
    return 1.0 / (1.0 + exp(_MIDPOINT - evidence))


# --- the address of residence ------------------------------------------------------------

#: words of an address that name no street: "ul." and "br." are written or left out at will
_ADDRESS_NOISE = frozenset({"ul", "ulica", "br", "broj", "bb"})
#: a number with a dot is an ordinal, part of a street's name ("27. marta", "1. maja")
_ADDRESS_TOKEN = re.compile(r"\d+\.|\d+|[a-z]+")
# points: the same street and house number; the same street, another number (a slip or a
# move within the street: weakly against); the same street where a number is missing
_ADDRESS_SAME, _ADDRESS_OTHER_NUMBER, _STREET_SAME = 4.0, -0.5, 1.0
# the same street, the house number's digits swapped (14, 41: ``numbers_swapped``)
_NUMBER_SWAPPED = 1.5
#: a street spelt (letters, without spaces) at least this long is compared within a typo
_STREET_MIN_LENGTH = 4


@dataclass(frozen=True)
class Address:
    """An address as compared: the street's words (folded ``letters``, ordinals kept as
    digits) and the house number ("12", "12a"), either possibly empty."""

    street: tuple[str, ...]
    number: str

    @property
    def spelt(self) -> str:
        """The street without spaces: a word split or run together is not a typo."""
        return "".join(self.street)


@_CACHED
def address_parts(text: str) -> Address:
    """The street and house number of an address typed as Serbian records write it
    ("Kneza Miloša 12/4, stan 3") or number first ("12 Stanley Street"). Only the part
    before the first comma is read (the rest is a flat, a building, a hamlet). The house
    number is the first number that is not an ordinal, with a one-letter suffix (12a,
    12 a); a flat after a slash is left out; "bb" (bez broja) is no number. The street
    is the words before the number, or after it when none precede it."""
    tokens = _ADDRESS_TOKEN.findall(fold(text).split(",")[0])
    before: list[str] = []
    after: list[str] = []
    number = ""
    for i, token in enumerate(tokens):
        if token.isdigit() and not number:
            suffix = tokens[i + 1] if i + 1 < len(tokens) else ""
            number = token + (suffix if len(suffix) == 1 and suffix.isalpha() else "")
        elif token.isdigit() or (len(token) == 1 and token.isalpha()):
            continue  # a flat, a number's suffix, an initial
        elif token not in _ADDRESS_NOISE:
            (after if number else before).append(letters(token.rstrip(".")))
    return Address(tuple(before or after), number.lstrip("0"))


def same_street(a: Address, b: Address) -> bool:
    """Two streets alike: spelt the same, or (long enough) within one typo."""
    x, y = a.spelt, b.spelt
    if not x or not y:
        return False
    close = min(len(x), len(y)) >= _STREET_MIN_LENGTH and one_typo_apart(x, y)
    return x == y or close


def address_points(a: str, b: str) -> float:
    """Two addresses of residence: the same street and house number is strong evidence
    (a house number on a street is one household: a few persons, though relatives
    share it, so not decisive); the same street with the number's digits swapped for (a
    slip: ``numbers_swapped``); with another number weakly against (a slip, or a move
    along the street); the same street without a number on one side a little for.
    Another street, or a missing one, counts neither way: people move."""
    if not a or not b:
        return 0.0
    x, y = address_parts(a), address_parts(b)
    if not same_street(x, y):
        return 0.0
    if x.number and y.number:
        if x.number == y.number:
            return _ADDRESS_SAME
        return _NUMBER_SWAPPED if numbers_swapped(x.number, y.number) else _ADDRESS_OTHER_NUMBER
    return _STREET_SAME


def numbers_swapped(a: str, b: str) -> bool:
    """Two house numbers alike but for two digits next to each other swapped (14 and 41):
    a typing slip, where another household's number on the street rarely is (FEBRL4: 44
    of 518 true pairs whose numbers differ on one street, 13 of 5,564 pairs of strangers
    on one street). One digit wrong is no evidence: it makes a neighbour's number (12,
    13, 22) as often (147 of 518 true pairs, 1,224 of 5,564 strangers)."""
    return a != b and sorted(a) == sorted(b) and edit_distance(a, b, score_cutoff=1) == 1


def address_keys(text: str) -> set[str]:
    """The blocking key of an address (``a``): the street, without spaces (words split or
    run together still agree), with the house number. One key, not one a street word:
    "Street", "Bulevar" and "Kneza" are in too many streets' names to block on."""
    parts = address_parts(text)
    if not parts.number or not parts.spelt:
        return set()
    return {f"a:{parts.spelt}|{parts.number}"}


# --- the ceiling of the evidence ---------------------------------------------------------


@dataclass(frozen=True)
class Ceilings:
    """The most each term of ``points`` can add, in each case told apart without the plain
    values: by the keys two records share and the columns stored in the clear (sex,
    municipality). The batch scan drops a pair whose sum of these is below ``midpoint``
    before decrypting anyone (``spona.people.scan.ceilings``, where the bound is proved).
    Kept beside the weights so that a changed weight moves its ceiling with it."""

    #: each token of the shorter name: at best the same
    token: float = max(_NAME_EXACT, _NAME_ONE_TYPO)
    #: dates of birth: the same (or day and month swapped: one key); a day or a year off;
    #: the same year (a digit of the day or month mistyped, ``_date_slip``, or the same
    #: month); another; and an estimated year against anything
    same_date: float = max(_DOB_EXACT, _DOB_NEAR)
    near_date: float = _DOB_NEAR
    same_year: float = max(_DOB_SLIP, _DOB_SAME_MONTH)
    other_date: float = _DOB_DIFFERENT
    undated: float = max(_YEAR_CLOSE, _YEAR_FAR, 0.0)
    #: either person bears no key made of a name (no name at all, or one word and no
    #: date): whether both are dated is unknown, and a record without a name matches by
    #: its date and document (``known_without_a_name``)
    unnamed: float = max(_DOB_EXACT, _DOB_NEAR, _YEAR_CLOSE, 0.0)
    #: sex: both known (plain), the same or not; one unknown (a JMBG may tell it)
    same_sex: float = _SEX_SAME
    other_sex: float = _SEX_CONFLICT
    unknown_sex: float = max(_SEX_SAME, _SEX_CONFLICT, 0.0)
    #: the municipality as the scan scores it (no ``place_share``: ``place_points(None)``)
    same_place: float = place_points(None)
    other_place: float = _PLACE_DIFFERENT
    #: the settlement and a parent's name (no key tells them)
    settlement: float = _SETTLEMENT_SAME
    parent: float = max(_PARENT_SAME, _PARENT_DIFFERENT, 0.0)
    #: documents on both sides: the same number, or one a slip from the other
    documents: float = max(_DOCUMENT_SAME, _DOCUMENT_NEAR)
    #: two valid JMBGs, not the same
    other_jmbg: float = _JMBG_DIFFERENT
    #: an address of street and number on both sides (the same, or a typo in the street;
    #: the number's digits swapped);
    #: on one side only (the other without a number: the same street)
    addresses: float = max(_ADDRESS_SAME, _NUMBER_SWAPPED, _STREET_SAME, _ADDRESS_OTHER_NUMBER, 0.0)
    one_address: float = max(_STREET_SAME, 0.0)
    #: ``score`` is at least ``THRESHOLD`` exactly when ``points`` reach this
    midpoint: float = _MIDPOINT + log(THRESHOLD / (1 - THRESHOLD))


CEILINGS = Ceilings()
