"""Duplicate detection at registration: quality (precision, recall) and speed (p50/p95 ms).

    .venv/bin/python -m bench.duplicates                           # smoke run: 20,000 persons
    .venv/bin/python -m bench.duplicates --sizes 100000,1000000    # the targets' sizes
    .venv/bin/python -m bench.duplicates --memory --sizes 100000   # quality only, no database
    .venv/bin/python -m bench.duplicates --memory --explain 40     # misses and false matches
                                                                   # by variation kind

(``-m``: run as a file, ``bench/statistics.py`` would hide the standard library's.)
``--keep`` checks against the database a run before loaded (one size, the same seed, and
the keys set in the environment so the stored names decrypt); ``--rekey`` stores its
match keys again after the blocking keys changed.

Needs PostgreSQL (``--server``, default ``postgres://postgres@127.0.0.1:5432``); the bench
drops and re-creates its own database ``spona_bench`` there and migrates it.

What is generated (seeded, ``--seed``): Serbian persons (common given names by sex,
common surnames with a long tail, dates of birth, municipalities with unequal weights),
each written in Cyrillic or in Latin (with diacritics, without, or with Dj for Đ;
sometimes in capitals). Stored persons carry a light layer of errors; for queries:

* **duplicates**: a stored person written anew with errors: typos, given and family
  fields swapped, a patronymic, a married surname (added or instead), the date of
  birth missing (sometimes an estimated age instead) or off (a day, a year, day and
  month swapped), another municipality, sex unknown;
* **hard negatives**: new persons sharing names with a stored person: the same full
  name (born another day), the same given name and date of birth, or the same surname
  and birth year.

Identifiers (issue 19): every person has a valid JMBG (its date and sex, a region
70–89), recorded at ``RATES["jmbg"]`` of registrations (a recorded JMBG supplies a missing
date of birth, as the form does); a parent's (the father's) name at ``RATES["parent"]``;
a woman registered under her husband's surname instead of hers has her birth surname
recorded at ``RATES["birth_surname"]``. Đ is still typed as Dj or D.

Each query is one registration check, ``spona.people.duplicates.find_candidates``:
one indexed query ranking the persons that share hashed blocking keys, one counting
how common the name is, then decrypting the best-ranked candidates' names and dates
(Fernet, as the app stores them) and scoring them. Recall: duplicates whose stored
person came back at or above the threshold. Precision: of all persons returned, the
share that were the query's own. Times: per call, wall clock, after a warm-up.

Loading: persons are written with COPY, their names and dates encrypted one by one
with the app's cipher (an empty one stored empty, as the app stores it) and their keys
hashed with the app's key (test-mode keys made at start-up), in ``LOAD_PROCESSES`` forked workers; the key table's indexes are
dropped during the load and built again after it. The 1,000,000 run adds 900,000 to the 100,000 already loaded (about 7
minutes in all on 2 cores, 6 of them for the million). ``--memory`` instead keeps the blocking index in a dict
and ranks and scores the same way, to tune quickly (quality only).

Measured (2 cores, PostgreSQL 15, 4,000 checks per size; two benches side by side, so
times are pessimistic): seed 7 at 100,000 persons precision 0.988, recall 0.972, p50
8.5 ms, p95 14.6 ms; at 1,000,000 precision 0.968, recall 0.962, p50 36.7 ms, p95
52.5 ms (26 million key rows, 2.0 GiB with indexes). At 1,000,000, seed 8: precision
0.946, recall 0.953, p95 58.7 ms; seed 9: precision 0.970, recall 0.962, p95 46.3 ms.
Precision at a million varies by about two points between samples (false matches come
in clusters of namesakes).

Issue 19 (the generator with identifiers, seed 7; 2 cores shared with other benches):
on PostgreSQL, 1,000 checks: at 20,000 precision 0.986, recall 0.986, p50 11.1 ms, p95
19.6 ms; at 100,000 precision 0.978, recall 0.990, p50 20.7 ms, p95 46.6 ms. In memory, 2,000 checks, new rules against the issue-18 rules (identifiers
stripped, the old undated rarity, Dj as Đ only) on the same records: 20,000 persons
0.984 / 0.990 against 0.993 / 0.976; 100,000 persons 0.988 / 0.985 against 0.997 /
0.978 (precision / recall). The precision given up is the rule that a name only the
candidate bears matches without a date in another municipality: this generator's hard
negatives copy a stored person's exact name a quarter of the time, far more often than
a rare name recurs in a register.

Issue 19 at a million (6 December 2026, in memory, 2,000 checks; the machine shared, load
average 10-12): seed 7 at 1,000,000 precision 0.969, recall 0.951 with the rules before,
0.965 / 0.968 with the same name's count in the municipality both live in (undated pairs);
at 100,000 seeds 7, 8, 9: 0.988 / 0.985, 0.980 / 0.981, 0.973 / 0.985 before, 0.988 /
0.987, 0.979 / 0.984, 0.973 / 0.986 after. PostgreSQL at 1,000,000 not run (the load ran at a
third of its quiet speed); at 100,000, the same 2,000 checks: 0.981 / 0.985 before, 0.981 /
0.986 after (p95 159.6 ms at load 9-10 before, 82.0 ms at load 5.5 after); see
docs/performance.md, "The registration check at a million".

Generator faults fixed (h19online; docs/performance.md, "Third pass"): a record with a
JMBG now always carries the JMBG's date (it could carry a JMBG and another date, which the
form refuses), and the "same full name" negative is a new person who happens to bear a
stored name (``Generator.namesake``), not a stored name copied (which made a one-bearer
name recur as often as a common one); a hard negative's changed date or sex brings its own
JMBG, no JMBG is issued twice, and a record with a JMBG has the JMBG's sex. The municipalities carry census populations from the
generator's weights (``population``), for the same municipality's weight by its size. At
1,000,000 in memory: seed 7 precision 0.970, recall 0.976; seed 8 0.962 / 0.974.

Fourth pass (h19quality; docs/performance.md, "Fourth pass"): a patronymic that is the
record's own parent's name, a name nobody bears as written read as a slip, an estimated
age more than ten years off, and a replaced surname only beside an exact given name. At
1,000,000 in memory: seed 7 0.971 / 0.976 → 0.974 / 0.981; seed 8 0.963 / 0.973 → 0.967 /
0.975. Most false matches left are namesakes without a date in the same municipality.

Fifth pass (h32online; docs/performance.md, "Fifth pass"): candidates who cannot be one
person share the chance (``matching.standing``, applied here as in ``score_all``), and the
town's size is not counted again where the name's count there decides. At 1,000,000 in
memory: seed 7 0.974 / 0.981 → 0.977 / 0.980; seed 8 0.967 / 0.975 → 0.976 / 0.970; seed 9
0.966 / 0.979 → 0.978 / 0.977.

Sixth pass (h33online; docs/performance.md, "Sixth pass"): a surname is read as replaced by
marriage only where the parents' names, recorded on both, agree, and not beside a second
surname of hers left over. At 1,000,000 in memory: seed 7 0.977 / 0.980 → 0.980 / 0.980;
seed 8 0.976 / 0.970 → 0.977 / 0.970; seed 9 unchanged. This generator's common names are
rarer than the 2022 census's (Jovanović about 0.5% here, about 2% there), and it gives half
the women of any age, minors too, a husband's surname.

Eighth pass (h35online; docs/performance.md, "Eighth pass"): the wrong answers left at a
million, as comparison vectors, mostly share their evidence with pairs of the opposite truth
(a ceiling, and its cross-validation); a three-letter name typed with two letters counted as
one slip found 3 more of seed 8 at a million, and was withdrawn: two-letter given names exist
(An, Li, Vu), and twins of such names would match.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spona.people import matching
from spona.people.matching import PersonRecord

# --- names -------------------------------------------------------------------------------

# fmt: off
FEMALE = [
    "Milica", "Jelena", "Marija", "Ana", "Jovana", "Ivana", "Dragana", "Snežana", "Tijana",
    "Teodora", "Katarina", "Nevena", "Sanja", "Maja", "Gordana", "Jasmina", "Biljana", "Vesna",
    "Danijela", "Mirjana", "Ljiljana", "Nataša", "Aleksandra", "Sofija", "Anđela", "Milena",
    "Valentina", "Sara", "Kristina", "Marina", "Tamara", "Jovanka", "Dušica", "Slađana", "Zorica",
    "Svetlana", "Olivera", "Ljubica", "Radmila", "Nada", "Vera", "Branka", "Dragica", "Mila",
    "Nina", "Anja", "Isidora", "Natalija", "Lena", "Dunja", "Đurđa", "Anastasija", "Emilija",
    "Hristina", "Petra", "Bojana", "Violeta", "Stanislava", "Dejana", "Njegosava", "Ljubinka",
    "Mina", "Andrijana", "Jasna", "Sonja", "Željka", "Vesna", "Zlata"
]
MALE = [
    "Nikola", "Marko", "Stefan", "Aleksandar", "Luka", "Milan", "Nemanja", "Dragan", "Zoran",
    "Miloš", "Dušan", "Vladimir", "Nenad", "Dejan", "Ivan", "Goran", "Srđan", "Đorđe", "Petar",
    "Lazar", "Jovan", "Uroš", "Filip", "Vuk", "Dimitrije", "Mihajlo", "Bogdan", "Ognjen",
    "Predrag", "Miroslav", "Slobodan", "Branislav", "Bojan", "Darko", "Aleksa", "Veljko",
    "Andrija", "Pavle", "Radovan", "Mladen", "Saša", "Vladan", "Željko", "Živko", "Ljubomir",
    "Ljubiša", "Njegoš", "Đurađ", "Stevan", "Stojan", "Milorad", "Radoslav", "Dragoljub",
    "Momčilo", "Tihomir", "Vukašin", "Sava", "Strahinja", "Jakov", "Ilija", "Nebojša", "Đuro",
    "Zdravko", "Radomir", "Miodrag", "Dobrivoje", "Života", "Čedomir", "Ratko", "Boško"
]
SURNAMES = [
    "Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević", "Stojanović", "Ilić", "Stanković",
    "Pavlović", "Milošević", "Popović", "Todorović", "Đurić", "Živković", "Kostić", "Ristić",
    "Lazić", "Marinković", "Simić", "Jović", "Petković", "Antić", "Mitrović", "Savić", "Lukić",
    "Obradović", "Kovačević", "Ivanović", "Radovanović", "Milovanović", "Stevanović", "Tomić",
    "Vasić", "Mladenović", "Pešić", "Janković", "Vuković", "Marić", "Milenković", "Đokić",
    "Bogdanović", "Stojković", "Filipović", "Radosavljević", "Krstić", "Mihajlović", "Knežević",
    "Cvetković", "Babić", "Aleksić", "Ranković", "Grujić", "Živanović", "Radić", "Veličković",
    "Lazarević", "Perić", "Nedeljković", "Miljković", "Matić", "Gajić", "Milić", "Milojević",
    "Nešić", "Đukić", "Bošković", "Ćirić", "Vučković", "Milanović", "Zdravković", "Tasić",
    "Dimitrijević", "Stamenković", "Ljubisavljević", "Njegovan", "Šarić", "Čolić", "Jevtić",
    "Arsić", "Stefanović", "Rakić", "Spasić", "Ignjatović", "Pantić", "Dragović", "Nenadović",
    "Jakovljević", "Vujić", "Andrić", "Gavrilović", "Stojiljković", "Trajković", "Mićić", "Dukić",
    "Blagojević", "Dragićević", "Jeremić", "Jokić", "Kojić", "Mišić", "Nedić", "Protić",
    "Rajković", "Sretenović", "Tošić", "Urošević", "Vidić", "Zorić", "Ćosić", "Šćepanović",
    "Ljubić", "Njegić", "Džodić", "Đuričić", "Ćurčić", "Čačić", "Žugić"
]
_ROOTS = [
    "Rad", "Mil", "Drag", "Stan", "Vuk", "Bog", "Ljub", "Dobr", "Živ", "Slav", "Bran", "Mir",
    "Vel", "Pet", "Nov", "Jak", "Zlat", "Cvet", "Đur", "Stoj", "Mar", "Jan", "Kos", "Ran", "Lal",
    "Mat", "Sim", "Vas", "Tod", "Pop", "Kov", "Dim", "Raš", "Ned", "Tih", "Grad", "Vlad", "Bož",
    "Već", "Nen", "Sret", "Mlad", "Prod", "Pred", "Ostoj", "Bel", "Crn", "Sek", "Tešan", "Glig",
    "Maksim", "Bud", "Luk", "Vit", "Voj", "Zar", "Hadž", "Ars", "Bab", "Blag", "Cvij", "Čol",
    "Dam", "Dan", "Dej", "Dok", "Duš", "Đok", "Ešk", "Gaj", "Gav", "Grb", "Ign", "Ilij", "Jev",
    "Jok", "Kal", "Kar", "Kned", "Krst", "Lek", "Lep", "Ljuš", "Mak", "Man", "Mih", "Miš", "Mitr",
    "Mom", "Mrk", "Nik", "Njeg", "Obr", "Ogn", "Pan", "Pav", "Peš", "Prok", "Rak", "Ras", "Rist",
    "Sav", "Spas", "Srb", "Stef", "Šar", "Šeš", "Tad", "Taš", "Tom", "Trif", "Uroš", "Vas", "Ves",
    "Vid", "Vuč", "Zdrav", "Zec", "Žar", "Žug"
]
# fmt: on
_MIDDLES = (
    "o",
    "ojev",
    "ičev",
    "osavlj",
    "enk",
    "ov",
    "an",
    "ul",
    "oj",
    "ak",
    "in",
    "",
    "ar",
    "et",
    "il",
    "ut",
    "ol",
    "ašin",
)  # fmt: skip
_ENDS = ("ić", "ović", "ević", "ić", "ović")
MUNICIPALITIES = 170
#: how often a duplicate registration has each error (per name field for typos); the
#: stored registration has 0.3 times as many. Near the research anchors (10% typos per
#: field, 5% missing: ../shared/research/performance.md, 1.4), missing dates a little
#: more often: victims often have no documents.
RATES = {
    "typo": 0.10,
    "swapped": 0.05,
    "patronymic": 0.08,
    "married": 0.30,  # of married women: her husband's surname, added (60%) or instead
    "born_missing": 0.07,
    "born_off": 0.05,  # a day off, a year off, or day and month swapped
    "moved": 0.10,
    "place_missing": 0.03,
    "sex_unknown": 0.03,
    # issue 19: identifiers a registration may carry (victims often have no documents)
    "jmbg": 0.35,
    "parent": 0.30,
    "birth_surname": 0.50,  # of married names used instead: the birth surname recorded too
}

_CYRILLIC = {
    "a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "đ": "ђ", "e": "е", "ž": "ж",
    "z": "з", "i": "и", "j": "ј", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о",
    "p": "п", "r": "р", "s": "с", "t": "т", "ć": "ћ", "u": "у", "f": "ф", "h": "х",
    "c": "ц", "č": "ч", "š": "ш",
}  # fmt: skip
_CYR_DIGRAPHS = {"lj": "љ", "nj": "њ", "dž": "џ"}
_LATIN_LETTERS = "abcčćdđefghijklmnoprsštuvzž"
_CYRILLIC_LETTERS = "абвгдђежзијклљмнњопрстћуфхцчџш"


def place_shares() -> dict[int, float]:
    """Each municipality's share of the population, as the generator draws them."""
    weights = zipf_weights(MUNICIPALITIES, 1.0, 3)
    return {n: w / sum(weights) for n, w in enumerate(weights, start=1)}


