"""The duplicate review queue in the API (issue 19): the Centre lists the open suggestions
(an audited read, reasons in the reader's language), confirms one (the records merge,
both histories kept) or rejects one, and starts a scan; a decided suggestion is refused
with a clear message and nothing changes; no other role gets in."""

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from spona.accounts.models import Role, User
from spona.accounts.services import api_token_create
from spona.audit.models import AuditEvent
from spona.cases.models import Case, CaseStatus
from spona.core.locking import StaleEditError
from spona.institutions.models import InstitutionType
from spona.jobs.models import Job, JobStatus
from spona.people.models import DuplicateSuspicion, Person, Resolution
from spona.people.selectors import REASONS
from spona.people.services import (
    SuggestionDecidedError,
    duplicate_scan,
    person_register,
    suggestion_confirm,
)
from tests.factories import InstitutionFactory, UserFactory

QUEUE = "/api/v1/people/duplicates/"


def _api(user: User, language: str = "en") -> Client:
    _token, raw = api_token_create(user=user, name="duplicates")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE=language)


def _register(municipality: Any, given: str, family: str, born: str, sex: str) -> Person:
    """A person registered by a case manager of an institution of their own (no check)."""
    institution = InstitutionFactory(municipality=municipality)
    user = UserFactory(role=Role.CASE_MANAGER, institution=institution)
    return person_register(
        user=user,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        sex=sex,
        municipality=municipality,
    )


@pytest.fixture
def centre(db: Any) -> User:
    institution = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    return UserFactory(role=Role.CENTRE_OFFICER, institution=institution)


@pytest.fixture
def marko(municipality: Any) -> tuple[Person, Person]:
    """Marko Ilić registered twice (two scripts, a day apart), and Ana, nobody's double;
    the scan suggests the one pair."""
    first = _register(municipality, "Марко", "Илић", "1985-11-20", "male")
    again = _register(municipality, "Marko", "Ilic", "1985-11-21", "male")
    _register(municipality, "Ана", "Стевановић", "2001-02-14", "female")
    duplicate_scan(user=None)
    return first, again


def _suggestion() -> DuplicateSuspicion:
    return DuplicateSuspicion.objects.get()


def test_the_centre_lists_the_open_suggestions_in_its_language_as_an_audited_read(
    marko: tuple[Person, Person], centre: User
) -> None:
    first, again = marko
    listed = _api(centre, "en").get(QUEUE).json()
    assert listed["count"] == 1
    (item,) = listed["results"]
    assert (item["person"], item["match"]) == (again.code, first.code)
    assert (item["person_version"], item["match_version"]) == (1, 1)
    assert item["found_by"] == "scan"
    assert item["cluster"] == first.pk
    assert 0 < item["score"] <= 1
    with translation.override("en"):
        assert str(REASONS["same_name"]) in item["reasons"]
    (serbian,) = _api(centre, "sr").get(QUEUE).json()["results"]
    with translation.override("sr"):
        assert str(REASONS["same_name"]) in serbian["reasons"]
    assert serbian["reasons"] != item["reasons"]

    read = AuditEvent.objects.filter(purpose="duplicate review").latest("pk")
    assert read.actor == centre
    assert set(read.details["listed"]["persons"]) == {first.code, again.code}


def test_an_empty_page_names_nobody(marko: tuple[Person, Person], centre: User) -> None:
    assert _api(centre).get(QUEUE, {"offset": 5}).json()["results"] == []
    assert not AuditEvent.objects.filter(purpose="duplicate review").exists()


def test_confirming_merges_the_two_records_keeping_both_histories(
    marko: tuple[Person, Person], centre: User
) -> None:
    first, again = marko
    Case.objects.create(
        person=again,
        status=CaseStatus.PRESUMED_VICTIM,
        opened_by_institution=again.registered_by_institution,
        opened_by=again.registered_by,
    )
    suggestion = _suggestion()
    api = _api(centre)
    url = f"{QUEUE}{suggestion.pk}/confirm/"
    body = {"keep": first.code, "person_version": 1, "match_version": 1}
    answer = api.post(url, body, content_type="application/json")
    assert answer.status_code == 200
    assert answer.json() == {"id": suggestion.pk, "resolution": "merged", "kept": first.code}

    again.refresh_from_db()
    assert again.merged_into == first
    assert first.cases.count() == 1  # the duplicate's case now belongs to the record kept
    suggestion.refresh_from_db()
    assert (suggestion.resolution, suggestion.resolved_by) == (Resolution.MERGED, centre)
    assert api.get(QUEUE).json()["count"] == 0

    twice = api.post(url, body, content_type="application/json")
    assert twice.status_code == 409
    with translation.override("en"):
        assert twice.json()["detail"] == str(SuggestionDecidedError.message)


