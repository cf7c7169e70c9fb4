"""Notices (issue 13): each user's language, e-mails in the recipient's language, notices to
the receiving institution and its duty address, and the sweeps the worker runs by itself."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spona.accounts import two_factor
from spona.accounts.models import Role, TOTPDevice, User
from spona.audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


# --- 1. the language preference --------------------------------------------------------------


def test_a_new_user_speaks_the_site_language(make_user) -> None:
    assert make_user(Role.FRONTLINE).language == settings.LANGUAGE_CODE == "sr"


def test_signing_in_switches_the_site_to_the_users_language(make_user) -> None:
    user = make_user(Role.FRONTLINE)
    User.objects.filter(pk=user.pk).update(language="en")
    device = TOTPDevice.objects.create(
        user=user, secret=two_factor.new_secret(), confirmed_at=timezone.now()
    )
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    response = client.post(
        reverse("accounts:verify"), {"code": two_factor.current_code(device.secret)}
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    home = client.get(reverse("workspace:home"), HTTP_ACCEPT_LANGUAGE="sr")
    assert '<html lang="en"' in home.content.decode()


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
    form = client.get(reverse("accounts_manage:user_edit", args=[target.pk]))
    assert 'name="language"' in form.content.decode()