def population(place: int) -> int:
    """A municipality's population as stored (``population_2022``), Serbia's 6.6 million
    spread by the generator's weights."""
    return round(6_600_000 * place_shares()[place])


def surname_list() -> list[str]:
    """The real common surnames, then a long tail made of roots and endings."""
    tail = {f"{r}{m}{e}" for r in _ROOTS for m in _MIDDLES for e in _ENDS}
    return SURNAMES + sorted(tail - set(SURNAMES))


def zipf_weights(count: int, exponent: float, offset: float) -> list[float]:
    """Zipf-Mandelbrot weights. As used: the commonest surname is 0.5% of persons and the
    ten commonest 4.5% (Jovanović is about 0.55% of Serbia's people, the ten commonest
    about 4%); the commonest given name is 2.9% of one sex, the ten commonest 24%."""
    return [1 / ((rank + offset) ** exponent) for rank in range(1, count + 1)]


def to_cyrillic(text: str) -> str:
    """Serbian Latin to Cyrillic (names only: every lj, nj, dž is one letter)."""
    out, i = [], 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair.lower() in _CYR_DIGRAPHS:
            letter = _CYR_DIGRAPHS[pair.lower()]
            out.append(letter.upper() if pair[0].isupper() else letter)
            i += 2
            continue
        char = text[i]
        letter = _CYRILLIC.get(char.lower(), char)
        out.append(letter.upper() if char.isupper() else letter)
        i += 1
    return "".join(out)


