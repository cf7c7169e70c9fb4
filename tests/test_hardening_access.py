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


# --- finding 10: one message for every failure; delays instead of a lock --------------------


class _Clock:
    """``timezone.now`` for the sign-in delays, moved by hand."""

    def __init__(self, monkeypatch: Any) -> None:
        from django.utils import timezone

        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self.now += timedelta(seconds=seconds)


def _sign_in(username: str, password: str, address: str = "198.51.100.7") -> Any:
    return Client().post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _passed(response: Any) -> bool:
    """The password step was passed (on to the second factor, or to enrol one)."""
    steps = {reverse("accounts:verify"), reverse("accounts:enrol")}
    return response.status_code == 302 and response["Location"] in steps


def test_finding_10_every_sign_in_failure_gets_the_same_message(make_user, monkeypatch) -> None:
    from spona.accounts.models import Role, TOTPDevice
    from spona.accounts.two_factor import new_secret
    from tests.factories import PASSWORD

    _Clock(monkeypatch)
    user = make_user(Role.CASE_MANAGER)
    TOTPDevice.objects.create(user=user, secret=new_secret(), confirmed_at=user.date_joined)
    inactive = make_user(Role.CASE_MANAGER, is_active=False)
    messages = {
        str(_sign_in("nobody", "x", "203.0.113.1").context["form"].non_field_errors()),
        str(_sign_in(user.username, "wrong", "203.0.113.2").context["form"].non_field_errors()),
        str(
            _sign_in(inactive.username, PASSWORD, "203.0.113.3").context["form"].non_field_errors()
        ),
    }
    for _ in range(10):  # the account is now delayed: even the right password gets the same
        _sign_in(user.username, "wrong", "203.0.113.4")
    delayed = _sign_in(user.username, PASSWORD, "203.0.113.5")
    assert not _passed(delayed)
    messages.add(str(delayed.context["form"].non_field_errors()))
    assert len(messages) == 1
    assert "wait a minute" in messages.pop()
    assert not AuditEvent.objects.filter(action="locked_out").exists()


def test_finding_10_waits_double_after_the_free_failures_up_to_a_cap(settings) -> None:
    from spona.accounts.services import _backoff_seconds

    settings.LOGIN_DELAY_BASE_SECONDS = 1
    waits = [_backoff_seconds(n, free=5, cap=60) for n in range(14)]
    assert waits == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert _backoff_seconds(10**6, free=5, cap=60) == 60


def test_finding_10_a_stranger_cannot_keep_a_colleague_out(
    make_user, monkeypatch, settings
) -> None:
    from tests.factories import PASSWORD

    clock = _Clock(monkeypatch)
    colleague = make_user()
    for _ in range(200):  # a stranger hammers the colleague's account from one address
        _sign_in(colleague.username, "guess", "203.0.113.66")
        clock.advance(0.5)
    colleague.refresh_from_db()
    assert colleague.failed_sign_ins < 25  # most attempts were refused unchecked
    # the colleague, from their own desk, waits at most the account's cap
    clock.advance(settings.LOGIN_ACCOUNT_DELAY_CAP_SECONDS)
    assert _passed(_sign_in(colleague.username, PASSWORD, "198.51.100.20"))


def test_finding_10_guessing_from_many_addresses_is_held_to_one_try_a_minute(
    make_user, monkeypatch, settings
) -> None:
    """An attacker who tries the moment each delay ends, from a fresh address every time:
    in one hour the password is checked at most free + ramp + 60 minutes / cap times."""
    from spona.accounts.services import SignInError, sign_in_check_password, sign_in_delayed

    clock = _Clock(monkeypatch)
    victim = make_user()
    checked = 0
    start = clock.now
    for attempt in range(400):
        if (clock.now - start).total_seconds() > 3600:
            break
        address = f"10.{attempt // 250}.{attempt % 250}.1"
        while sign_in_delayed(victim, address):
            clock.advance(1)
            victim.refresh_from_db()
        request = RequestFactory().post("/", REMOTE_ADDR=address)
        with pytest.raises(SignInError):
            sign_in_check_password(request, username=victim.username, password=f"guess{attempt}")
        checked += 1
        victim.refresh_from_db()
    assert victim.failed_sign_ins == checked
    assert checked <= settings.LOGIN_FREE_FAILURES + 6 + 60


