"""Notices (issue 13): each user's language, e-mails in the recipient's language, notices to
the receiving institution and its duty address, and the sweeps the worker runs by itself."""

import io
import unicodedata
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from unittest.mock import patch

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from spona.accounts import two_factor
from spona.accounts.models import Role, TOTPDevice, User
from spona.audit.models import AuditEvent
from spona.cases.models import Referral
from spona.cases.reminders import sweep as sweep_referrals
from spona.cases.services import case_open_for_presumed_victim, referral_act, referral_send
from spona.conferences import reminders as conference_reminders
from spona.conferences.models import Task
from spona.inbox.apps import duty_email_languages
from spona.inbox.kinds import NotificationKind
from spona.inbox.models import DutyNotice, Notification
from spona.inbox.selectors import unread_count
from spona.inbox.services import mark_read, notify
from spona.institutions.models import Institution, InstitutionType
from spona.jobs import schedule
from spona.jobs.models import SweepRun
from spona.jobs.worker import IsolatingWorker, Limits
from spona.ops.early import read_early
from spona.ops.sessions import _owners
from spona.screening import reminders as screening_reminders
from spona.screening.models import ProtocolStep, Screening
from spona.screening.services import catalogue_load_default
from tests.factories import PASSWORD, InstitutionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- 1. the language preference --------------------------------------------------------------


def test_a_new_user_speaks_the_site_language(make_user) -> None:
    assert make_user(Role.FRONTLINE).language == settings.LANGUAGE_CODE == "sr"


def _sign_in(client: Client, user: User):
    device = TOTPDevice.objects.create(
        user=user, secret=two_factor.new_secret(), confirmed_at=timezone.now()
    )
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    return client.post(reverse("accounts:verify"), {"code": two_factor.current_code(device.secret)})


def test_signing_in_switches_the_site_to_the_users_language(make_user) -> None:
    user = make_user(Role.FRONTLINE, language="en")
    client = Client()
    response = _sign_in(client, user)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    home = client.get(reverse("workspace:home"), HTTP_ACCEPT_LANGUAGE="sr")
    assert '<html lang="en"' in home.content.decode()


def test_a_language_chosen_on_the_sign_in_page_is_kept(make_user) -> None:
    user = make_user(Role.FRONTLINE)  # prefers Serbian in Cyrillic
    client = Client()
    client.post(reverse("set_language"), {"language": "sr-latn", "next": "/"})
    response = _sign_in(client, user)
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies  # left as chosen
    home = client.get(reverse("workspace:home"))
    assert '<html lang="sr-Latn"' in home.content.decode()


def test_without_a_sign_in_the_browser_language_still_decides(make_user) -> None:
    page = Client().get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en"' in page.content.decode()


