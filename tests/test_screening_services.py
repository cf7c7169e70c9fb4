"""Screenings as saved work: drafts, completion, the case and referral, amendments, the
protocol's deadlines, and replacing the indicator catalogue."""

import copy
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spona.accounts.models import Role
from spona.cases.models import Case, CaseStatus, ConsentMethod, DataCategory, Referral
from spona.cases.services import consent_record
from spona.core.locking import StaleEditError
from spona.institutions.models import InstitutionType
from spona.policy import visible
from spona.screening import catalogue as catalogue_io
from spona.screening import services
from spona.screening.models import IndicatorCatalogue, ProtocolStep, Screening
from spona.signals.services import signal_raise
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db
PRESUMED_ADULT = ["DR01", "DR02", "EC01", "EC02", "CD01", "CD02"]


@pytest.fixture
def setting(municipality):
    """A school, a social welfare centre and the national Centre, with their people."""
    services.catalogue_load_default()
    school = InstitutionFactory(type=InstitutionType.SCHOOL, municipality=municipality)
    csr = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    return {
        "teacher": UserFactory(role=Role.FRONTLINE, institution=school),
        "manager": UserFactory(role=Role.CASE_MANAGER, institution=csr),
        "supervisor": UserFactory(role=Role.SUPERVISOR, institution=csr),
        "officer": UserFactory(role=Role.CENTRE_OFFICER, institution=centre),
        "school": school,
        "csr": csr,
        "centre": centre,
        "municipality": municipality,
    }


def _signal(setting, **extra):
    return signal_raise(
        user=setting["teacher"], municipality=setting["municipality"], what_seen="x", **extra
    )


def test_screening_from_a_signal_registers_an_unnamed_person(setting) -> None:
    signal = _signal(setting, child_involved="yes")
    screening = services.screening_start(user=setting["manager"], signal=signal)
    signal.refresh_from_db()
    assert signal.person == screening.person
    assert (signal.status, screening.age_group, screening.person.full_name) == (
        "screening",
        "child",
        "",
    )


def test_draft_is_saved_resumed_and_locked(setting) -> None:
    screening = services.screening_start(user=setting["manager"])
    services.screening_save_draft(
        user=setting["manager"],
        screening=screening,
        expected_version=1,
        data={"indicators": ["DR01"]},
    )
    resumed = Screening.objects.get(pk=screening.pk)
    assert (resumed.indicators, resumed.status, resumed.outcome) == (["DR01"], "draft", "")
    with pytest.raises(StaleEditError):
        services.screening_save_draft(
            user=setting["supervisor"], screening=resumed, expected_version=1, data={}
        )


def test_presumed_adult_opens_a_case_referred_to_the_centre(setting) -> None:
    screening = services.screening_start(user=setting["manager"], signal=_signal(setting))
    outcome = services.screening_complete(
        user=setting["manager"],
        screening=screening,
        expected_version=1,
        data={"indicators": PRESUMED_ADULT},
    )
    assert outcome.code == "presumed_victim_adult"
    case = Case.objects.get()
    assert (case.status, case.is_child, case.opened_by_institution) == (
        CaseStatus.PRESUMED_VICTIM,
        False,
        setting["csr"],
    )
    referral = Referral.objects.get()
    assert (referral.to_institution, referral.reason) == (setting["centre"], "identification_adult")
    assert case in visible(setting["officer"], Case)
    # the Centre sees the case at once, the person once they agree to share their identity
    assert screening.person not in visible(setting["officer"], type(screening.person))
    consent_record(
        user=setting["manager"],
        case=case,
        institution_type=InstitutionType.NATIONAL_CENTRE,
        category=DataCategory.IDENTITY,
        method=ConsentMethod.WRITTEN,
    )
    assert screening.person in visible(setting["officer"], type(screening.person))


def test_presumed_child_screened_at_school_is_referred_to_guardianship_and_the_centre(
    setting,
) -> None:
    teacher = setting["teacher"]
    screening = services.screening_start(user=teacher)
    services.screening_complete(
        user=teacher,
        screening=screening,
        expected_version=1,
        data={"age_group": "child", "acts": ["recruitment"], "purposes": ["begging"]},
    )
    targets = set(Referral.objects.values_list("to_institution", "reason"))
    assert targets == {
        (setting["csr"].pk, "identification_child"),
        (setting["centre"].pk, "coordination_child"),
    }