def test_finding_10_wrong_codes_count_towards_the_delay(make_user, monkeypatch) -> None:
    from spona.accounts import two_factor
    from spona.accounts.models import TOTPDevice

    _Clock(monkeypatch)
    user = make_user()
    device = TOTPDevice.objects.create(
        user=user, secret=two_factor.new_secret(), confirmed_at=user.date_joined
    )
    client = Client()
    from tests.factories import PASSWORD

    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    for _ in range(6):
        client.post(reverse("accounts:verify"), {"code": "000000"})
    user.refresh_from_db()
    assert user.failed_sign_ins == 5  # the sixth came inside the first delay: not checked
    response = client.post(
        reverse("accounts:verify"), {"code": two_factor.current_code(device.secret)}
    )
    assert response.status_code == 200  # even the right code waits for the delay


def test_finding_10_the_admin_sees_repeated_failures_on_their_users(
    make_user, monkeypatch, settings
) -> None:
    from spona.accounts.models import Role

    clock = _Clock(monkeypatch)
    user = make_user(Role.CASE_MANAGER, username="ana.petrovic")
    calm = make_user(Role.CASE_MANAGER, username="marko.jovanovic")
    for _ in range(settings.LOGIN_FREE_FAILURES + 1):
        _sign_in(user.username, "guess")
        clock.advance(120)
    _sign_in(calm.username, "typo")
    admin = Client()
    admin.force_login(make_user(Role.INSTITUTION_ADMIN))
    page = admin.get(reverse("accounts_manage:user_list"), HTTP_ACCEPT_LANGUAGE="en")
    assert [u.username for u in page.context["failing"]] == ["ana.petrovic"]
    html = page.content.decode()
    assert 'id="repeated-failures"' in html
    assert "1 account has had repeated failed sign-ins" in html


# --- finding 12: break-glass for roles that work on cases, capped, alerted, reviewed ---------


@pytest.fixture
def far_case(municipality) -> Any:
    """A case of a social welfare centre elsewhere, a police station here with its people, and
    the Centre."""
    from spona.accounts.models import Role
    from spona.cases.services import case_open_for_presumed_victim
    from spona.institutions.models import InstitutionType
    from tests.factories import InstitutionFactory, PersonFactory, UserFactory

    far = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE)
    lead = UserFactory(role=Role.CASE_MANAGER, institution=far)
    case = case_open_for_presumed_victim(
        user=lead, person=PersonFactory(registered_by=lead), is_child=True, origin={}
    )
    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    school = InstitutionFactory(type=InstitutionType.SCHOOL, municipality=municipality)
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    return {
        "case": case,
        "lead": lead,
        "police": police,
        "inspector": UserFactory(role=Role.CASE_MANAGER, institution=police),
        "police_supervisor": UserFactory(role=Role.SUPERVISOR, institution=police),
        "teacher": UserFactory(role=Role.FRONTLINE, institution=school),
        "school_supervisor": UserFactory(role=Role.SUPERVISOR, institution=school),
        "centre_officer": UserFactory(role=Role.CENTRE_OFFICER, institution=centre),
        "centre_supervisor": UserFactory(role=Role.SUPERVISOR, institution=centre),
    }


REASON = "Дете је нестало, хитна потрага"


