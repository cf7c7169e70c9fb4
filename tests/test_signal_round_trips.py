"""The new signal and its page in fewer round trips (issue 18, h33signal): a signal posted
with no warning sign ticked does not read the catalogue and sets no savepoint, and is
written and audited as before; a form sent back shows the checklist as before; the signal's
page reads its notes and the signs' texts only when it has them; the API's first page opens
its tokens together and reads what the ORM reads."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.fields import EncryptedTextField
from spona.policy import can, visible
from spona.screening.selectors import warning_signs
from spona.signals import selectors, services
from spona.signals.access import SIGNAL_RAISE
from spona.signals.models import Signal, SignalNote

CATALOGUE = '"screening_indicatorcatalogue"'


@pytest.fixture
def reporter(demo) -> User:
    """A demo user who raises signals from an institution that has a checklist."""
    for user in User.objects.filter(is_active=True, institution__municipality__isnull=False):
        if can(user, SIGNAL_RAISE) and warning_signs(user.institution.type):
            return user
    raise AssertionError("no demo user raises signals with a checklist")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, user: User, **fields: Any) -> Any:
    return client.post(
        reverse("signals:signal_create"),
        {
            "what_seen": "Дете проси испред продавнице",
            "municipality": user.institution.municipality_id,
            "urgency": "normal",
            "child_involved": "yes",
            **fields,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _signs(user: User) -> list[tuple[str, str]]:
    return warning_signs(user.institution.type)


@pytest.mark.django_db
def test_a_signal_sent_with_no_sign_ticked_reads_no_catalogue_and_sets_no_savepoint(
    reporter, monkeypatch
) -> None:
    client = _client(reporter)
    _post(client, reporter)  # the prepared reads compiled once
    audited: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        services,
        "audit",
        lambda *args, **kwargs: audited.append(args) or audit(*args, **kwargs),
    )
    with CaptureQueriesContext(connection) as captured:
        sent = _post(client, reporter)
    assert sent.status_code == 302
    sql = [query["sql"] for query in captured]
    assert not [query for query in sql if CATALOGUE in query]
    # the request's transaction holds the signal's insert: no savepoint of its own around it
    insert = next(
        i for i, query in enumerate(sql) if query.startswith('INSERT INTO "signals_signal"')
    )
    assert not sql[insert - 1].startswith("SAVEPOINT")
    signal = Signal.objects.get(code=sent.headers["Location"].strip("/").split("/")[-1])
    assert signal.indicators == []
    assert signal.what_seen == "Дете проси испред продавнице"
    # audited (appended to the log when the transaction commits: the demo's is never)
    assert audited == [(AuditAction.CREATE, signal)]


@pytest.mark.django_db
def test_a_signal_sent_with_signs_ticked_keeps_them_and_a_wrong_one_is_refused(reporter) -> None:
    client = _client(reporter)
    ticked = [code for code, _text in _signs(reporter)][:2]
    sent = _post(client, reporter, indicators=ticked)
    assert sent.status_code == 302
    assert Signal.objects.get(raised_by=reporter, indicators=ticked)
    refused = _post(client, reporter, indicators=["no-such-sign"])
    assert refused.status_code == 200
    assert "Select a valid choice. no-such-sign is not one of the available choices." in (
        refused.content.decode()
    )


@pytest.mark.django_db
def test_a_form_sent_back_shows_the_checklist_with_what_was_ticked(reporter) -> None:
    client = _client(reporter)
    signs = _signs(reporter)
    empty = client.get(reverse("signals:signal_create"), HTTP_ACCEPT_LANGUAGE="en")
    for fields in [{}, {"indicators": [signs[0][0]]}]:
        raised = Signal.objects.count()
        back = _post(client, reporter, what_seen="", **fields).content.decode()
        assert Signal.objects.count() == raised
        assert "This field is required." in back
        for code, text in signs:  # in the order of the empty form's, with their texts
            assert f'value="{code}"' in back
            assert text in back
        assert back.index(f'value="{signs[0][0]}"') < back.index(f'value="{signs[-1][0]}"')
        assert bool(re.search(f'value="{signs[0][0]}" id="[^"]+" checked', back)) is bool(fields)
        assert not re.search(f'value="{signs[0][0]}" id="[^"]+" checked', empty.content.decode())


@pytest.mark.django_db
def test_the_signal_page_reads_notes_and_signs_only_when_the_signal_has_them(reporter) -> None:
    client = _client(reporter)
    sent = _post(client, reporter)
    page = sent.headers["Location"]
    client.get(page)
    with CaptureQueriesContext(connection) as captured:
        shown = client.get(page, HTTP_ACCEPT_LANGUAGE="en")
    assert shown.status_code == 200
    sql = [query["sql"] for query in captured]
    assert not [query for query in sql if CATALOGUE in query]
    assert not [query for query in sql if query.startswith('SELECT "signals_signalnote"')]
    assert "Added later" not in shown.content.decode()
    signal = Signal.objects.get(code=page.strip("/").split("/")[-1])
    code, text = _signs(reporter)[0]
    Signal.objects.filter(pk=signal.pk).update(indicators=[code])
    SignalNote.objects.create(signal=signal, text="Видели смо је опет", from_citizen=True)
    shown = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Added later" in shown
    assert "Видели смо је опет" in shown
    assert f"<li>{text}</li>" in shown


@pytest.mark.django_db
def test_the_first_page_opens_its_tokens_together_and_reads_what_the_orm_reads(
    reporter, monkeypatch
) -> None:
    services.citizen_signal_submit(
        what_seen="Девојчица без докумената",
        municipality=reporter.institution.municipality,
        settlement="Центар",
        who="Непознат мушкарац",
        contact="064 000 000",
    )
    columns = ["pk", "code", "what_seen", "settlement", "who", "contact", "status", "created_at"]
    opened_one_by_one = []
    one_by_one = EncryptedTextField.from_db_value
    monkeypatch.setattr(
        EncryptedTextField,
        "from_db_value",
        lambda *args: opened_one_by_one.append(args) or one_by_one(*args),
    )
    shown = set()
    for user in User.objects.filter(is_active=True):
        if not visible(user, Signal).exists():
            continue
        for size in [100, 2]:
            rows, count = selectors.first_signals(user=user, columns=columns, size=size)
            assert not opened_one_by_one
            expected = visible(user, Signal).values_list(*columns)
            assert rows == list(expected[:size])
            assert count == expected.count()
            opened_one_by_one.clear()  # the ORM's, above
            shown.update(value for row in rows for value in row)
    assert {"Центар", "Непознат мушкарац", "064 000 000"} <= shown
