"""The local action plan through the year (issue 17): the plan as PDF in both scripts,
progress per activity and indicator, overdue activities reminding their lead, indicators bound
to numbers the system computes, comparisons, and the year-end report for the assembly."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from spona.accounts.models import Role
from spona.institutions.models import InstitutionType
from spona.planning import services
from spona.planning.models import Activity
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def local(municipality):
    return InstitutionFactory(
        name="Градска управа Пирот",
        type=InstitutionType.LOCAL_GOVERNMENT,
        municipality=municipality,
    )


@pytest.fixture
def coordinator(local):
    return UserFactory(role=Role.COORDINATOR, institution=local, language="sr")


@pytest.fixture
def school(municipality):
    return InstitutionFactory(
        name="Основна школа „Вук Караџић“", type=InstitutionType.SCHOOL, municipality=municipality
    )


def activity(coordinator, title, cost, **kw) -> Activity:
    return services.activity_save(
        user=coordinator,
        activity=Activity(
            municipality=coordinator.institution.municipality,
            year=kw.pop("year", YEAR),
            title=title,
            kind="basic_awareness",
            phase="prevention",
            cost=Decimal(cost),
            need=kw.pop("need", 0.8),
            evidence=0.5,
            evidence_source="study 2014",
            reach=0.5,
            **kw,
        ),
    )


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )


def test_the_plan_prints_in_both_scripts_with_owners_budget_and_overrides(
    coordinator, school
) -> None:
    workshops = activity(coordinator, "Радионице у школама", 60, lead=school)
    leaflets = activity(coordinator, "Летци", 10, need=0.1)
    services.budget_set(
        user=coordinator,
        municipality=coordinator.institution.municipality,
        year=YEAR,
        total=Decimal(60),
        by_funder={},
    )
    services.prioritise(
        user=coordinator, municipality=coordinator.institution.municipality, year=YEAR
    )
    leaflets.refresh_from_db()
    services.activity_override(
        user=coordinator,
        activity=leaflets,
        expected_version=leaflets.version,
        override="out",
        reason="Скупштина их не жели",
    )
    client = Client()
    client.force_login(coordinator)
    url = reverse("planning:plan_pdf") + f"?year={YEAR}"
    cyrillic = pdf_text(client.get(url, HTTP_ACCEPT_LANGUAGE="sr").content)
    assert "Локални акциони план" in cyrillic
    assert "Радионице у школама" in cyrillic
    assert "Основна школа „Вук Караџић“" in cyrillic
    assert "Скупштина их не жели" in cyrillic
    latin = pdf_text(client.get(url, HTTP_ACCEPT_LANGUAGE="sr-latn").content)
    assert "Lokalni akcioni plan" in latin
    assert "Radionice u školama" in latin
    assert "Osnovna škola „Vuk Karadžić“" in latin
    assert "Skupština ih ne želi" in latin
    assert workshops.title not in latin


def test_no_one_prints_another_municipalitys_plan(coordinator) -> None:
    other = MunicipalityFactory()
    client = Client()
    client.force_login(coordinator)
    asked = reverse("planning:plan_pdf") + f"?year={YEAR}&municipality={other.code}"
    assert client.get(asked).status_code == 404
    analyst = UserFactory(role=Role.ANALYST, institution=coordinator.institution)
    client.force_login(analyst)
    assert client.get(asked).status_code == 200
