"""Two people edit the same record: the second save is refused, never silently applied."""

import pytest
from django.test import Client
from django.urls import reverse

from spona.accounts.models import Role
from spona.core.locking import StaleEditError
from spona.people.models import Person
from spona.people.services import person_update

pytestmark = pytest.mark.django_db


def _form(person: Person, **changes: object) -> dict[str, object]:
    data = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "sex": person.sex,
        "citizenship": "",
        "settlement": "",
        "version": person.version,
    }
    return {**data, **changes}


def test_stale_edit_is_refused_by_the_service(person) -> None:
    first = Person.objects.get(pk=person.pk)
    second = Person.objects.get(pk=person.pk)
    first.family_name = "Прва"
    person_update(
        user=person.registered_by, person=first, expected_version=1, changed=["family_name"]
    )
    second.family_name = "Друга"
    with pytest.raises(StaleEditError):
        person_update(
            user=person.registered_by, person=second, expected_version=1, changed=["family_name"]
        )
    assert Person.objects.get(pk=person.pk).family_name == "Прва"


def test_stale_edit_in_the_browser_shows_a_clear_message(person) -> None:
    alice, bob = Client(), Client()
    alice.force_login(person.registered_by)
    bob.force_login(person.registered_by)
    url = reverse("people:person_edit", args=[person.code])
    stale = _form(person)
    assert alice.post(url, _form(person, family_name="Прва")).status_code == 302
    response = bob.post(url, {**stale, "family_name": "Друга"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    person.refresh_from_db()
    assert (person.family_name, person.version) == ("Прва", 2)


def test_fresh_edit_is_saved_and_audited(person) -> None:
    client = Client()
    client.force_login(person.registered_by)
    url = reverse("people:person_edit", args=[person.code])
    assert client.post(url, _form(person, family_name="Нова")).status_code == 302
    person.refresh_from_db()
    assert (person.family_name, person.version) == ("Нова", 2)


def test_institution_edit_is_locked_too(client_for, social_welfare) -> None:
    client = client_for(Role.SYSTEM_ADMIN)
    url = reverse("institutions_manage:institution_edit", args=[social_welfare.pk])
    data = {
        "name": "Ново име",
        "type": social_welfare.type,
        "municipality": social_welfare.municipality_id,
        "is_active": "on",
        "version": 1,
    }
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "name": "Старо"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
