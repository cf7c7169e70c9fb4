"""The screening API: the same services, policy and audit as the pages, and the same results
as the engine for every case of the scenario table."""

import pytest
from django.test import Client
from django.urls import reverse

from spona.accounts.models import Role
from spona.accounts.services import api_token_create
from spona.audit.models import AuditAction, AuditEvent
from spona.institutions.models import InstitutionType
from spona.people.models import Person
from spona.screening.engine import evaluate
from spona.screening.models import IndicatorCatalogue, Screening
from spona.screening.protocol import protocol_for
from spona.screening.services import FLAG_NAMES, catalogue_load_default
from spona.signals.services import signal_raise
from tests.factories import InstitutionFactory, UserFactory
from tests.screening_scenarios import SCENARIOS, Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(municipality):
    """The social welfare centre's case manager with a token, and a teacher of a school."""
    catalogue_load_default()
    csr = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    school = InstitutionFactory(type=InstitutionType.SCHOOL, municipality=municipality)
    manager = UserFactory(role=Role.CASE_MANAGER, institution=csr)
    teacher = UserFactory(role=Role.FRONTLINE, institution=school)
    return {
        "manager": manager,
        "teacher": teacher,
        "municipality": municipality,
        "as_manager": _client(manager),
        "as_teacher": _client(teacher),
    }