def ascii_latin(text: str, dj: str = "dj") -> str:
    """Latin as typed on a keyboard without Serbian letters: Đ as Dj (or D), č as c."""
    text = text.replace("Đ", dj.capitalize()).replace("đ", dj)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- persons -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    """A real person, in canonical Latin spelling."""

    given: str
    family: str
    sex: str
    born: date
    municipality: int
    father: str
    married: str = ""  # a woman's husband's surname, if she may use it
    jmbg: str = ""


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        #: the variation kinds of the last record written (``record``) and the kind of the
        #: last hard negative, for ``--explain``
        self.kinds: list[str] = []
        self.negative = ""
        #: the JMBGs issued so far (less their check digit)
        self.issued: set[str] = set()
        self.surnames = surname_list()
        # cumulative, as random.choices makes them from weights on every call (the same
        # draws, without summing 7,000 surname weights a person)
        self.surname_weights = list(accumulate(zipf_weights(len(self.surnames), 1.0, 40)))
        self.female_weights = list(accumulate(zipf_weights(len(FEMALE), 0.6, 12)))
        self.male_weights = list(accumulate(zipf_weights(len(MALE), 0.6, 12)))
        self.place_weights = list(accumulate(zipf_weights(MUNICIPALITIES, 1.0, 3)))

    def _pick(self, names: list[str], weights: list[float]) -> str:
        return self.rng.choices(names, cum_weights=weights)[0]

    def given_name(self, sex: str) -> str:
        if sex == "female":
            return self._pick(FEMALE, self.female_weights)
        return self._pick(MALE, self.male_weights)

    def surname(self) -> str:
        return self._pick(self.surnames, self.surname_weights)

    def birth_date(self) -> date:
        year = min(2012, max(1950, round(self.rng.gauss(1990, 12))))
        return date(year, 1, 1) + timedelta(days=self.rng.randrange(365))

    def place(self) -> int:
        return self.rng.choices(range(1, MUNICIPALITIES + 1), cum_weights=self.place_weights)[0]

    def entity(self) -> Entity:
        sex = "female" if self.rng.random() < 0.6 else "male"
        married = self.surname() if sex == "female" and self.rng.random() < 0.5 else ""
        born = self.birth_date()
        return Entity(
            given=self.given_name(sex),
            family=self.surname(),
            sex=sex,
            born=born,
            municipality=self.place(),
            father=self.given_name("male"),
            married=married,
            jmbg=self.jmbg(born, sex),
        )

    def jmbg(self, born: date, sex: str) -> str:
        """A valid JMBG for the date and sex (region 70-89, Serbia), never one issued
        before: two persons never share one."""
        from spona.people.jmbg import check_digit

        while True:
            serial = self.rng.randrange(500) + (500 if sex == "female" else 0)
            digits = f"{born:%d%m}{born.year % 1000:03d}{self.rng.randrange(70, 90)}{serial:03d}"
            if digits not in self.issued:
                self.issued.add(digits)
                return digits + str(check_digit(digits))

    # --- writing a person down -------------------------------------------------------

    def spell(self, text: str) -> str:
        """One way of writing a name: Cyrillic, Latin, ASCII Latin, Dj for Đ; capitals."""
        roll = self.rng.random()
        if roll < 0.45:
            written = to_cyrillic(text)
        elif roll < 0.75:
            written = text
        elif roll < 0.9:
            written = ascii_latin(text)
        elif roll < 0.97:
            written = text.replace("Đ", "Dj").replace("đ", "dj")
        else:
            written = ascii_latin(text, dj="d")
        return written.upper() if self.rng.random() < 0.05 else written

    def typo(self, text: str) -> str:
        """One slip: a wrong, missing, extra or swapped letter, rarely the first one."""
        letters = _CYRILLIC_LETTERS if any(c in _CYRILLIC_LETTERS for c in text.lower()) else ""
        alphabet = letters or _LATIN_LETTERS
        if len(text) < 3:
            return text
        at = 0 if self.rng.random() < 0.1 else self.rng.randrange(1, len(text) - 1)
        kind = self.rng.choice(("replace", "delete", "insert", "swap"))
        new = self.rng.choice(alphabet)
        new = new.upper() if text[at].isupper() else new
        if kind == "replace":
            return text[:at] + new + text[at + 1 :]
        if kind == "delete":
            return text[:at] + text[at + 1 :]
        if kind == "insert":
            return text[:at] + new + text[at:]
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]

    def record(self, entity: Entity, noisy: bool) -> PersonRecord:
        """The person as one registration writes them: ``RATES`` of errors for a
        duplicate registration, 0.3 times those for the stored one."""
        rate = 1.0 if noisy else 0.3
        rng = self.rng
        kinds = self.kinds = []
        given, family = entity.given, entity.family
        former: tuple[str, ...] = ()
        if entity.married and rng.random() < RATES["married"] * rate:
            if rng.random() < 0.4:
                if rng.random() < RATES["birth_surname"]:
                    former = (self.spell(family),)
                family = entity.married
                kinds.append("married instead" + (" (birth surname)" if former else ""))
            else:
                family = f"{family} {entity.married}"
                kinds.append("married added")
        if rng.random() < RATES["patronymic"] * rate:
            given = f"{given} {entity.father}"
            kinds.append("patronymic")
        given, family = self.spell(given), self.spell(family)
        typos = 0
        if rng.random() < RATES["typo"] * rate:
            given, typos = self.typo(given), typos + 1
        if rng.random() < RATES["typo"] * rate:
            family, typos = self.typo(family), typos + 1
        if typos:
            kinds.append(f"typos {typos}")
        if rng.random() < RATES["swapped"] * rate:
            given, family = family, given
            kinds.append("swapped")
        born, estimate = self.birth_record(entity.born, rate)
        sex = "unknown" if rng.random() < RATES["sex_unknown"] * rate else entity.sex
        place: int | None = entity.municipality
        if rng.random() < RATES["moved"] * rate:
            place = self.place()
            kinds.append("moved")
        elif rng.random() < RATES["place_missing"] * rate:
            place = None
            kinds.append("place missing")
        number = entity.jmbg if rng.random() < RATES["jmbg"] else ""
        if number:  # the form takes the date and sex from the JMBG, or refuses others
            born, estimate, sex = entity.born, None, entity.sex
        if sex != entity.sex:
            kinds.append("sex unknown")
        if born is None:
            kinds.append("date missing" + (" (age)" if estimate is not None else ""))
        elif born != entity.born:
            kinds.append("date off")
        if number:
            kinds.append("jmbg")
        parent = self.spell(entity.father) if rng.random() < RATES["parent"] else ""
        return PersonRecord(
            given,
            family,
            born,
            estimate,
            sex,
            place,
            jmbg=number,
            parent=parent,
            former_surnames=former,
        )

    def birth_record(self, born: date, rate: float) -> tuple[date | None, int | None]:
        """A date of birth as given: missing (half the time an age is estimated
        instead), off, or right."""
        rng = self.rng
        if rng.random() < RATES["born_missing"] * rate:
            estimate = born.year + rng.randint(-3, 3) if rng.random() < 0.5 else None
            return None, estimate
        if rng.random() < RATES["born_off"] * rate:
            return self.wrong_date(born), None
        return born, None

    def wrong_date(self, born: date) -> date:
        kind = self.rng.choice(("day", "year", "swap"))
        if kind == "swap" and born.day <= 12 and born.day != born.month:
            return born.replace(month=born.day, day=born.month)
        if kind == "year" and not (born.month == 2 and born.day == 29):
            return born.replace(year=born.year + self.rng.choice((-1, 1)))
        return born + timedelta(days=self.rng.choice((-1, 1)))

    def namesake(self, fresh: Entity, names: frozenset[tuple[str, str]]) -> Entity:
        """A new person who happens to bear a stored person's full name: persons drawn
        from the population until one does. Not a stored person's name copied: a copy
        makes a name borne by one stored person as likely to recur as a common one (a
        new person shares the name of someone stored in proportion to how common it is),
        and, without a date, such a namesake is then indistinguishable from the person's
        own duplicate that moved (see docs/performance.md, "The generator's namesakes")."""
        while (fresh.given, fresh.family) not in names:
            fresh = self.entity()
        return fresh

    def reborn(self, entity: Entity) -> Entity:
        """The entity with a JMBG for its (changed) date and sex: a JMBG encodes both."""
        return replace(entity, jmbg=self.jmbg(entity.born, entity.sex))

    def hard_negative(self, other: Entity, names: frozenset[tuple[str, str]]) -> Entity:
        """Someone else who shares names with ``other`` (or, for the same full name, with
        some stored person: ``names``, the stored full names)."""
        kind = self.rng.random()
        fresh = self.entity()
        if kind < 0.5:  # the same full name, born another day
            self.negative = "same full name"
            return self.namesake(fresh, names)
        if kind < 0.75:  # the same given name and date of birth
            self.negative = "same given name and date"
            return self.reborn(replace(fresh, given=other.given, sex=other.sex, born=other.born))
        self.negative = "same surname, born near"
        born = fresh.born + timedelta(days=365 * (other.born.year - fresh.born.year))
        return self.reborn(replace(fresh, family=other.family, born=born))


