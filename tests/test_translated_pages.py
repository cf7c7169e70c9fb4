"""Every page, rendered in Serbian Cyrillic, shows no English: an unmarked string fails here.

Text in elements that declare another language (the language switcher's own names),
user data and technical tokens (codes, usernames) are not interface strings.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from spona.accounts.models import Role
from tests.conftest import World
from tests.test_url_roles import RULES

LATIN_WORD = re.compile(r"\b[A-Za-zČĆŠŽĐčćšžđ]{3,}\b")
TECHNICAL = {
    "API",
    "HTCDS",
    "HSDS",
    "ISO",
    "CTDC",
    "JPEG",
    "PNG",
    "PDF",
    "KoboToolbox",
    "OpenDP",  # the differential privacy library, by its name
    "ODK",
    "JSON",
    "TOTP",
    "FreeOTP",
    "Aegis",
    "Google",
    "Authenticator",
    "Bearer",
    "Authorization",
    "OpenAPI",
}
# JSON answers, and the API's pages generated from its code, are read by developers; the
# health checks by load balancers and monitoring
TECHNICAL_PAGE_PREFIX = ("api_", "ops:", "providers:export_hsds")
#: pages that are not HTML (the plans' PDFs: tests/test_plans.py reads their text back)
NOT_HTML = {
    "plans:plan_pdf",
    "plans:review_pdf",
    "plans:attachment_download",
    "planning:plan_pdf",
}
VISIBLE_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}


class VisibleText(HTMLParser):
    """Collects what a reader sees or hears, skipping subtrees in another language."""

    def __init__(self, page_lang: str) -> None:
        super().__init__()
        self.page_lang, self.stack, self.chunks = page_lang, [], []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        foreign = values.get("lang") not in {None, self.page_lang}
        void = tag in {"input", "meta", "link", "br", "img", "hr"}
        if not void:
            self.stack.append(foreign or tag in {"script", "style", "code", "svg"})
        if not any(self.stack):
            self.chunks += [v for k, v in attrs if k in VISIBLE_ATTRIBUTES and v]

    def handle_endtag(self, tag: str) -> None:
        if self.stack and tag not in {"input", "meta", "link", "br", "img", "hr"}:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not any(self.stack[1:]):  # the html element itself declares the page language
            self.chunks.append(data)


RECORD_CODE = re.compile(r"\b[A-Z]{1,3}-[A-Z0-9]{7}\b")  # persons, signals, cases, plans…
SLUG = re.compile(r"\b[a-z]+(?:-[a-z0-9]+)+\b")  # codes such as women-20-30
#: the columns of import files are literal names a file must carry
IMPORT_COLUMNS = {
    "municipality_code",
    "settlement",
    "group",
    "period",
    "count",
    "CSV",
    "XLSX",
    "UTF",
    "ageBroad",  # the HTCDS export's CTDC columns
    "yearRegister",
}


def english_words(html: str, allowed: set[str]) -> set[str]:
    parser = VisibleText("sr")
    parser.feed(html)
    text = SLUG.sub(" ", RECORD_CODE.sub(" ", " ".join(parser.chunks)))
    words = set(LATIN_WORD.findall(text)) - IMPORT_COLUMNS
    return {w for w in words if w not in TECHNICAL and w not in allowed}


PAGES = sorted(
    (name, min(rule.allowed, key=list(Role).index))
    for name, rule in RULES.items()
    if rule.method == "get"
    and rule.allowed
    and rule.ok == 200
    and not name.startswith(TECHNICAL_PAGE_PREFIX)
    and name not in NOT_HTML
)


@pytest.mark.parametrize(("name", "role"), PAGES)
def test_page_in_cyrillic_has_no_untranslated_text(world: World, name: str, role: Role) -> None:
    user = world.users[role]
    client = Client()
    client.force_login(user)
    response = client.get(reverse(name, kwargs=RULES[name].args(world)), HTTP_ACCEPT_LANGUAGE="sr")
    assert response.status_code == 200
    data = {user.username}
    assert english_words(response.content.decode(), data) == set()


def test_sign_in_page_in_cyrillic_has_no_untranslated_text(db) -> None:
    html = Client().get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="sr").content.decode()
    assert english_words(html, set()) == set()


def test_the_check_catches_an_unmarked_string() -> None:
    html = '<html lang="sr"><body><p>Пријава</p><p>Sign in</p></body></html>'
    assert english_words(html, set()) == {"Sign"}