def _client(user) -> Client:
    _token, raw = api_token_create(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _body(scenario: Scenario) -> dict:
    f = scenario.facts
    return {
        "age_group": f.age_group.value,
        "indicators": sorted(f.indicators),
        "acts": sorted(f.acts),
        "means": sorted(f.means),
        "purposes": sorted(f.purposes),
        "risk_factors": sorted(f.risk_factors),
        "offences": sorted(f.offences),
        "flags": [name for name in FLAG_NAMES if getattr(f, name)],
    }


def _post(client: Client, body: dict):
    return client.post(reverse("api_screening_list"), body, content_type="application/json")


def test_every_scenario_through_the_api_ends_as_the_engine_says(api) -> None:
    """The API (and so the services the pages use) and the engine agree on every case of
    the table: outcome, reason, route and the protocol's steps."""
    catalogue = IndicatorCatalogue.objects.get(is_active=True).data
    for scenario in SCENARIOS:
        response = _post(api["as_manager"], _body(scenario))
        assert response.status_code == 201, (scenario.name, response.content)
        body = response.json()
        outcome = evaluate(catalogue, scenario.facts)
        assert (body["outcome"], body["not_trafficking_reason"], body["route"]) == (
            scenario.code,
            scenario.not_trafficking_reason,
            scenario.route,
        ), scenario.name
        assert sorted(step["code"] for step in body["protocol"]) == sorted(scenario.steps)
        assert body["prevention"] == outcome.prevention
        assert [r["code"] for r in body["reasons"]] == [r.code for r in outcome.reasons]
        assert sorted(s.code for s in protocol_for(outcome, scenario.facts)) == sorted(
            scenario.steps
        )


def test_a_screening_is_created_and_read_with_its_explanation_and_protocol(api) -> None:
    body = {
        "age_group": "adult",
        "acts": ["holding"],
        "means": ["withholding_documents", "threat"],
        "purposes": ["labour_exploitation"],
        "indicators": ["CD01", "CD02"],
        "offences": ["irregular_stay"],
        "flags": ["own_will", "needs_interpreter"],
        "notes": "Ради на градилишту од јуна.",
    }
    created = _post(api["as_manager"], body)
    assert created.status_code == 201
    screening = Screening.objects.get()
    assert (screening.rules_version, screening.flags["own_will"]) == ("2", True)
    detail = api["as_manager"].get(
        reverse("api_screening_detail", args=[screening.pk]), headers={"Accept-Language": "en"}
    )
    read = detail.json()
    assert (read["outcome"], read["route"], read["outcome_title"]) == (
        "presumed_victim_adult",
        "legal",
        "Presumed victim (adult)",
    )
    assert read["catalogue_version"] == screening.catalogue.version
    assert read["catalogue_verified"] is False
    assert read["notes"] == "Ради на градилишту од јуна."
    texts = [r["text"] for r in read["reasons"]]
    assert any(text.startswith("Route: the legal elements.") for text in texts)
    assert any("consent is irrelevant" in text for text in texts)
    assert [s["code"] for s in read["protocol"]][:2] == ["notify_centre_24h", "interpreter"]
    assert "non_punishment_residence" in [s["code"] for s in read["protocol"]]
    # the create, and the read, are audited
    events = AuditEvent.objects.filter(
        object_type="screening.screening", object_id=str(screening.pk)
    )
    assert {AuditAction.CREATE, AuditAction.UPDATE, AuditAction.READ} <= set(
        events.values_list("action", flat=True)
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"age_group": "adult", "ethnicity": "roma"}, "ethnicity"),
        ({"age_group": "adult", "culture": "traditional"}, "culture"),
        ({"age_group": "adult", "indicators": ["DR01", "XX99"]}, "indicators"),
        ({"age_group": "adult", "purposes": ["tradition"]}, "purposes"),
        ({"age_group": "adult", "risk_factors": ["roma"]}, "risk_factors"),
        ({"age_group": "adult", "flags": ["cultural_practice"]}, "flags"),
        ({"age_group": "adult", "person": "P-NOTSEEN"}, "person"),
    ],
)
def test_unknown_input_is_refused_with_its_field_and_nothing_is_written(api, body, field) -> None:
    """No input can be a person's origin or culture, and a code the catalogue does not know
    is refused: the answer names the field, and no person or screening is created."""
    response = _post(api["as_manager"], body)
    assert response.status_code == 400
    assert field in response.json()
    assert (Screening.objects.count(), Person.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        # a multipart writer that leaves out an empty value's line end: the parser drops
        # the values, and the screening was recorded without the means the client named
        (
            b'--b\r\nContent-Disposition: form-data; name="age_group"\r\n\r\nadult\r\n'
            b'--b\r\nContent-Disposition: form-data; name="means"\r\n\r\n--b--\r\n',
            "multipart/form-data; boundary=b",
        ),
        (b"age_group=adult&means=", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_that_is_not_json_is_refused_and_nothing_is_written(api, body, content_type) -> None:
    response = api["as_manager"].generic(
        "POST", reverse("api_screening_list"), body, content_type=content_type
    )
    assert response.status_code == 415
    assert Screening.objects.count() == 0


def test_a_teacher_who_raised_the_signal_cannot_read_the_screening(api) -> None:
    signal = signal_raise(
        user=api["teacher"], municipality=api["municipality"], what_seen="Ученица изостаје"
    )
    created = _post(
        api["as_manager"], {"age_group": "child", "signal": signal.code, "acts": ["recruitment"]}
    )
    screening_pk = created.json()["id"]
    teacher = api["as_teacher"]
    assert teacher.get(reverse("api_screening_detail", args=[screening_pk])).status_code == 404
    assert teacher.get(reverse("api_screening_rescreen", args=[screening_pk])).status_code == 404
    assert teacher.get(reverse("api_screening_list")).json()["results"] == []
    assert teacher.get(reverse("api_signal_detail", args=[signal.code])).status_code == 200


def test_a_list_of_screenings_is_an_audited_read(api) -> None:
    _post(api["as_manager"], {"age_group": "adult"})
    listed = api["as_manager"].get(reverse("api_screening_list")).json()
    code = listed["results"][0]["person"]
    read = AuditEvent.objects.filter(action=AuditAction.READ, object_type="").latest("seq")
    assert read.details["persons"] == [code]


def test_rescreening_through_the_api_changes_nothing(api) -> None:
    created = _post(api["as_manager"], {"age_group": "adult", "acts": ["recruitment"]}).json()
    Screening.objects.filter(pk=created["id"]).update(rules_version="1", outcome="at_risk")
    answer = api["as_manager"].get(reverse("api_screening_rescreen", args=[created["id"]])).json()
    assert (answer["decided"]["outcome"], answer["decided"]["rules_version"]) == ("at_risk", "1")
    assert (answer["current"]["outcome"], answer["current"]["rules_version"]) == (
        "insufficient_information",
        "2",
    )
    assert "outcome" in answer["changed"]
    assert Screening.objects.get(pk=created["id"]).outcome == "at_risk"