# --- the labelled sample -----------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    record: PersonRecord
    truth: int | None  # the stored person's index, None for a new person
    #: how it was written: its variation kinds, and a hard negative's kind
    kinds: tuple[str, ...] = ()


def queries(gen: Generator, entities: list[Entity], count: int) -> list[Query]:
    """Half duplicates of stored persons, half hard negatives."""
    out = []
    names = frozenset((e.given, e.family) for e in entities)
    for n in range(count):
        index = gen.rng.randrange(len(entities))
        if n % 2 == 0:
            record = gen.record(entities[index], noisy=True)
            out.append(Query(record, index, tuple(gen.kinds)))
        else:
            other = gen.hard_negative(entities[index], names)
            record = gen.record(other, noisy=True)
            out.append(Query(record, None, (gen.negative, *gen.kinds)))
    return out


@dataclass
class Tally:
    true_positives: int = 0
    false_positives: int = 0
    duplicates: int = 0
    candidates: int = 0
    #: per variation kind (``Query.kinds``): queries, misses, false matches
    kinds: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    #: the queries that missed their person or found someone else, with what they found
    wrong: list[tuple[Query, list[int]]] = field(default_factory=list)

    def add(self, query: Query, found: list[int], scored: int) -> None:
        self.candidates += scored
        if query.truth is not None:
            self.duplicates += 1
        hit = query.truth is not None and query.truth in found
        self.true_positives += hit
        self.false_positives += len(found) - hit
        missed = query.truth is not None and not hit
        for kind in query.kinds or ("plain",):
            row = self.kinds[kind]
            row[0] += 1
            row[1] += missed
            row[2] += len(found) - hit
        if missed or len(found) > hit:
            self.wrong.append((query, found))

    def print_kinds(self) -> None:
        """Misses and false matches by variation kind (a query counts under each of its
        kinds; a hard negative's first kind says what it shares)."""
        print(f"    {'kind':<36} {'queries':>7} {'misses':>6} {'false':>6}")
        for kind, (count, misses, false) in sorted(self.kinds.items()):
            print(f"    {kind:<36} {count:>7} {misses:>6} {false:>6}")

    @property
    def precision(self) -> float:
        returned = self.true_positives + self.false_positives
        return self.true_positives / returned if returned else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.duplicates if self.duplicates else 1.0


