"""The mandate matrix: the study's default, adapted per municipality by its coordinator."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from spona.accounts.models import Role
from spona.audit.models import AuditAction, AuditEvent
from spona.coordination import selectors, services
from spona.coordination.models import Mandate, MandateRole
from spona.institutions.models import InstitutionType
from spona.signals.access import triage_municipality
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_default_matrix_follows_the_study(municipality) -> None:
    cells = selectors.matrix(municipality)
    assert cells["local_government"][0].role == "leads"  # prevention campaigns
    assert cells["social_welfare"][2].role == "leads"  # protection of each victim
    assert cells["national_centre"][1].role == "leads"  # formal identification of adults
    assert selectors.with_role(municipality, "integration", MandateRole.LEADS) == [
        "local_government",
        "employment",
    ]


def test_coordinator_adapts_own_matrix_and_it_is_audited(municipality) -> None:
    coordinator = UserFactory(
        role=Role.COORDINATOR,
        institution=InstitutionFactory(
            type=InstitutionType.LOCAL_GOVERNMENT, municipality=municipality
        ),
    )
    client = Client()
    client.force_login(coordinator)
    data = {
        "institution_type": "ngo",
        "phase": "integration",
        "role": "leads",
        "note": "Сигурна кућа води интеграцију",
    }
    assert client.post(reverse("coordination:mandate_edit"), data).status_code == 302
    cell = selectors.matrix(municipality)["ngo"][3]
    assert (cell.role, cell.local) == ("leads", True)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="coordination.mandate")
    assert (event.details["from"], event.details["to"]) == ("contributes", "leads")
    elsewhere = MunicipalityFactory()
    assert selectors.matrix(elsewhere)["ngo"][3].role == "contributes"


def test_others_may_not_change_the_matrix(municipality) -> None:
    manager = UserFactory(
        role=Role.CASE_MANAGER, institution=InstitutionFactory(municipality=municipality)
    )
    with pytest.raises(PermissionDenied):
        services.mandate_set(
            user=manager,
            municipality=municipality,
            institution_type="ngo",
            phase="integration",
            role="leads",
            note="",
        )


def test_who_does_what_shows_duty_lines(municipality) -> None:
    InstitutionFactory(
        type=InstitutionType.POLICE,
        municipality=municipality,
        name="Полицијска управа",
        duty_phone="+381 10 192",
    )
    viewer = UserFactory(
        role=Role.ANALYST, institution=InstitutionFactory(municipality=municipality)
    )
    client = Client()
    client.force_login(viewer)
    html = client.get(
        reverse("coordination:who_does_what"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "+381 10 192" in html
    assert "first responders" in html


def test_a_changed_cell_decides_who_triages_at_the_next_question(municipality) -> None:
    """The municipality's own cells are kept in the cache; a change drops them at once."""
    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    officer = UserFactory(role=Role.CASE_MANAGER, institution=police)
    coordinator = UserFactory(
        role=Role.COORDINATOR,
        institution=InstitutionFactory(
            type=InstitutionType.LOCAL_GOVERNMENT, municipality=municipality
        ),
    )
    assert triage_municipality(officer) == municipality.pk  # the police lead identification
    change = {"municipality": municipality, "institution_type": "police", "phase": "identification"}
    services.mandate_set(user=coordinator, **change, role=MandateRole.INFORMED, note="")
    assert triage_municipality(officer) is None
    Mandate.objects.filter(municipality=municipality).delete()  # back to the study's default
    assert triage_municipality(officer) == municipality.pk
