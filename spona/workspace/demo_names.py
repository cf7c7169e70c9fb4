"""Invented names for demo persons: the given name matches the person's sex, and each person's
name is written in one script, Cyrillic or Latin, never a mix of both."""

import random
from dataclasses import dataclass

from spona.core.translit import to_latin
from spona.people.models import Sex

#: given names by sex, in Cyrillic (the Latin form is their transliteration)
FEMALE_GIVEN = (
    "Милица",
    "Јована",
    "Ана",
    "Драгана",
    "Марија",
    "Љубица",
    "Снежана",
    "Јелена",
    "Тамара",
    "Сања",
    "Ивана",
    "Невена",
)
MALE_GIVEN = (
    "Ђорђе",
    "Никола",
    "Стефан",
    "Марко",
    "Милош",
    "Душан",
    "Немања",
    "Лазар",
    "Александар",
    "Вук",
)
#: family names (the same for women and men in Serbian)
FAMILY = (
    "Јовановић",
    "Петровић",
    "Николић",
    "Марковић",
    "Ђорђевић",
    "Стојановић",
    "Илић",
    "Павловић",
    "Стевановић",
    "Ристић",
    "Митровић",
    "Јашаревић",
)


@dataclass(frozen=True)
class DemoName:
    given_name: str
    family_name: str
    sex: Sex


def demo_name(rng: random.Random, *, sex: Sex | None = None) -> DemoName:
    """A given name of the person's sex and a family name, both in the same script."""
    sex = sex or rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE])
    given = rng.choice(FEMALE_GIVEN if sex == Sex.FEMALE else MALE_GIVEN)
    family = rng.choice(FAMILY)
    if rng.random() < 0.4:
        given, family = to_latin(given), to_latin(family)
    return DemoName(given, family, sex)