def test_a_confirmation_from_a_stale_comparison_changes_nothing(
    marko: tuple[Person, Person], centre: User
) -> None:
    first, again = marko
    suggestion = _suggestion()
    url = f"{QUEUE}{suggestion.pk}/confirm/"
    api = _api(centre, "sr")
    stale = {"keep": first.code, "person_version": 1, "match_version": 7}
    refused = api.post(url, stale, content_type="application/json")
    assert refused.status_code == 409
    with translation.override("sr"):
        assert refused.json()["detail"] == str(StaleEditError.message)
    wrong = {"keep": "P-NOBODY", "person_version": 1, "match_version": 1}
    malformed = api.post(url, wrong, content_type="application/json")
    assert malformed.status_code == 400
    assert list(malformed.json()) == ["keep"]

    first.refresh_from_db()
    again.refresh_from_db()
    suggestion.refresh_from_db()
    assert (first.version, again.version) == (1, 1)
    assert (first.merged_into, again.merged_into) == (None, None)
    assert suggestion.resolved_at is None


def test_rejecting_closes_the_pair_for_good(marko: tuple[Person, Person], centre: User) -> None:
    suggestion = _suggestion()
    api = _api(centre)
    url = f"{QUEUE}{suggestion.pk}/reject/"
    answer = api.post(url)
    assert answer.status_code == 200
    assert answer.json() == {"id": suggestion.pk, "resolution": "not_duplicate", "kept": None}
    suggestion.refresh_from_db()
    assert (suggestion.resolution, suggestion.resolved_by) == (Resolution.NOT_DUPLICATE, centre)
    decided_at = suggestion.resolved_at

    again = api.post(url)
    assert again.status_code == 409
    suggestion.refresh_from_db()
    assert suggestion.resolved_at == decided_at
    assert duplicate_scan(user=None).new == 0
    assert api.get(QUEUE).json()["count"] == 0


def test_the_centre_starts_the_scan_as_a_job(marko: tuple[Person, Person], centre: User) -> None:
    answer = _api(centre).post(f"{QUEUE}scan/")
    assert answer.status_code == 202
    job = Job.objects.get(owner=centre)
    assert answer.json() == {"id": job.pk, "url": f"http://testserver/jobs/{job.pk}/"}
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["new"] == 0  # the pair is in the queue already


@pytest.mark.parametrize("role", [r for r in Role if r != Role.CENTRE_OFFICER])
def test_no_other_role_reviews_duplicates(
    marko: tuple[Person, Person], role: Role, social_welfare: Any
) -> None:
    first, _again = marko
    user = UserFactory(role=role, institution=None if role == Role.SYSTEM_ADMIN else social_welfare)
    api = _api(user)
    suggestion = _suggestion()
    body = {"keep": first.code, "person_version": 1, "match_version": 1}
    assert api.get(QUEUE).status_code == 403
    assert api.post(f"{QUEUE}scan/").status_code == 403
    assert api.post(f"{QUEUE}{suggestion.pk}/reject/").status_code == 403
    confirm = api.post(f"{QUEUE}{suggestion.pk}/confirm/", body, content_type="application/json")
    assert confirm.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.resolved_at is None
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(purpose="duplicate review").exists()


def test_two_reviewers_cannot_both_decide_one_suggestion(
    marko: tuple[Person, Person], centre: User
) -> None:
    """The second reviewer opened the suggestion before the first rejected it: the merge
    from that copy is refused (under the suggestion's row lock), and nothing is merged."""
    first, again = marko
    seen_by_second = _suggestion()
    assert _api(centre).post(f"{QUEUE}{seen_by_second.pk}/reject/").status_code == 200
    with pytest.raises(SuggestionDecidedError):
        suggestion_confirm(
            user=centre,
            suggestion=seen_by_second,
            keep=first,
            keep_version=1,
            duplicate_version=1,
        )
    again.refresh_from_db()
    assert again.merged_into is None
    assert again.version == 1
