"""Reference data kept by each server process under a stamp every process shares
(``spona.ops.reference``), and the session read with the stamp in one round trip to the cache
(``spona.ops.sessions``): a change made anywhere is seen at the next request, a change rolled
back is never kept, and a signed-out session stays signed out."""

from typing import Any
from unittest.mock import patch

import pytest
from django.contrib.sessions.backends import cached_db
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from spona.accounts.models import Role, User
from spona.coordination.models import Mandate, MandateRole
from spona.institutions.filters import reference_choices
from spona.institutions.models import Institution, InstitutionType
from spona.ops.reference import STAMP_KEY, new_stamp, stamped
from spona.prevention.riskmap import STAMP_KEY as RISK_MAP_STAMP_KEY
from spona.signals.access import triage_municipality
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _offered(client: Client, institution: Institution) -> str:
    """The name the case list's institution filter offers for ``institution``."""
    page = client.get(reverse("cases:case_list")).content.decode()
    option = f'<option value="{institution.pk}">'
    start = page.index(option, page.index('name="institution"')) + len(option)
    return page[start : page.index("</option>", start)]


def _renamed_by_another_process(institution: Institution, name: str) -> None:
    """What another server process's rename does here: the row changes (``update``, so that
    no receiver runs in this process) and the shared stamp with it (its receiver's work)."""
    Institution.objects.filter(pk=institution.pk).update(name=name)
    new_stamp()


def test_a_rename_in_another_process_is_offered_at_the_next_request(lead: User) -> None:
    police = InstitutionFactory(type=InstitutionType.POLICE, name="Полиција Стара")
    client = Client()
    client.force_login(lead)
    assert _offered(client, police) == "Полиција Стара"

    Institution.objects.filter(pk=police.pk).update(name="Полиција Нова")
    assert _offered(client, police) == "Полиција Стара"  # kept: this process was not told

    _renamed_by_another_process(police, "Полиција Нова")
    assert _offered(client, police) == "Полиција Нова"


def test_a_change_is_read_through_by_its_own_request_and_never_kept_when_rolled_back(
    lead: User,
) -> None:
    police = InstitutionFactory(type=InstitutionType.POLICE, name="Полиција Стара")
    with stamped(cache.get(STAMP_KEY)):
        assert (police.pk, "Полиција Стара") in reference_choices("institution")

    def rename_and_fail() -> None:
        with transaction.atomic():
            police.name = "Полиција Нова"
            police.save()
            assert (police.pk, "Полиција Нова") in reference_choices("institution")
            raise RuntimeError

    with stamped(cache.get(STAMP_KEY)), pytest.raises(RuntimeError):  # a request that fails
        rename_and_fail()

    with stamped(cache.get(STAMP_KEY)):  # the next request, in this process
        assert (police.pk, "Полиција Стара") in reference_choices("institution")


def test_a_mandate_set_in_another_process_decides_who_triages_at_the_next_request(
    municipality: Any,
) -> None:
    officer = UserFactory(
        role=Role.CASE_MANAGER,
        institution=InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality),
    )
    with stamped(cache.get(STAMP_KEY)):
        assert triage_municipality(officer) == municipality.pk  # the police lead identification

    Mandate.objects.bulk_create(  # another process's write: no receiver runs here
        [
            Mandate(
                municipality=municipality,
                institution_type="police",
                phase="identification",
                role=MandateRole.INFORMED,
            )
        ]
    )
    with stamped(cache.get(STAMP_KEY)):
        assert triage_municipality(officer) == municipality.pk  # kept: not told yet
    new_stamp()  # the other process's receiver
    with stamped(cache.get(STAMP_KEY)):
        assert triage_municipality(officer) is None


def test_the_session_the_stamps_and_the_unread_count_are_read_in_one_round_trip(
    lead: User, settings
) -> None:
    settings.SESSION_ENGINE = "spona.ops.sessions"  # as with a cache every process shares
    client = Client()
    client.force_login(lead)
    client.get(reverse("cases:case_list"))
    with (
        patch.object(cache, "get_many", wraps=cache.get_many) as get_many,
        patch.object(cached_db.SessionStore, "load") as read_alone,
        patch.object(cache, "get", wraps=cache.get) as get,
    ):
        assert client.get(reverse("cases:case_list")).status_code == 200

    assert get_many.call_count == 1
    (keys,), _ = get_many.call_args
    assert keys == [
        STAMP_KEY,
        RISK_MAP_STAMP_KEY,
        f"inbox:unread:{lead.pk}",  # the process has seen this session: whose it is
        f"{cached_db.KEY_PREFIX}{client.session.session_key}",
    ]
    read_alone.assert_not_called()  # Django's read of the session: the cache, then the database
    assert get.call_count == len(keys)  # the local cache's get_many: a get a key, none else


def test_a_signed_out_session_stays_signed_out(lead: User, settings) -> None:
    settings.SESSION_ENGINE = "spona.ops.sessions"
    client, other_tab = Client(), Client()
    client.force_login(lead)
    other_tab.cookies.update(client.cookies)
    assert other_tab.get(reverse("cases:case_list")).status_code == 200

    client.post(reverse("accounts:logout"))

    assert other_tab.get(reverse("cases:case_list")).status_code == 302


def test_a_cache_that_cannot_be_read_leaves_the_session_to_the_database(
    lead: User, settings
) -> None:
    """The one read of the session and the stamp fails (the cache is down): the request goes
    on as Django's cached_db session goes on then, from the database, and the reference data
    is read through, kept by no process."""
    settings.SESSION_ENGINE = "spona.ops.sessions"
    client = Client()
    client.force_login(lead)
    with patch.object(cache, "get_many", side_effect=ConnectionError("cache down")):
        response = client.get(reverse("cases:case_list"))
    assert response.status_code == 200
    assert response.context["user"] == lead
