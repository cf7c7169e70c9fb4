"""Signing in: password, then a second factor; enrolment; lockout; one-time passwords."""

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spona.accounts import two_factor
from spona.accounts.models import Role, TOTPDevice, User
from spona.audit.models import AuditAction, AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def _with_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(
        user=user, secret=two_factor.new_secret(), confirmed_at=timezone.now()
    )


def _password_step(client: Client, user: User, password: str = PASSWORD):
    return client.post(LOGIN, {"username": user.username, "password": password})


def test_case_manager_signs_in_with_password_and_code(make_user) -> None:
    user = make_user(Role.CASE_MANAGER)
    device = _with_device(user)
    client = Client()
    assert _password_step(client, user)["Location"] == reverse("accounts:verify")
    assert client.get(reverse("workspace:home")).status_code == 302  # not signed in yet
    response = client.post(
        reverse("accounts:verify"), {"code": two_factor.current_code(device.secret)}
    )
    assert response["Location"] == reverse("workspace:home")
    assert client.get(reverse("workspace:home")).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, actor=user).exists()


def test_first_sign_in_enrols_an_authenticator_and_shows_recovery_codes(make_user) -> None:
    user = make_user(Role.SUPERVISOR)
    client = Client()
    assert _password_step(client, user)["Location"] == reverse("accounts:enrol")
    page = client.get(reverse("accounts:enrol"))
    assert b"<svg" in page.content
    secret = client.session["spona.enrol_secret"]
    response = client.post(reverse("accounts:enrol"), {"code": two_factor.current_code(secret)})
    assert response.status_code == 200
    assert len(response.context["codes"]) == two_factor.RECOVERY_CODE_COUNT
    device = TOTPDevice.objects.get(user=user)
    assert device.secret == secret
    assert device.confirmed_at is not None
    assert client.get(reverse("workspace:home")).status_code == 200


def test_a_code_cannot_be_used_twice(make_user) -> None:
    user = make_user(Role.CASE_MANAGER)
    device = _with_device(user)
    code = two_factor.current_code(device.secret)
    first, second = Client(), Client()
    _password_step(first, user)
    first.post(reverse("accounts:verify"), {"code": code})
    _password_step(second, user)
    response = second.post(reverse("accounts:verify"), {"code": code})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert second.get(reverse("workspace:home")).status_code == 302


def test_recovery_code_works_once(make_user) -> None:
    user = make_user(Role.CASE_MANAGER)
    _with_device(user)
    codes = two_factor.recovery_codes_issue(user)
    client = Client()
    _password_step(client, user)
    assert client.post(reverse("accounts:verify"), {"code": codes[0]})["Location"] == reverse(
        "workspace:home"
    )
    other = Client()
    _password_step(other, user)
    assert other.post(reverse("accounts:verify"), {"code": codes[0]}).status_code == 200


def test_analyst_signs_in_without_second_factor(make_user) -> None:
    user = make_user(Role.ANALYST)
    assert _password_step(Client(), user)["Location"] == reverse("workspace:home")


def test_wrong_password_is_refused_and_audited_without_revealing_which_part(make_user) -> None:
    user = make_user()
    response = _password_step(Client(), user, "wrong password")
    unknown = Client().post(LOGIN, {"username": "nobody", "password": "x"})
    assert response.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() == 2


def test_pending_sign_in_expires(make_user, monkeypatch) -> None:
    user = make_user()
    device = _with_device(user)
    client = Client()
    _password_step(client, user)
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post(
        reverse("accounts:verify"), {"code": two_factor.current_code(device.secret)}
    )
    assert response["Location"] == LOGIN


def test_sessions_expire_after_thirty_idle_minutes_and_live_on_while_used(make_user) -> None:
    from datetime import timedelta

    from django.contrib.sessions.models import Session

    from spona.ops.sessions import TOUCHED

    client = Client()
    client.force_login(make_user(Role.CASE_MANAGER))
    key = client.session.session_key

    def expires() -> Any:
        return Session.objects.get(session_key=key).expire_date

    client.get(reverse("workspace:home"))
    first = expires()
    assert timedelta(minutes=29) < first - timezone.now() <= timedelta(minutes=30)
    client.get(reverse("workspace:home"))
    assert expires() == first  # not written again within the minute

    session = client.session
    session[TOUCHED] -= 61  # a minute later, the next request renews it
    session.save()
    client.get(reverse("workspace:home"))
    assert expires() > first

    Session.objects.filter(session_key=key).update(expire_date=timezone.now())  # 30 idle minutes
    assert client.get(reverse("workspace:home"))["Location"].startswith(LOGIN)


def test_passwords_are_hashed_with_argon2() -> None:
    from spona import settings as production_settings

    assert production_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_institution_admin_sets_a_one_time_password_the_user_must_change(make_user) -> None:
    admin = make_user(Role.INSTITUTION_ADMIN)
    worker = make_user(Role.ANALYST)
    admin_client = Client()
    admin_client.force_login(admin)
    response = admin_client.post(reverse("accounts_manage:user_reset_password", args=[worker.pk]))
    temporary = response.context["issued"].password

    client = Client()
    assert _password_step(client, worker, temporary)["Location"] == reverse("workspace:home")
    assert client.get(reverse("workspace:home"))["Location"] == reverse("accounts:password_change")
    new = "a much better passphrase 2026"
    client.post(
        reverse("accounts:password_change"),
        {"old_password": temporary, "new_password1": new, "new_password2": new},
    )
    assert client.get(reverse("workspace:home")).status_code == 200


def test_signing_out_is_audited(client_for) -> None:
    client = client_for(Role.CASE_MANAGER)
    client.post(reverse("accounts:logout"))
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT).exists()
    assert client.get(reverse("workspace:home")).status_code == 302
