"""Issue 14, hardening of sign-in and access: one regression test (or more) per finding,
named after it (docs/security.md, "Hardening (issue 14): sign-in and access")."""

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from spona.audit.models import AuditEvent
from spona.ops.clients import client_address
from spona.signals.models import Signal
from tests.test_signals import _citizen_form

pytestmark = pytest.mark.django_db


# --- finding 14: the client address comes from the trusted proxy's header only -------------


def _request(remote: str, **headers: Any) -> Any:
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_finding_14_without_a_configured_header_the_address_is_remote_addr(settings) -> None:
    settings.TRUSTED_PROXY_HEADER = ""
    request = _request("198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4", HTTP_X_REAL_IP="5.6.7.8")
    assert client_address(request) == "198.51.100.7"


def test_finding_14_the_header_is_believed_only_from_the_trusted_proxy(settings) -> None:
    settings.TRUSTED_PROXY_HEADER = "X-Real-IP"
    settings.TRUSTED_PROXY_ADDRESSES = ["127.0.0.1"]
    assert client_address(_request("127.0.0.1", HTTP_X_REAL_IP="203.0.113.5")) == "203.0.113.5"
    # a client talking to the app server directly cannot choose its address
    assert client_address(_request("198.51.100.7", HTTP_X_REAL_IP="203.0.113.5")) == (
        "198.51.100.7"
    )
    # no header (a health check from the proxy host), or garbage: the proxy's own address
    assert client_address(_request("127.0.0.1")) == "127.0.0.1"
    assert client_address(_request("127.0.0.1", HTTP_X_REAL_IP="<script>")) == "127.0.0.1"


def test_finding_14_a_forwarded_list_is_read_from_the_right(settings) -> None:
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_ADDRESSES = ["10.0.0.2"]
    settings.TRUSTED_PROXY_COUNT = 1
    spoofed = "6.6.6.6, 203.0.113.5"  # the client wrote 6.6.6.6; the proxy appended the rest
    assert client_address(_request("10.0.0.2", HTTP_X_FORWARDED_FOR=spoofed)) == "203.0.113.5"
    settings.TRUSTED_PROXY_COUNT = 2  # a load balancer, then nginx
    chain = "6.6.6.6, 203.0.113.5, 10.0.0.1"
    assert client_address(_request("10.0.0.2", HTTP_X_FORWARDED_FOR=chain)) == "203.0.113.5"


def test_finding_14_citizen_form_limit_is_per_client_behind_the_proxy(
    settings, municipality
) -> None:
    settings.TRUSTED_PROXY_HEADER = "X-Real-IP"
    settings.TRUSTED_PROXY_ADDRESSES = ["127.0.0.1"]
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    url = reverse("report:citizen_report")
    form = _citizen_form(municipality)
    first = [
        Client().post(url, form, HTTP_X_REAL_IP="198.51.100.7", **proxy).status_code
        for _ in range(6)
    ]
    assert first == [200] * 5 + [429]
    # another citizen behind the same proxy has a budget of their own
    assert Client().post(url, form, HTTP_X_REAL_IP="198.51.100.8", **proxy).status_code == 200
    assert Signal.objects.count() == 6


def test_finding_14_audit_records_the_address_the_proxy_names(settings, make_user) -> None:
    settings.TRUSTED_PROXY_HEADER = "X-Real-IP"
    settings.TRUSTED_PROXY_ADDRESSES = ["127.0.0.1"]
    user = make_user()
    Client().post(
        reverse("accounts:login"),
        {"username": user.username, "password": "wrong password"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="203.0.113.5",
    )
    assert AuditEvent.objects.get().client_address == "203.0.113.5"


def test_finding_14_api_throttles_ignore_a_forwarded_header_from_a_client(settings) -> None:
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    settings.TRUSTED_PROXY_HEADER = ""
    # DRF's own throttles would take this made-up address as the client's
    request = Request(_request("198.51.100.7", HTTP_X_FORWARDED_FOR="10.9.9.9"))
    for throttle in api_settings.DEFAULT_THROTTLE_CLASSES:
        assert throttle().get_ident(request) == "198.51.100.7", throttle


# --- finding 7: a password or second-factor reset revokes every token and ends every session


def _signed_in_with_token(user: Any) -> tuple[Client, str]:
    from spona.accounts.services import api_token_create

    browser = Client()
    browser.force_login(user)
    assert browser.get(reverse("workspace:home")).status_code == 200
    _token, raw = api_token_create(user=user, name="records system")
    assert _api_me(raw) == 200
    return browser, raw


def _api_me(raw: str) -> int:
    return Client().get(reverse("api_me"), HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


@pytest.mark.parametrize("reset", ["user_reset_password", "user_reset_two_factor"])
def test_finding_07_an_admins_reset_revokes_tokens_and_ends_sessions(make_user, reset) -> None:
    from spona.accounts.models import ApiToken, Role

    user = make_user(Role.CASE_MANAGER)
    browser, raw = _signed_in_with_token(user)
    admin = Client()
    admin.force_login(make_user(Role.INSTITUTION_ADMIN))
    admin.post(reverse(f"accounts_manage:{reset}", args=[user.pk]))

    assert _api_me(raw) == 401
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert browser.get(reverse("workspace:home"))["Location"].startswith(reverse("accounts:login"))
    assert AuditEvent.objects.filter(
        object_id=str(user.pk), details__credentials_revoked__isnull=False
    ).exists()


def test_finding_07_own_password_change_revokes_tokens_and_ends_other_sessions(
    make_user,
) -> None:
    from tests.factories import PASSWORD

    user = make_user()
    other_browser, raw = _signed_in_with_token(user)
    browser = Client()
    browser.force_login(user)
    new = "a brand new long passphrase 42"
    response = browser.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert _api_me(raw) == 401
    assert browser.get(reverse("workspace:home")).status_code == 200  # this one goes on
    assert other_browser.get(reverse("workspace:home")).status_code == 302  # that one ended