# --- in memory (no database) -------------------------------------------------------------


class MemoryIndex:
    """The blocking index as a dict, ranked and capped like ``find_candidates``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        #: each municipality's share of the population (``Municipality.population_2022``)
        self.shares = place_shares()
        self.keys: dict[str, list[int]] = defaultdict(list)
        self.records: list[PersonRecord] = []

    def add(self, record: PersonRecord) -> None:
        for key in matching.blocking_keys(record):
            self.keys[key].append(len(self.records))
        self.records.append(record)

    def find(self, record: PersonRecord) -> tuple[list[int], int]:
        shared: dict[int, list[str]] = defaultdict(list)
        for key in matching.blocking_keys(record):
            for index in self.keys.get(key, ()):
                shared[index].append(key)
        weights = {index: matching.rank_weight(keys) for index, keys in shared.items()}
        place = record.municipality_id

        def rank(i: int) -> tuple[int, bool, int]:
            return (-weights[i], place is None or self.records[i].municipality_id != place, i)

        ranked = sorted(weights, key=rank)[: self.limit]
        counts = self.namesakes(record)
        found = []
        for index in ranked:
            likelihood = self.score(record, index, counts)
            if likelihood >= matching.THRESHOLD:
                found.append((likelihood, index))
        best = max(found, default=(0.0, 0))[0]
        kept = [(s, i) for s, i in found if not matching.explained_away(best, s)]
        chances = matching.standing([(self.records[i], s) for s, i in kept])
        at_least = matching.THRESHOLD
        return [i for (_, i), c in zip(kept, chances, strict=True) if c >= at_least], len(ranked)

    def namesakes(self, record: PersonRecord) -> dict[str, tuple[int, int]]:
        """How many persons bear each name key of the record, in all and in its
        municipality (``duplicates._namesakes``)."""
        place = record.municipality_id
        counts = {}
        for key in matching.name_keys(record):
            bearers = self.keys.get(key, ())
            if bearers:
                local = sum(self.records[i].municipality_id == place for i in bearers)
                counts[key] = (len(bearers), local if place is not None else 0)
        return counts

    @staticmethod
    def rarest(
        counts: dict[str, tuple[int, int]], stored: PersonRecord
    ) -> tuple[int | None, int | None]:
        shared = [counts[k] for k in matching.name_keys(stored) if k in counts]
        if not shared:
            return None, None
        return min(c[0] for c in shared), min(c[1] for c in shared) or None

    def score(self, record: PersonRecord, index: int, counts: dict[str, tuple[int, int]]) -> float:
        stored = self.records[index]
        namesakes, neighbours = self.rarest(counts, stored)
        share = self.shares.get(record.municipality_id or 0)
        written = matching.bearers_as_written(counts, record)
        return matching.score(
            record,
            stored,
            namesakes=namesakes,
            neighbours=neighbours,
            place_share=share,
            written=written,
        )

    def explain(self, query: Query, found: list[int]) -> None:
        """One wrong answer: the query, the persons it found with their scores, and its
        own person (a miss) with its score and whether a key led to it."""
        record = query.record
        counts = self.namesakes(record)
        keys = matching.blocking_keys(record)

        def line(label: str, index: int) -> str:
            stored = self.records[index]
            likelihood = self.score(record, index, counts)
            blocked = bool(keys & matching.blocking_keys(stored))
            return (
                f"      {label} {_shown(stored)}  score {likelihood:.3f} namesakes "
                f"{self.rarest(counts, stored)} {'blocked' if blocked else 'NOT BLOCKED'}"
            )

        print(f"    {', '.join(query.kinds) or 'plain'}: {_shown(record)}")
        for index in found:
            if index != query.truth:
                print(line("found", index))
        if query.truth is not None and query.truth not in found:
            print(line("missed", query.truth))

    def block_sizes(self) -> list[int]:
        return sorted(len(v) for v in self.keys.values())


def run_memory(gen: Generator, size: int, sample: int, limit: int, explain: int = 0) -> None:
    entities = [gen.entity() for _ in range(size)]
    index = MemoryIndex(limit)
    for entity in entities:
        index.add(gen.record(entity, noisy=False))
    tally, times = Tally(), []
    for query in queries(gen, entities, sample):
        start = time.perf_counter()
        found, scored = index.find(query.record)
        times.append(time.perf_counter() - start)
        tally.add(query, found, scored)
    blocks = index.block_sizes()
    print(
        f"{size:>10,} persons (memory): precision {tally.precision:.3f}, recall "
        f"{tally.recall:.3f}; {len(blocks):,} keys, largest block {blocks[-1]:,}, "
        f"p99 block {blocks[int(len(blocks) * 0.99)]:,}; "
        f"{tally.candidates / sample:.0f} scored per check, "
        f"p50 {1e3 * statistics.median(times):.1f} ms (Python only)"
    )
    if explain:
        tally.print_kinds()
        for query, found in tally.wrong[:explain]:
            index.explain(query, found)


def _shown(record: PersonRecord) -> str:
    born = record.date_of_birth or (
        f"~{record.birth_year_estimate}" if record.birth_year_estimate else "-"
    )
    extra = " ".join(
        f"{label}={value}"
        for label, value in (
            ("jmbg", record.jmbg[-4:]),
            ("parent", record.parent),
            ("former", ",".join(record.former_surnames)),
        )
        if value
    )
    return f"{record.given} / {record.family} | {born} | {record.sex} | m{record.municipality_id} {extra}"


# --- PostgreSQL --------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def setup_django(server: str, database: str, *, keep: bool = False) -> None:
    """A fresh, migrated bench database; test-mode keys made for this run. ``keep``: the
    database is kept if it exists (its rows were encrypted with the keys ``bench_keys``
    sets, which must be set before)."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if exists and not keep:
            connection.execute(f'DROP DATABASE "{database}"')
        if not exists or not keep:
            connection.execute(f'CREATE DATABASE "{database}"')
    os.environ["DATABASE_URL"] = f"{server}/{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "spona.settings_test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_keys(name: str) -> None:
    """Fixed test-mode keys derived from ``name``, so that a kept bench database can be
    read by a later run (invented persons only: these keys protect nothing real)."""
    import base64
    import hashlib

    def derived(purpose: str) -> str:
        digest = hashlib.sha256(f"{name}:{purpose}".encode()).digest()
        return base64.urlsafe_b64encode(digest).decode()

    os.environ["SECRET_KEY"] = derived("secret")
    os.environ["FIELD_ENCRYPTION_KEYS"] = derived("fields")
    os.environ["BLIND_INDEX_KEY"] = derived("blind index")