def _break_glass(user: Any, code: str) -> Any:
    client = Client()
    client.force_login(user)
    return client.post(
        reverse("cases:break_glass"),
        {"code": code, "reason": REASON},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_finding_12_a_teacher_cannot_open_a_case_by_break_glass(far_case) -> None:
    from spona.cases.models import BreakGlassGrant, Case
    from spona.policy import visible

    response = _break_glass(far_case["teacher"], far_case["case"].code)
    assert response.status_code == 403
    assert not BreakGlassGrant.objects.exists()
    assert far_case["case"] not in visible(far_case["teacher"], Case)


def test_finding_12_break_glass_is_capped_per_day(far_case, settings, monkeypatch) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from spona.audit.models import AuditAction
    from spona.cases.models import BreakGlassGrant

    settings.BREAK_GLASS_DAILY_LIMIT = 2
    inspector, code = far_case["inspector"], far_case["case"].code
    assert _break_glass(inspector, code).status_code == 302
    assert _break_glass(inspector, code).status_code == 302
    refused = _break_glass(inspector, code)
    assert refused.status_code == 200
    assert "2 times in the last 24 hours" in str(refused.context["form"].non_field_errors())
    assert BreakGlassGrant.objects.filter(user=inspector).count() == 2
    assert AuditEvent.objects.filter(
        action=AuditAction.BREAK_GLASS, actor=inspector, details__refused="daily_limit"
    ).exists()
    # a day later the count starts again
    later = timezone.now() + timedelta(hours=24, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _break_glass(inspector, code).status_code == 302


def test_finding_12_own_supervisors_and_the_centre_are_really_alerted(far_case) -> None:
    from spona.inbox.models import Notification

    response = _break_glass(far_case["inspector"], far_case["case"].code)
    assert response.status_code == 302
    review = set(
        Notification.objects.filter(kind="break_glass_review").values_list("recipient", flat=True)
    )
    assert review == {
        far_case["police_supervisor"].pk,
        far_case["centre_officer"].pk,
        far_case["centre_supervisor"].pk,
    }
    lead = set(Notification.objects.filter(kind="break_glass").values_list("recipient", flat=True))
    assert lead == {far_case["lead"].pk}
    note = Notification.objects.get(recipient=far_case["police_supervisor"])
    assert note.link == reverse("cases:break_glass_review")
    assert REASON not in note.body  # the reason stays on the review page


def test_finding_12_the_message_says_who_was_alerted(far_case) -> None:
    from django.contrib.messages import get_messages

    from spona.accounts.models import Role
    from tests.factories import InstitutionFactory, UserFactory

    client = Client()
    client.force_login(far_case["inspector"])
    response = client.post(
        reverse("cases:break_glass"),
        {"code": far_case["case"].code, "reason": REASON},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Your supervisors, the case's lead institution and the Centre" in message
    alone = UserFactory(role=Role.CASE_MANAGER, institution=InstitutionFactory())
    lonely = Client()
    lonely.force_login(alone)
    response = lonely.post(
        reverse("cases:break_glass"),
        {"code": far_case["case"].code, "reason": REASON},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "no supervisor account" in message


def test_finding_12_supervisors_review_their_users_uses_and_the_centre_all(far_case) -> None:
    from spona.accounts.models import Role
    from spona.audit.models import AuditAction
    from spona.cases.models import BreakGlassGrant
    from tests.factories import UserFactory

    _break_glass(far_case["inspector"], far_case["case"].code)
    other = UserFactory(role=Role.SUPERVISOR, institution=far_case["case"].opened_by_institution)
    # a supervisor of a third institution opens the case too (the lead's own supervisor
    # would not need to)
    third = UserFactory(role=Role.CASE_MANAGER)
    _break_glass(third, far_case["case"].code)
    inspector_grant = BreakGlassGrant.objects.get(user=far_case["inspector"])

    def listed(user: Any) -> list[Any]:
        client = Client()
        client.force_login(user)
        page = client.get(reverse("cases:break_glass_review"), HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        return list(page.context["grants"])

    police_view = listed(far_case["police_supervisor"])
    assert police_view == [inspector_grant]
    assert listed(other) == []
    assert len(listed(far_case["centre_officer"])) == 2
    assert len(listed(far_case["centre_supervisor"])) == 2
    read = AuditEvent.objects.filter(
        action=AuditAction.READ, actor=far_case["police_supervisor"], purpose="break_glass_review"
    ).get()
    assert read.details["break_glass_grants"] == [inspector_grant.pk]
    client = Client()
    client.force_login(far_case["inspector"])
    assert client.get(reverse("cases:break_glass_review")).status_code == 403


# --- finding 15: static traversal, the demo banner in production, the API schema -----------


def test_finding_15_the_development_server_answers_404_to_a_static_traversal(
    monkeypatch, settings
) -> None:
    """``spona serve --dev`` builds the handler Django's runserver would; the traversal is
    a 404 (Django's own static handler raised SuspiciousFileOperation: a 500)."""
    from django.contrib.staticfiles.management.commands.runserver import Command

    from spona.ops import serve as serve_module

    started: list[list[str]] = []
    monkeypatch.setattr(serve_module, "execute_from_command_line", started.append)
    serve_module.serve(["--dev"])
    [argv] = started
    settings.DEBUG = True  # as in development
    settings.WHITENOISE_AUTOREFRESH = True
    command = Command()
    options = command.create_parser("spona", "runserver").parse_args(argv[2:])
    handler = command.get_handler(**vars(options))

    def status(path: str) -> str:
        environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET")
        answered: list[str] = []
        handler(environ, lambda status, headers, exc_info=None: answered.append(status))
        return answered[0]

    assert status("/static/../../.env").startswith("404")  # ..%2f..%2f decoded
    assert status("/static/..%2f..%2f.env").startswith("404")
    assert status("/static/spona.css").startswith("200")


def _settings_in_a_new_process(env: dict[str, str], probe: str) -> Any:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SPONA_", "SECRET_KEY", "FIELD_", "BLIND_", "DEBUG", "DJANGO_"))
    }
    keys = {
        "SECRET_KEY": "s" * 50,
        "FIELD_ENCRYPTION_KEYS": "k" * 43 + "=",
        "BLIND_INDEX_KEY": "b" * 32,
    }
    return subprocess.run(  # noqa: S603 - our own settings module
        [sys.executable, "-c", f"import django; django.setup(); {probe}"],
        env={
            **keep,
            **keys,
            "PYTHONPATH": str(root),
            "DJANGO_SETTINGS_MODULE": "spona.settings",
            "DATABASE_URL": "sqlite:///:memory:",
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
    )


def test_finding_15_production_refuses_a_demo_env_file(tmp_path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SPONA_DEMO=true\n", encoding="utf-8")  # left over from `make run`
    probe = "from django.conf import settings; print(settings.DEMO)"
    refused = _settings_in_a_new_process(
        {"SPONA_MODE": "production", "SPONA_ENV_FILE": str(env_file)}, probe
    )
    assert refused.returncode != 0
    assert "SPONA_DEMO=true is refused in production mode" in refused.stderr
    plain = _settings_in_a_new_process(
        {"SPONA_MODE": "production", "SPONA_ENV_FILE": "/nonexistent"}, probe
    )
    assert plain.stdout.split() == ["False"], plain.stderr
    development = _settings_in_a_new_process(
        {"SPONA_MODE": "development", "SPONA_ENV_FILE": str(env_file)}, probe
    )
    assert development.stdout.split() == ["True"], development.stderr


def test_finding_15_the_demo_banner_follows_the_demo_setting(client_for, settings) -> None:
    settings.DEMO = False
    page = client_for().get(reverse("workspace:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'class="demo"' not in page.content.decode()
    settings.DEMO = True
    page = client_for().get(reverse("workspace:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'class="demo"' in page.content.decode()


def test_finding_15_the_api_schema_and_docs_need_sign_in(client_for) -> None:
    from spona.accounts.services import api_token_create

    anonymous = Client()
    assert anonymous.get(reverse("api_schema")).status_code == 401
    assert anonymous.get(reverse("api_docs"))["Location"].startswith(reverse("accounts:login"))
    signed_in = client_for()
    assert signed_in.get(reverse("api_schema")).status_code == 200
    assert signed_in.get(reverse("api_docs")).status_code == 200
    user = signed_in.get(reverse("workspace:home")).wsgi_request.user
    _token, raw = api_token_create(user=user, name="integration")
    with_token = Client().get(reverse("api_schema"), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert with_token.status_code == 200  # an integrator's system reads it with its token


# --- finding 13: giving an account access to person data alerts other admins and the Centre --


@pytest.fixture
def admins(social_welfare) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from spona.accounts.models import Role
    from spona.institutions.models import InstitutionType
    from tests.factories import InstitutionFactory, UserFactory

    long_ago = timezone.now() - timedelta(days=400)
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    return {
        "system": UserFactory(role=Role.SYSTEM_ADMIN, institution=None, date_joined=long_ago),
        "colleague": UserFactory(
            role=Role.INSTITUTION_ADMIN, institution=social_welfare, date_joined=long_ago
        ),
        "centre_admin": UserFactory(
            role=Role.INSTITUTION_ADMIN, institution=centre, date_joined=long_ago
        ),
        "centre_supervisor": UserFactory(role=Role.SUPERVISOR, institution=centre),
        "centre_officer": UserFactory(role=Role.CENTRE_OFFICER, institution=centre),
    }


def _alerted(kind: str) -> set[int]:
    from spona.inbox.models import Notification

    return set(Notification.objects.filter(kind=kind).values_list("recipient", flat=True))


def _create(admin: Any, role: Any, institution: Any, username: str) -> Any:
    from spona.accounts.services import user_create

    return user_create(
        user=admin, username=username, role=role, institution=institution, email=""
    ).user


def test_finding_13_a_system_admins_two_steps_to_person_data_alert_the_centre(
    admins, social_welfare
) -> None:
    from spona.accounts.models import Role
    from spona.audit.models import AuditAction

    # step one: the system admin creates an institution admin; step two: that admin (a
    # brand-new account) creates a case manager, who would read the institution's cases
    new_admin = _create(admins["system"], Role.INSTITUTION_ADMIN, social_welfare, "new.admin")
    assert _alerted("person_access_by_new_admin") == set()  # an admin sees no person data
    manager = _create(new_admin, Role.CASE_MANAGER, social_welfare, "case.manager")

    assert _alerted("person_access_by_new_admin") == {
        admins["colleague"].pk,  # the institution's other admin
        admins["centre_admin"].pk,  # and the Centre
        admins["centre_supervisor"].pk,
    }
    event = AuditEvent.objects.get(object_id=str(manager.pk), details__person_access="created")
    assert (event.actor_id, event.details["by_new_admin"]) == (new_admin.pk, True)
    created = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(manager.pk))
    assert created.actor_id == new_admin.pk  # the admin who did it, not the new account


def test_finding_13_an_established_admin_alerts_the_other_admins_only(
    admins, social_welfare, make_user
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from spona.accounts.models import Role

    admin = make_user(Role.INSTITUTION_ADMIN, date_joined=timezone.now() - timedelta(days=365))
    _create(admin, Role.SUPERVISOR, social_welfare, "supervisor.two")
    assert _alerted("person_access_granted") == {admins["colleague"].pk}
    _create(admin, Role.INSTITUTION_ADMIN, social_welfare, "admin.three")  # no person data
    assert _alerted("person_access_granted") == {admins["colleague"].pk}


def test_finding_13_an_institutions_only_admin_alerts_the_centre(admins, make_user) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from spona.accounts.models import Role
    from tests.factories import InstitutionFactory

    school = InstitutionFactory()
    alone = make_user(
        Role.INSTITUTION_ADMIN, institution=school, date_joined=timezone.now() - timedelta(days=90)
    )
    _create(alone, Role.FRONTLINE, school, "teacher.one")
    assert _alerted("person_access_granted") == {
        admins["centre_admin"].pk,
        admins["centre_supervisor"].pk,
    }


def test_finding_13_a_role_change_into_person_data_alerts_too(admins, social_welfare) -> None:
    from spona.accounts.models import Role
    from spona.accounts.services import user_update
    from tests.factories import UserFactory

    # an analyst account made before roles followed the institution's type
    analyst = UserFactory(role=Role.ANALYST, institution=social_welfare, username="analyst.three")
    assert _alerted("person_access_granted") == set()
    analyst.role = Role.CASE_MANAGER
    user_update(
        user=admins["colleague"], target=analyst, expected_version=analyst.version, changed=["role"]
    )
    # the colleague is the only admin of the institution, so the Centre hears of it
    assert _alerted("person_access_granted") == {
        admins["centre_admin"].pk,
        admins["centre_supervisor"].pk,
    }