def test_a_user_sets_their_language_on_their_account_page(make_user) -> None:
    user = make_user(Role.CASE_MANAGER)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("accounts:account"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Your account" in page.content.decode()
    response = client.post(reverse("accounts:account"), {"language": "sr-latn"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sr-latn"
    user.refresh_from_db()
    assert (user.language, user.version) == ("sr-latn", 2)
    assert AuditEvent.objects.filter(actor=user, details__language="sr-latn").exists()
    refused = client.post(reverse("accounts:account"), {"language": "de"})
    assert refused.status_code == 200
    user.refresh_from_db()
    assert user.language == "sr-latn"


def test_the_institution_admin_sets_a_users_language(make_user) -> None:
    admin = make_user(Role.INSTITUTION_ADMIN)
    target = make_user(Role.FRONTLINE)
    client = Client()
    client.force_login(admin)
    url = reverse("accounts_manage:user_edit", args=[target.pk])
    assert 'name="language"' in client.get(url).content.decode()
    fields = {"first_name": "Ана", "last_name": "Петровић", "email": "", "role": target.role}
    response = client.post(
        url, {**fields, "language": "en", "is_active": "on", "version": target.version}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.language == "en"


# --- 2. e-mail in the recipient's language -------------------------------------------------------


@pytest.fixture
def chain(municipality):
    """A case of the social welfare centre; the police and the Centre can receive referrals."""
    csr = InstitutionFactory(
        type=InstitutionType.SOCIAL_WELFARE,
        municipality=municipality,
        name="Центар за социјални рад Пирот",
        duty_email="duty@csr.invalid",
    )
    police = InstitutionFactory(
        type=InstitutionType.POLICE,
        municipality=municipality,
        name="Полицијска станица Пирот",
        duty_email="duty@police.invalid",
    )
    manager = UserFactory(role=Role.CASE_MANAGER, institution=csr, email="m@csr.invalid")
    supervisor = UserFactory(
        role=Role.SUPERVISOR, institution=csr, email="s@csr.invalid", language="en"
    )
    inspector = UserFactory(
        role=Role.CASE_MANAGER, institution=police, email="i@police.invalid", language="sr-latn"
    )
    frontline = UserFactory(role=Role.FRONTLINE, institution=police, email="f@police.invalid")
    person = PersonFactory(registered_by=manager)
    case = case_open_for_presumed_victim(user=manager, person=person, is_child=False, origin={})
    mail.outbox.clear()
    return SimpleNamespace(
        csr=csr,
        police=police,
        manager=manager,
        supervisor=supervisor,
        inspector=inspector,
        frontline=frontline,
        person=person,
        case=case,
    )


def _is_cyrillic(char: str) -> bool:
    return "CYRILLIC" in unicodedata.name(char, "")


def _sent_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


def _refer(chain) -> Referral:
    return referral_send(
        user=chain.manager, case=chain.case, to=chain.police, reason="Заштита", urgency="urgent"
    )


def test_each_recipient_reads_the_email_in_their_own_language(chain) -> None:
    _refer(chain)
    referral = Referral.objects.get(to_institution=chain.police)
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    assert sweep_referrals() == 1
    code = chain.case.code

    [english] = _sent_to("s@csr.invalid")  # the supervisor waits for the police: English
    assert english.subject == f"No answer yet to the referral of case {code}"
    assert "You referred case" in english.body
    assert "Policijska stanica Pirot" in english.body  # names in Latin on a Latin page too
    [cyrillic] = _sent_to("m@csr.invalid")  # the case manager: Serbian, Cyrillic
    assert cyrillic.subject == f"Још нема одговора на упућивање: случај {code}"
    assert "Полицијска станица Пирот" in cyrillic.body
    latin = _sent_to("i@police.invalid")  # the police inspector: Serbian, Latin
    assert [m.subject for m in latin] == [
        f"Novo upućivanje: slučaj {code}",
        f"Rok za upućivanje je istekao: slučaj {code}",
    ]
    assert not any(_is_cyrillic(char) for m in latin for char in m.subject + m.body)


def test_dates_in_an_email_follow_the_recipients_language(chain) -> None:
    due = date(2026, 12, 24)
    params = {"task": "T-1", "due": due}
    for user in (chain.supervisor, chain.manager):
        notify(recipients=[user], kind=NotificationKind.TASK_OVERDUE, params=params)
    [english] = _sent_to("s@csr.invalid")
    [serbian] = _sent_to("m@csr.invalid")
    with translation.override("en"):
        in_english = date_format(due, "SHORT_DATE_FORMAT")
    with translation.override("sr"):
        in_serbian = date_format(due, "SHORT_DATE_FORMAT")
    assert in_english != in_serbian
    assert in_english in english.body
    assert in_serbian not in english.body
    assert in_serbian in serbian.body
    assert in_english not in serbian.body


# --- 3. notices reach the receiving institution and its duty address -----------------------------


def _duty(address: str) -> list[DutyNotice]:
    return list(DutyNotice.objects.filter(address=address))


def test_a_new_referral_reaches_the_receivers_and_the_duty_address_once(chain) -> None:
    _refer(chain)
    received = Notification.objects.filter(kind="referral_received", params__case=chain.case.code)
    police_received = received.filter(recipient__institution=chain.police)
    assert [n.recipient for n in police_received] == [chain.inspector]  # not the frontline
    [notice] = _duty("duty@police.invalid")
    assert notice.kind == "referral_received"
    assert notice.emailed_at is not None
    [email] = _sent_to("duty@police.invalid")
    code = chain.case.code
    assert email.subject == f"Ново упућивање: случај {code}"
    cyrillic, latin = email.body.split("\n\n* * *\n\n")
    assert "Центар за социјални рад Пирот" in cyrillic
    assert latin.startswith("Ustanova Centar za socijalni rad Pirot uputila")
    assert email.body.endswith(f"/cases/{code}/")
    assert chain.person.code not in email.body  # the case code only, nothing about the person


def test_a_decline_reaches_the_senders_institution(chain) -> None:
    referral = _refer(chain)
    mail.outbox.clear()
    referral_act(
        user=chain.inspector,
        referral=referral,
        expected_version=referral.version,
        action="decline",
        reason="Није у нашој надлежности",
    )
    declined = Notification.objects.filter(kind="referral_declined")
    assert {n.recipient for n in declined} == {chain.manager, chain.supervisor}
    [email] = _sent_to("duty@csr.invalid")
    assert email.subject == f"Упућивање одбијено: случај {chain.case.code}"
    assert "надлежности" not in email.body  # the reason stays on the case page
    [english] = _sent_to("s@csr.invalid")
    assert english.subject == f"Referral of case {chain.case.code} declined"
    assert not _duty("duty@police.invalid")[1:]  # the police got only the new referral


def test_an_overdue_referral_reaches_both_sides_and_both_duty_addresses(chain) -> None:
    referral = _refer(chain)
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    assert sweep_referrals() == 1
    assert sweep_referrals() == 0  # once
    overdue = Notification.objects.filter(kind="referral_overdue")
    waiting = Notification.objects.filter(kind="referral_waiting")
    assert [n.recipient for n in overdue] == [chain.inspector]
    assert {n.recipient for n in waiting} == {chain.manager, chain.supervisor}
    assert [n.kind for n in _duty("duty@police.invalid")] == [
        "referral_overdue",
        "referral_received",
    ]
    assert [n.kind for n in _duty("duty@csr.invalid")] == ["referral_waiting"]


def test_a_task_due_and_overdue_reach_the_owner_institutions_duty_address(chain) -> None:
    task = Task.objects.create(
        title="Посета породици",
        owner_institution=chain.police,
        due_on=timezone.localdate() - timedelta(days=3),
        created_by=chain.manager,
    )
    assert conference_reminders.sweep() == 1  # overdue (too late for "due soon")
    assert [n.kind for n in _duty("duty@police.invalid")] == ["task_overdue"]
    [email] = _sent_to("duty@police.invalid")
    assert email.subject == f"Рок за задатак је истекао: {task.code}"
    soon = Task.objects.create(
        title="Позив",
        owner_institution=chain.police,
        due_on=timezone.localdate() + timedelta(days=1),
        created_by=chain.manager,
    )
    later = timezone.make_aware(datetime.combine(soon.due_on, time(hour=23)))
    assert conference_reminders.remind(
        task_id=soon.pk, which="before", due_on=soon.due_on, now=later - timedelta(days=1)
    )
    assert [n.kind for n in _duty("duty@police.invalid")] == ["task_due_soon", "task_overdue"]


def test_an_overdue_protocol_step_reaches_the_screening_institution(chain) -> None:
    screening = Screening.objects.create(
        institution=chain.csr,
        screened_by=chain.manager,
        person=chain.person,
        catalogue=catalogue_load_default(),
    )
    late = ProtocolStep.objects.create(
        screening=screening, code="police_now", due_at=timezone.now() - timedelta(minutes=5)
    )
    ProtocolStep.objects.create(  # done in time: no notice
        screening=screening,
        code="notify_centre_24h",
        due_at=timezone.now() - timedelta(minutes=5),
        done_at=timezone.now(),
    )
    ProtocolStep.objects.create(screening=screening, code="no_confrontation")  # no deadline
    assert screening_reminders.sweep() == 1
    assert screening_reminders.sweep() == 0
    notices = Notification.objects.filter(kind="protocol_step_overdue")
    assert {n.recipient for n in notices} == {chain.manager, chain.supervisor}
    english = notices.get(recipient=chain.supervisor)
    with translation.override("en"):
        assert english.subject == f"Protocol step overdue: screening {screening.pk}"
        assert english.body.endswith("Call the police (192) now: see 'Why' for the reason.")
    [email] = _sent_to("duty@csr.invalid")
    assert email.subject == f"Корак протокола касни: процена {screening.pk}"
    assert "(192)" in email.body  # the step, in both scripts
    assert chain.person.code not in email.body
    late.refresh_from_db()
    assert late.overdue_reminded_at is not None


def test_an_institution_without_a_duty_address_gets_the_inbox_notices_only(chain) -> None:
    Institution.objects.filter(pk=chain.police.pk).update(duty_email="")
    chain.police.refresh_from_db()
    _refer(chain)
    assert not _duty("duty@police.invalid")
    assert Notification.objects.filter(recipient=chain.inspector).exists()


# --- 4. the sweeps the worker runs by itself -----------------------------------------------------


def _overdue_referral(chain) -> Referral:
    referral = _refer(chain)
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    return referral


def test_every_app_registers_its_sweep_with_the_jobs_app() -> None:
    assert set(schedule.SWEEPS) == {
        "task reminders",
        "referral reminders",
        "protocol step reminders",
        "institutions that cannot receive",
        "plan review reminders",
        "action plan reminders",
        "statistics summary",
    }


def test_a_due_sweep_is_claimed_once_per_period_and_runs(chain, settings) -> None:
    settings.SWEEP_INTERVAL_MINUTES = 60
    _overdue_referral(chain)
    now = timezone.now()
    assert sorted(schedule.due(now)) == sorted(schedule.SWEEPS)  # the first run: at once
    assert Notification.objects.filter(kind="referral_overdue").count() == 1
    run = SweepRun.objects.get(name="referral reminders")
    assert (run.result, run.next_run_at) == (1, now + timedelta(hours=1))
    assert run.finished_at is not None
    # another worker looking in the same period finds nothing to do
    assert schedule.due(now + timedelta(minutes=59)) == []
    assert not schedule.claim("referral reminders", now + timedelta(minutes=59))
    # the next period runs again (and finds the reminder already sent)
    assert sorted(schedule.due(now + timedelta(minutes=61))) == sorted(schedule.SWEEPS)
    assert SweepRun.objects.get(name="referral reminders").result == 0
    assert Notification.objects.filter(kind="referral_overdue").count() == 1


def test_spona_reminders_runs_every_registered_sweep_now(chain) -> None:
    _overdue_referral(chain)
    out = io.StringIO()
    call_command("reminders", stdout=out)
    assert "referral reminders sent: 1" in out.getvalue()
    assert "protocol step reminders sent: 0" in out.getvalue()
    assert "task reminders sent: 0" in out.getvalue()


def test_no_sweep_is_queued_when_the_interval_is_zero(chain, settings) -> None:
    settings.SWEEP_INTERVAL_MINUTES = 0
    _overdue_referral(chain)
    worker = IsolatingWorker(
        limits=Limits(memory_bytes=2**30, seconds=60),
        heartbeat=1,
        queue_names=["default"],
        interval=0.1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    worker.beat()
    assert not SweepRun.objects.exists()
    assert not Notification.objects.filter(kind="referral_overdue").exists()


def test_duty_email_languages_must_be_languages_spona_speaks(settings) -> None:
    assert duty_email_languages() == []
    settings.DUTY_EMAIL_LANGUAGES = ["sr", "de"]
    [error] = duty_email_languages()
    assert "de" in error.msg
    settings.DUTY_EMAIL_LANGUAGES = []
    assert duty_email_languages()


def test_an_installation_may_write_duty_emails_in_other_languages(chain, settings) -> None:
    settings.DUTY_EMAIL_LANGUAGES = ["sr-latn", "en"]
    _refer(chain)
    [email] = _sent_to("duty@police.invalid")
    assert email.subject == f"Novo upućivanje: slučaj {chain.case.code}"
    latin, english = email.body.split("\n\n* * *\n\n")
    assert latin.startswith("Ustanova Centar za socijalni rad Pirot")
    assert english.startswith("Centar za socijalni rad Pirot referred case")


def test_the_inbox_badge_counts_anew_when_a_notification_arrives_or_is_read(make_user) -> None:
    """The unread count every page shows is kept in the cache, and dropped by each change."""
    user = make_user(Role.CASE_MANAGER)
    client = Client()
    client.force_login(user)

    def badge() -> str:
        html = client.get(reverse("workspace:home")).content.decode()
        return html.split(reverse("inbox:inbox"), 1)[1].split("</a>", 1)[0]

    assert 'class="badge"' not in badge()
    for _ in range(2):
        notify(recipients=[user], kind=NotificationKind.CANNOT_RECEIVE, params={})
    assert '<span class="badge">2</span>' in badge()
    client.post(reverse("inbox:mark_read"))
    assert 'class="badge"' not in badge()


def test_a_notice_written_or_read_in_the_request_that_read_the_count_is_counted(
    make_user,
) -> None:
    """The count read with the session at the request's start (here a stale 7) is not
    answered once the request itself writes or reads a notification of that user."""
    user = make_user(Role.CASE_MANAGER)
    with read_early({f"inbox:unread:{user.pk}": 7}):
        assert unread_count(user=user) == 7  # as read at the start
        notify(recipients=[user], kind=NotificationKind.CANNOT_RECEIVE, params={})
        assert unread_count(user=user) == 1
        mark_read(user=user)
        assert unread_count(user=user) == 0


def test_a_session_taken_for_another_users_never_shows_their_count(make_user) -> None:
    """Who a session belongs to is a hint a process keeps; a wrong one reads another user's
    key, which the page never shows: it asks for its own user's."""
    user, other = make_user(Role.CASE_MANAGER), make_user(Role.CASE_MANAGER)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("workspace:home")).status_code == 200
    cache.set(f"inbox:unread:{other.pk}", 7, 60)
    with patch.dict(_owners._owners, {hash(client.session.session_key): str(other.pk)}):
        html = client.get(reverse("workspace:home")).content.decode()
    assert 'class="badge"' not in html.split(reverse("inbox:inbox"), 1)[1].split("</a>", 1)[0]