@dataclass
class Store:
    """What is loaded: reference rows and the entities written so far."""

    municipalities: dict[int, int]  # generator number -> Municipality pk
    user_id: int
    institution_id: int
    entities: list[Entity]


def stored_reference_rows() -> Store:
    """The reference rows of a database loaded before (``--keep``)."""
    from spona.accounts.models import User
    from spona.institutions.models import Municipality

    municipalities = Municipality.objects.filter(district__code="99")
    places = {int(m.code): m.pk for m in municipalities}
    for m in municipalities.filter(population_2022__isnull=True):  # loaded before they were
        m.population_2022 = population(int(m.code))
        m.save(update_fields=["population_2022"])
    user = User.objects.get(username="bench")
    return Store(places, user.pk, user.institution_id, [])


def replay(store: Store, gen: Generator, upto: int, rekey: bool, batch: int = 20_000) -> float:
    """``load`` over a database loaded before with the same seed and keys: the generator is
    replayed to ``upto`` persons without writing them; with ``rekey`` their match keys are
    stored again (after the blocking keys changed)."""
    from django.db import connection

    from spona.people.duplicates import match_keys

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM people_person")
        (stored,) = cursor.fetchone()
    if stored != upto:
        raise SystemExit(f"--keep: the database holds {stored:,} persons, not {upto:,}")
    start = time.perf_counter()
    with connection.cursor() as cursor:
        if rekey:
            cursor.execute("TRUNCATE people_personmatchkey")
        with keys_unindexed(cursor) if rekey else nullcontext():
            while len(store.entities) < upto:
                chunk = [gen.entity() for _ in range(min(batch, upto - len(store.entities)))]
                first = len(store.entities) + 1
                store.entities.extend(chunk)
                records = [gen.record(entity, noisy=False) for entity in chunk]
                if rekey:
                    keys = [
                        (key, first + offset)
                        for offset, record in enumerate(records)
                        for key in match_keys(record)
                    ]
                    copy_rows(cursor, "people_personmatchkey (key, person_id)", keys)
        if rekey:
            cursor.execute("ANALYZE people_personmatchkey")
    return time.perf_counter() - start


