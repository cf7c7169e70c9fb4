"""Issue 20, point 7: destructive actions look different from the others and ask for a
confirmation without script; the case timeline says which institution and role did what."""

import re
from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from spona.cases.models import Case
from spona.core.roles import Role
from spona.signals.services import signal_raise


class _Page(HTMLParser):
    """Each <summary>'s and <button>'s classes and text, and each <details> they are in."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[tuple[str, str, bool]] = []  # (tag, classes, inside a confirm)
        self.texts: list[str] = []
        self.inline_script = False
        self._open: list[str] = []
        self._confirm_depth = 0
        self._current: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and not found.get("src"):
            self.inline_script = True
        if any(name.startswith("on") for name, _ in attrs):
            self.inline_script = True
        if tag == "details":
            confirm = "confirm" in (found.get("class") or "").split()
            self._open.append("confirm" if confirm else "details")
            self._confirm_depth += confirm
        if tag in {"summary", "button"}:
            self.controls.append((tag, found.get("class") or "", self._confirm_depth > 0))
            self.texts.append("")
            self._current.append(len(self.texts) - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "details" and self._open:
            self._confirm_depth -= self._open.pop() == "confirm"
        if tag in {"summary", "button"} and self._current:
            self._current.pop()

    def handle_data(self, data: str) -> None:
        if self._current:
            self.texts[self._current[-1]] += data.strip()

    def control(self, text: str) -> tuple[str, str, bool]:
        return self.controls[self.texts.index(text)]


def _page(client: Client, url: str) -> _Page:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = _Page()
    page.feed(response.content.decode())
    assert not page.inline_script  # CSP: no inline script, no event handler attributes
    return page


def test_dismissing_a_signal_looks_destructive_and_asks_first(make_user) -> None:
    frontline = make_user(Role.FRONTLINE)
    signal = signal_raise(
        user=frontline, municipality=frontline.institution.municipality, what_seen="…"
    )
    client = Client()
    client.force_login(make_user(Role.CASE_MANAGER))
    page = _page(client, reverse("signals:signal_detail", args=[signal.code]))

    tag, classes, confirm = page.control("Dismiss…")
    assert (tag, "danger" in classes, confirm) == ("summary", True, True)
    tag, classes, confirm = page.control("Dismiss the signal")  # the real submit, inside
    assert (tag, "danger" in classes, confirm) == ("button", True, True)
    tag, classes, confirm = page.control("Open a screening")
    assert ("danger" in classes, confirm) == (False, False)


def test_revoking_a_referral_and_withdrawing_consent_ask_first(world) -> None:
    client = Client()
    client.force_login(world.users[Role.CASE_MANAGER])
    page = _page(client, reverse("cases:case_detail", args=[world.case_code]))

    for summary, submit in [
        ("Revoke…", "Revoke the referral"),
        ("Withdraw…", "Withdraw the consent"),
    ]:
        assert page.control(summary)[0] == "summary"
        assert "danger" in page.control(summary)[1]
        tag, classes, confirm = page.control(submit)
        assert (tag, "danger" in classes, confirm) == ("button", True, True)


def test_declining_is_apart_from_accepting(world) -> None:
    case = Case.objects.get(code=world.case_code)
    referral = case.referrals.get()
    client = Client()
    receiver = world.users[Role.CENTRE_OFFICER]
    assert referral.to_institution_id == receiver.institution_id
    client.force_login(receiver)
    page = _page(client, reverse("cases:case_detail", args=[world.case_code]))

    accept = page.control("Accept")
    assert ("danger" in accept[1], accept[2]) == (False, False)
    assert "danger" in page.control("Decline…")[1]
    assert page.control("Decline the referral")[2]  # only after opening the confirmation


def test_the_timeline_says_which_institution_and_role_acted(world) -> None:
    manager = world.users[Role.CASE_MANAGER]
    client = Client()
    client.force_login(manager)
    url = reverse("cases:case_detail", args=[world.case_code])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S)
    assert timeline is not None
    with override("en"):
        who = f"{manager.institution}, {manager.get_role_display()}"
    assert who in timeline.group(1)


def test_the_sign_in_page_links_to_the_public_citizen_form(client, db) -> None:
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{reverse("report:citizen_report")}"' in page