def test_protocol_steps_carry_their_deadlines(setting) -> None:
    screening = services.screening_start(user=setting["manager"])
    before = timezone.now()
    services.screening_complete(
        user=setting["manager"],
        screening=screening,
        expected_version=1,
        data={"indicators": PRESUMED_ADULT, "flags": {"immediate_danger": True}},
    )
    steps = {s.code: s for s in screening.steps.all()}
    assert steps["notify_centre_24h"].due_at - before == pytest.approx(
        timedelta(hours=24), abs=timedelta(minutes=1)
    )
    assert steps["police_now"].due_at - before <= timedelta(hours=1, minutes=1)
    assert steps["no_confrontation"].due_at is None


def test_overdue_steps_are_shown_to_the_supervisor(setting) -> None:
    screening = services.screening_start(user=setting["manager"])
    services.screening_complete(
        user=setting["manager"],
        screening=screening,
        expected_version=1,
        data={"indicators": PRESUMED_ADULT},
    )
    ProtocolStep.objects.filter(code="notify_centre_24h").update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    client = Client()
    client.force_login(setting["supervisor"])
    page = client.get(reverse("screening:overdue"))
    assert [s.code for s in page.context["steps"]] == ["notify_centre_24h"]
    services.protocol_step_done(
        user=setting["manager"], step=ProtocolStep.objects.get(code="notify_centre_24h")
    )
    assert not client.get(reverse("screening:overdue")).context["steps"]


def test_amendment_keeps_the_previous_version_and_reevaluates(setting) -> None:
    screening = services.screening_start(user=setting["manager"])
    services.screening_complete(
        user=setting["manager"],
        screening=screening,
        expected_version=1,
        data={"indicators": ["DR01"]},
    )
    assert screening.outcome == "insufficient_information"
    services.screening_amend(
        user=setting["manager"],
        screening=screening,
        expected_version=2,
        data={"indicators": PRESUMED_ADULT},
        reason="Нови разговор",
    )
    revision = screening.revisions.get()
    assert (revision.snapshot["indicators"], revision.snapshot["outcome"]) == (
        ["DR01"],
        "insufficient_information",
    )
    assert screening.outcome == "presumed_victim_adult"
    assert Case.objects.filter(person=screening.person).count() == 1


def test_teacher_sees_their_signal_but_not_the_screening(setting) -> None:
    signal = _signal(setting)
    screening = services.screening_start(user=setting["manager"], signal=signal)
    services.screening_complete(
        user=setting["manager"],
        screening=screening,
        expected_version=1,
        data={"indicators": PRESUMED_ADULT},
    )
    client = Client()
    client.force_login(setting["teacher"])
    assert client.get(reverse("signals:signal_detail", args=[signal.code])).status_code == 200
    assert client.get(reverse("screening:screening_result", args=[screening.pk])).status_code == 404
    assert (
        client.get(reverse("people:person_detail", args=[screening.person.code])).status_code == 404
    )