def reference_rows() -> Store:
    from spona.accounts.models import Role, User
    from spona.institutions.models import District, Institution, InstitutionType, Municipality

    district = District.objects.create(code="99", name_cyr="Округ", name_lat="Okrug")
    places = {
        n: Municipality.objects.create(
            code=f"{n:05d}",
            name_cyr=f"Општина {n}",
            name_lat=f"Opština {n}",
            district=district,
            population_2022=population(n),
        ).pk
        for n in range(1, MUNICIPALITIES + 1)
    }
    institution = Institution.objects.create(
        name="Bench", type=InstitutionType.SOCIAL_WELFARE, municipality_id=places[1]
    )
    user = User.objects.create(username="bench", role=Role.CASE_MANAGER, institution=institution)
    return Store(places, user.pk, institution.pk, [])


_PERSON_COLUMNS = (
    "id, version, code, given_name, family_name, name_index, date_of_birth, estimated_age, "
    "sex, citizenship, municipality_id, settlement, registered_by_id, "
    "registered_by_institution_id, created_at, updated_at, jmbg, jmbg_index, "
    "jmbg_as_documented, parent_name, parent_name_index, birth_surname, previous_surnames, "
    "other_names, address"
)


def person_row(store: Store, pk: int, record: PersonRecord, now: Any) -> tuple:
    """A person's row as the app stores it (``encrypt`` leaves an empty value empty)."""
    from spona.core.fields import blind_index, encrypt
    from spona.people.identifiers import jmbg_index, name_index

    full = f"{record.given} {record.family}".strip()
    age = now.year - record.birth_year_estimate if record.birth_year_estimate else None
    born = record.date_of_birth.isoformat() if record.date_of_birth else ""
    place = store.municipalities.get(record.municipality_id or 0)
    return (
        pk, 1, f"B-{pk:09d}", encrypt(record.given), encrypt(record.family),
        blind_index(full), encrypt(born), age, record.sex, "RS", place, "",
        store.user_id, store.institution_id, now, now,
        encrypt(record.jmbg), jmbg_index(record.jmbg), False, encrypt(record.parent),
        name_index(record.parent), encrypt(", ".join(record.former_surnames)), "", "",
        encrypt(record.address),
    )  # fmt: skip


#: processes that encrypt the persons' fields and hash their keys while loading (the
#: generator, seeded, stays in the main process)
LOAD_PROCESSES = 3
_loading: dict[str, Any] = {}  # what the loading workers read, set before they fork


def _stored_rows(part: tuple[int, list[PersonRecord]]) -> tuple[list[tuple], list[tuple]]:
    """The person rows and key rows of records numbered from ``first`` (in a worker)."""
    from spona.people.duplicates import match_keys

    first, records = part
    store, now = _loading["store"], _loading["now"]
    persons, keys = [], []
    for offset, record in enumerate(records):
        pk = first + offset
        persons.append(person_row(store, pk, record, now))
        keys.extend((key, pk) for key in match_keys(record))
    return persons, keys


