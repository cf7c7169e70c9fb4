"""Several servers, one truth: two app servers (``spona serve``) on two ports, sharing one
PostgreSQL and one Redis. A user signed in on one is signed in on the other; rate limits and
failed sign-ins count across both; a stale edit made on one is refused on the other; and the
audit chain stays gap-free, without a fork, under concurrent writes through both."""

import contextlib
import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests
from django.urls import reverse
from django.utils import timezone

from spona.accounts import two_factor
from spona.accounts.models import Role, TOTPDevice, User
from spona.accounts.services import api_token_create
from spona.audit.models import AuditEvent
from spona.audit.selectors import audit_chain_verify
from tests.factories import PASSWORD, InstitutionFactory, PersonFactory, UserFactory
from tests.ops.processes import (
    FormFields,
    free_port,
    needs_postgresql,
    running,
    spona_env,
    wait_for,
)

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]

REDIS_DB = 13
API_RATE = 8


@pytest.fixture
def servers(municipality) -> Iterator[tuple[str, str]]:
    """Two servers, each with two Gunicorn workers, on the test database and a Redis db of
    their own (emptied first)."""
    shared = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    try:
        shared.flushdb()
    except redis.ConnectionError:
        pytest.fail("the two-server test needs Redis on 127.0.0.1:6379 (.ci/run starts it)")
    env = spona_env(
        CACHE_URL=f"rediscache://127.0.0.1:6379/{REDIS_DB}",
        API_RATE_USER=f"{API_RATE}/minute",
        LOGIN_DELAY_BASE_SECONDS="60",  # the first delay long enough to be seen
        WEB_CONCURRENCY="2",
    )
    ports = free_port(), free_port()
    with contextlib.ExitStack() as stack:
        for port in ports:
            stack.enter_context(running(["-m", "spona.cli", "serve", "--port", str(port)], env))
        bases = tuple(f"http://127.0.0.1:{port}" for port in ports)
        for base in bases:
            wait_for(lambda b=base: _answers(f"{b}/health/ready"), what=f"the server at {base}")
        yield bases
    shared.flushdb()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except (requests.ConnectionError, requests.Timeout):  # not up yet, or still starting
        return False


@pytest.fixture
def case_manager(municipality, settings) -> tuple[User, str]:
    # The servers run the production settings: a password hash they accept.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = UserFactory(
        role=Role.CASE_MANAGER, institution=InstitutionFactory(municipality=municipality)
    )
    secret = two_factor.new_secret()
    TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    return user, secret


def post_form(
    session: requests.Session, url: str, marker: str, **changes: str
) -> requests.Response:
    """Fill the form on ``url`` as a browser would, change ``changes``, and submit it."""
    fields = FormFields(marker).fields(session.get(url, timeout=10).text)
    return session.post(url, data={**fields, **changes}, timeout=10, allow_redirects=False)


def sign_in(session: requests.Session, base: str, user: User, secret: str) -> None:
    password = post_form(
        session,
        f"{base}{reverse('accounts:login')}",
        "username",
        username=user.username,
        password=PASSWORD,
    )
    assert password.headers.get("Location") == reverse("accounts:verify")
    code = post_form(
        session, f"{base}{reverse('accounts:verify')}", "code", code=two_factor.current_code(secret)
    )
    assert code.headers["Location"] == "/"


def test_a_user_signed_in_on_one_server_is_signed_in_on_the_other(servers, case_manager) -> None:
    a, b = servers
    browser = requests.Session()
    sign_in(browser, a, *case_manager)
    home_on_b = browser.get(f"{b}/", allow_redirects=False, timeout=10)
    assert home_on_b.status_code == 200
    assert case_manager[0].username in home_on_b.text
    browser.post(
        f"{b}{reverse('accounts:logout')}",
        data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        timeout=10,
    )
    assert (
        browser.get(f"{a}/", allow_redirects=False, timeout=10).status_code == 302
    )  # out on A too


def test_rate_limits_and_failed_sign_ins_count_across_both_servers(servers, case_manager) -> None:
    a, b = servers
    user, _secret = case_manager
    _token, raw = api_token_create(user=user, name="two servers")
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {raw}"
    answers = [
        api.get(f"{(a, b)[i % 2]}{reverse('api_me')}", timeout=10).status_code
        for i in range(API_RATE + 2)
    ]
    assert answers == [200] * API_RATE + [429, 429]  # one budget, whichever server answers

    stranger = requests.Session()
    for i in range(5):  # the free failures, spread over both servers
        wrong = post_form(
            stranger,
            f"{(a, b)[i % 2]}{reverse('accounts:login')}",
            "username",
            username=user.username,
            password="wrong",
        )
        assert wrong.status_code == 200  # the form again, with its error
    right = post_form(
        stranger,
        f"{b}{reverse('accounts:login')}",
        "username",
        username=user.username,
        password=PASSWORD,
    )
    assert right.status_code == 200  # delayed: no way on to the second factor
    assert reverse("accounts:verify") not in right.headers.get("Location", "")


def test_a_stale_edit_made_on_one_server_is_refused_on_the_other(servers, case_manager) -> None:
    a, b = servers
    user, secret = case_manager
    User.objects.filter(pk=user.pk).update(language="en")  # signing in switches to English
    person = PersonFactory(registered_by=user)
    on_a, on_b = requests.Session(), requests.Session()
    sign_in(on_a, a, user, secret)
    on_b.cookies.update(on_a.cookies)  # the same user in a second browser tab
    edit = reverse("people:person_edit", args=[person.code])
    fields_a = FormFields("version").fields(on_a.get(f"{a}{edit}", timeout=10).text)
    fields_b = FormFields("version").fields(on_b.get(f"{b}{edit}", timeout=10).text)
    assert fields_a["version"] == fields_b["version"] == "1"

    saved = on_a.post(
        f"{a}{edit}", data={**fields_a, "given_name": "Марија"}, timeout=10, allow_redirects=False
    )
    stale = on_b.post(
        f"{b}{edit}",
        data={**fields_b, "given_name": "Мара"},
        headers={"Accept-Language": "en"},
        timeout=10,
        allow_redirects=False,
    )

    assert saved.status_code == 302
    assert stale.status_code == 200
    assert "Someone else changed this record after you opened it" in stale.text
    person.refresh_from_db()
    assert (person.given_name, person.version) == ("Марија", 2)


def test_the_audit_chain_stays_whole_under_concurrent_writes_through_both(
    servers, case_manager
) -> None:
    a, b = servers
    user, secret = case_manager
    person = PersonFactory(registered_by=user)
    browser = requests.Session()
    sign_in(browser, a, user, secret)
    cookies = dict(browser.cookies)
    before = AuditEvent.objects.count()

    def read(i: int) -> int:  # each read of the person appends an audit event
        url = f"{(a, b)[i % 2]}{reverse('people:person_detail', args=[person.code])}"
        return requests.get(url, cookies=cookies, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(read, range(120)))

    assert statuses == [200] * 120
    events = list(AuditEvent.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))
    assert len(events) >= before + 120
    assert [seq for seq, _, _ in events] == list(range(1, len(events) + 1))  # no gap
    assert all(prev == earlier[2] for earlier, (_, prev, _) in itertools.pairwise(events))
    assert len({prev for _, prev, _ in events}) == len(events)  # no two events on one parent
    assert audit_chain_verify().ok