def test_result_page_explains_the_outcome(setting) -> None:
    screening = services.screening_start(user=setting["manager"])
    services.screening_complete(
        user=setting["manager"],
        screening=screening,
        expected_version=1,
        data={"indicators": PRESUMED_ADULT},
    )
    client = Client()
    client.force_login(setting["manager"])
    page = client.get(
        reverse("screening:screening_result", args=[screening.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert "Presumed victim (adult)" in html
    assert (
        "A recruitment dimension, the exploitation dimension and a coercion dimension are all positive."
        in html
    )
    assert "Notify the Centre for Human Trafficking Victims Protection within 24 hours." in html
    assert "not a legal decision" in html


def test_screening_through_the_form(setting) -> None:
    client = Client()
    client.force_login(setting["manager"])
    start = client.post(reverse("screening:screening_start"))
    screening = Screening.objects.get()
    assert start["Location"] == reverse("screening:screening_edit", args=[screening.pk])
    form = {
        "version": 1,
        "age_group": "adult",
        "purposes": ["labour_exploitation"],
        "dim_deceptive_recruitment": ["DR01", "DR02"],
        "dim_exploitative_conditions_of_work": ["EC01", "EC02"],
        "dim_coercion_at_destination": ["CD01", "CD02"],
        "needs": ["medical_needs"],
        "complete": "1",
    }
    response = client.post(reverse("screening:screening_edit", args=[screening.pk]), form)
    assert response["Location"] == reverse("screening:screening_result", args=[screening.pk])
    screening.refresh_from_db()
    assert (screening.outcome, screening.flags["medical_needs"]) == ("presumed_victim_adult", True)


# --- the catalogue is data, replaceable by an administrator -------------------------------


def _new_version() -> dict:
    document = json.loads(catalogue_io.DEFAULT_PATH.read_text(encoding="utf-8"))
    changed = copy.deepcopy(document)
    changed["version"] = "ilo-ec-2009-delphi/verified-2027"
    changed["provenance"]["verified"] = True
    return changed


def test_shipped_catalogue_carries_provenance_and_version(setting) -> None:
    active = IndicatorCatalogue.objects.get(is_active=True)
    assert active.data["provenance"]["source"].startswith("ILO/European Commission")
    assert len(active.data["indicators"]) == 67
    assert not active.verified


def test_administrator_replaces_the_catalogue_and_old_screenings_keep_theirs(setting) -> None:
    old = services.screening_start(user=setting["manager"])
    admin = UserFactory(role=Role.SYSTEM_ADMIN, institution=None)
    client = Client()
    client.force_login(admin)
    upload = SimpleUploadedFile(
        "new.json", json.dumps(_new_version()).encode(), content_type="application/json"
    )
    response = client.post(reverse("screening:catalogue"), {"file": upload})
    assert response.status_code == 302
    active = IndicatorCatalogue.objects.get(is_active=True)
    assert (active.version, active.verified) == ("ilo-ec-2009-delphi/verified-2027", True)
    assert Screening.objects.get(pk=old.pk).catalogue.version != active.version
    assert services.screening_start(user=setting["manager"]).catalogue == active


def test_a_broken_catalogue_is_refused_whole_with_its_errors(setting) -> None:
    broken = _new_version()
    broken["indicators"][3]["dimension"] = "no_such_dimension"
    broken["indicators"][5]["strength"]["adult_labour"] = "X"
    admin = UserFactory(role=Role.SYSTEM_ADMIN, institution=None)
    client = Client()
    client.force_login(admin)
    upload = SimpleUploadedFile("bad.json", json.dumps(broken).encode())
    response = client.post(
        reverse("screening:catalogue"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    errors = response.context["form"].errors["file"]
    assert any("indicator 4" in e and "unknown dimension" in e for e in errors)
    assert any("indicator 6" in e and "strengths" in e for e in errors)
    assert IndicatorCatalogue.objects.count() == 1


def test_only_a_system_administrator_loads_a_catalogue(setting) -> None:
    client = Client()
    client.force_login(setting["manager"])
    upload = SimpleUploadedFile("new.json", json.dumps(_new_version()).encode())
    assert client.post(reverse("screening:catalogue"), {"file": upload}).status_code == 403
    assert IndicatorCatalogue.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "title"),
    [
        ({"indicators": PRESUMED_ADULT}, "Presumed victim (adult)"),
        (
            {"age_group": "child", "acts": ["recruitment"], "purposes": ["forced_marriage"]},
            "Presumed victim (child)",
        ),
        ({"indicators": ["DR01", "DR02"]}, "At risk: prevention track"),
        ({"indicators": ["DR01"]}, "Insufficient information"),
        (
            {
                "flags": {
                    "consented_to_movement": True,
                    "ended_on_arrival": True,
                    "free_after_arrival": True,
                    "holds_own_documents": True,
                }
            },
            "Not trafficking",
        ),
    ],
)
def test_every_outcome_is_explained_on_screen(setting, data, title) -> None:
    screening = services.screening_start(user=setting["manager"])
    services.screening_complete(
        user=setting["manager"], screening=screening, expected_version=1, data=data
    )
    client = Client()
    client.force_login(setting["manager"])
    page = client.get(
        reverse("screening:screening_result", args=[screening.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert title in page.content.decode()
    assert page.context["reasons"]
    assert page.context["steps"]