def load(store: Store, gen: Generator, upto: int, batch: int = 20_000) -> float:
    """Add entities until ``upto`` persons are stored; returns the seconds taken. The
    rows are made by ``LOAD_PROCESSES`` forked workers (encrypting and hashing is most
    of a load), a tenth of a batch each task, and written with COPY here."""
    import multiprocessing

    from django.db import connection
    from django.utils import timezone

    start = time.perf_counter()
    _loading.update(store=store, now=timezone.now())
    step = batch // 10
    with (
        multiprocessing.get_context("fork").Pool(LOAD_PROCESSES) as pool,
        connection.cursor() as cursor,
        keys_unindexed(cursor),
    ):
        while len(store.entities) < upto:
            chunk = [gen.entity() for _ in range(min(batch, upto - len(store.entities)))]
            first = len(store.entities) + 1
            store.entities.extend(chunk)
            records = [gen.record(entity, noisy=False) for entity in chunk]
            parts = [(first + i, records[i : i + step]) for i in range(0, len(records), step)]
            for persons, keys in pool.imap(_stored_rows, parts):
                copy_rows(cursor, f"people_person ({_PERSON_COLUMNS})", persons)
                copy_rows(cursor, "people_personmatchkey (key, person_id)", keys)
            print(f"  loaded {len(store.entities):,} persons", end="\r", flush=True)
    _loading.clear()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_person")
        cursor.execute("ANALYZE people_personmatchkey")
    return time.perf_counter() - start


@contextmanager
def keys_unindexed(cursor: Any) -> Iterator[None]:
    """Bulk loading: the key table's indexes are dropped and built again afterwards, and
    foreign keys are not checked row by row (the rows are consistent by construction)."""
    table = "people_personmatchkey"
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
        [table],
    )
    (primary,) = cursor.fetchone()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname <> %s",
        [table, primary],
    )
    indexes = cursor.fetchall()
    cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{primary}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute(
            f'ALTER TABLE {table} ADD CONSTRAINT "{primary}" PRIMARY KEY (key, person_id)'
        )
        for _name, definition in indexes:
            cursor.execute(definition)


def copy_rows(cursor: Any, target: str, rows: list[tuple]) -> None:
    with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def as_stored(store: Store, query: Query) -> Query:
    """The query with its municipality's primary key (the generator numbers them)."""
    place = query.record.municipality_id
    if place is None:
        return query
    record = replace(query.record, municipality_id=store.municipalities[place])
    return replace(query, record=record)


def run_database(
    store: Store, gen: Generator, sample: int, explain: bool = False
) -> tuple[Tally, list[float], int]:
    """Time ``sample`` registration checks against the stored persons."""
    from django.db import connection

    from spona.people.duplicates import find_candidates

    sample_queries = [as_stored(store, q) for q in queries(gen, store.entities, sample)]
    for query in sample_queries[:20]:  # warm up: caches, plans
        find_candidates(query.record)
    tally, times = Tally(), []
    for query in sample_queries:
        start = time.perf_counter()
        candidates = find_candidates(query.record)
        times.append(time.perf_counter() - start)
        tally.add(query, [c.person_id - 1 for c in candidates], 0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM people_personmatchkey")
        (key_rows,) = cursor.fetchone()
    print(
        f"  {len(store.entities):,} persons: precision {tally.precision:.3f}, recall "
        f"{tally.recall:.3f}, p50 {1e3 * percentile(times, 0.5):.1f} ms, "
        f"p95 {1e3 * percentile(times, 0.95):.1f} ms"
    )
    if explain:
        tally.print_kinds()
    return tally, times, key_rows


def report(rows: list[tuple[int, Tally, list[float], int, float]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
        cursor.execute("SELECT pg_total_relation_size('people_personmatchkey')")
        (key_bytes,) = cursor.fetchone()
    print(f"\nPostgreSQL {version}; the key table and its indexes: {key_bytes / 2**20:,.0f} MiB")
    print(
        f"{'persons':>10}  {'key rows':>11}  {'load s':>7}  {'precision':>9}  {'recall':>6}  "
        f"{'p50 ms':>7}  {'p95 ms':>7}  {'checks':>6}"
    )
    for size, tally, times, key_rows, seconds in rows:
        print(
            f"{size:>10,}  {key_rows:>11,}  {seconds:>7.0f}  {tally.precision:>9.3f}  "
            f"{tally.recall:>6.3f}  {1e3 * percentile(times, 0.5):>7.1f}  "
            f"{1e3 * percentile(times, 0.95):>7.1f}  {len(times):>6}"
        )
    print("targets (issue 19): precision >= 0.98, recall >= 0.98, p95 <= 100 ms at 1,000,000")


def sizes_in(text: str) -> Iterator[int]:
    return (int(s) for s in text.split(","))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000", help="stored persons, ascending")
    parser.add_argument("--sample", type=int, default=2000, help="checks per size (half dups)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--memory", action="store_true", help="quality only, in memory")
    parser.add_argument(
        "--explain",
        type=int,
        default=0,
        metavar="N",
        help="print misses and false matches by variation kind, and N wrong answers (memory)",
    )
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="spona_bench")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="check against the database a run before loaded (one size, the same seed; the "
        "keys are derived from the database's name)",
    )
    parser.add_argument("--rekey", action="store_true", help="with --keep: store the keys again")
    args = parser.parse_args()
    sizes = sorted(sizes_in(args.sizes))
    print(
        f"python {platform.python_version()}; {os.cpu_count()} cores; seed {args.seed}; "
        f"{args.sample} checks per size (half duplicates, half hard negatives)"
    )
    if args.memory:
        for size in sizes:
            run_memory(
                Generator(args.seed), size, args.sample, matching.CANDIDATE_LIMIT, args.explain
            )
        return
    bench_keys(args.database)
    setup_django(args.server, args.database, keep=args.keep)
    gen = Generator(args.seed)
    store, rows = (stored_reference_rows() if args.keep else reference_rows()), []
    for size in sizes:
        seconds = replay(store, gen, size, args.rekey) if args.keep else load(store, gen, size)
        print(f"\r  loaded {size:,} persons in {seconds:.0f} s")
        tally, times, key_rows = run_database(
            store, Generator(args.seed + size), args.sample, bool(args.explain)
        )
        rows.append((size, tally, times, key_rows, seconds))
    report(rows)


if __name__ == "__main__":
    main()
