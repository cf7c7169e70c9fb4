"""Lists of reference data follow the Serbian alphabet of the page's script (issue 20, point 1)."""

import random

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from spona.accounts.models import Role
from spona.core.collation import (
    CYRILLIC_ALPHABET,
    LATIN_ALPHABET,
    Script,
    serbian_sorted,
    sort_key,
)
from spona.core.translit import to_latin
from spona.institutions.models import InstitutionType
from tests.factories import InstitutionFactory, MunicipalityFactory

TOWNS = ["Шид", "Жабаљ", "Бујановац", "Црна Трава", "Деспотовац", "Ћуприја", "Љиг", "Лебане"]


def test_each_alphabet_is_in_its_own_order() -> None:
    for alphabet, script in [
        (list(CYRILLIC_ALPHABET), Script.CYRILLIC),
        (LATIN_ALPHABET, Script.LATIN),
    ]:
        shuffled = random.Random(11).sample(alphabet, len(alphabet))
        assert sorted(shuffled, key=lambda c, s=script: sort_key(c, s)) == alphabet


def test_cyrillic_towns_in_cyrillic_order() -> None:
    assert serbian_sorted(TOWNS, str, Script.CYRILLIC) == [
        "Бујановац",
        "Деспотовац",
        "Жабаљ",
        "Лебане",
        "Љиг",
        "Ћуприја",
        "Црна Трава",
        "Шид",
    ]


def test_the_same_towns_in_latin_order_with_digraphs_as_letters() -> None:
    ordered = [to_latin(t) for t in serbian_sorted(TOWNS, str, Script.LATIN)]
    assert ordered == [
        "Bujanovac",
        "Crna Trava",
        "Ćuprija",
        "Despotovac",
        "Lebane",
        "Ljig",
        "Šid",
        "Žabalj",
    ]
    assert serbian_sorted(["Njegoš", "Nova", "Džep", "Dubrava", "Đurđevo"], str, Script.LATIN) == [
        "Dubrava",
        "Džep",
        "Đurđevo",
        "Nova",
        "Njegoš",
    ]


@given(st.lists(st.text(alphabet=CYRILLIC_ALPHABET + " ", max_size=8), max_size=12))
def test_latin_order_of_cyrillic_text_equals_the_order_of_its_transliteration(names) -> None:
    """A name keeps its place whichever script it was stored in."""
    by_cyrillic_text = serbian_sorted(names, str, Script.LATIN)
    by_latin_text = serbian_sorted([to_latin(n) for n in names], str, Script.LATIN)
    assert [sort_key(n, Script.LATIN) for n in by_cyrillic_text] == [
        sort_key(n, Script.LATIN) for n in by_latin_text
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sr", ["Бујановац", "Жабаљ", "Зајечар", "Црна Трава", "Чачак", "Шид"]),
        ("sr-latn", ["Bujanovac", "Crna Trava", "Čačak", "Šid", "Zaječar", "Žabalj"]),
    ],
)
def test_the_municipality_register_is_listed_in_the_pages_alphabet(
    client_for, language, expected
) -> None:
    for code, (cyrillic, latin) in enumerate(
        [
            ("Шид", "Šid"),
            ("Жабаљ", "Žabalj"),
            ("Бујановац", "Bujanovac"),
            ("Црна Трава", "Crna Trava"),
            ("Зајечар", "Zaječar"),
            ("Чачак", "Čačak"),
        ]
    ):
        MunicipalityFactory(code=f"8{code:04}", name_cyr=cyrillic, name_lat=latin)
    client: Client = client_for(Role.CASE_MANAGER)
    page = client.get(reverse("institutions:municipality_list"), HTTP_ACCEPT_LANGUAGE=language)
    with translation.override(language):
        shown = [str(m) for m in page.context["municipalities"] if str(m) in expected]
    assert shown == expected


@pytest.mark.django_db
def test_the_triage_assign_list_is_sorted(municipality) -> None:
    from spona.signals.forms import AssignForm
    from tests.factories import UserFactory

    for name in ["Школа Жарко Зрењанин", "Дом здравља", "Центар за социјални рад", "Полиција"]:
        institution = InstitutionFactory(
            municipality=municipality, type=InstitutionType.SCHOOL, name=name
        )
        UserFactory(role=Role.CASE_MANAGER, institution=institution)  # it can receive
    raiser = UserFactory(
        role=Role.FRONTLINE, institution=InstitutionFactory(municipality=municipality)
    )
    from spona.signals.services import signal_raise

    signal = signal_raise(user=raiser, municipality=municipality, what_seen="Девојка ради ноћу")
    with translation.override("sr"):
        form = AssignForm(municipality=signal.municipality_id)
        names = [label for key, label in form.fields["institution"].choices if key]
    assert names == serbian_sorted(names, str, Script.CYRILLIC)
    assert (
        names.index("Дом здравља")
        < names.index("Полиција")
        < names.index("Центар за социјални рад")
    )
