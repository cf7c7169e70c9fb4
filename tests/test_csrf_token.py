"""The forms' CSRF token (``spona.core.csrf``): masked afresh on every page, each mask
character uniform over Django's alphabet, and accepted by Django's own middleware."""

import re
from collections import Counter

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    _unmask_cipher_token,
)
from django.test import Client, RequestFactory
from django.urls import reverse

from spona.core.csrf import masked_token

SECRET = "abcdefghijklmnopqrstuvwxyzABCDEF"


def _token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _with_secret(secret: str = SECRET):
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = secret
    return request


def test_a_token_unmasks_to_the_secret_and_renews_the_cookie() -> None:
    request = _with_secret()
    tokens = {masked_token(request) for _ in range(50)}
    assert len(tokens) == 50  # a fresh mask every time
    for token in tokens:
        assert len(token) == 2 * CSRF_SECRET_LENGTH
        assert set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == SECRET
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_each_mask_character_is_uniform_over_the_alphabet() -> None:
    """A byte taken modulo 62 would favour the first 8 characters by a third: 24,800 draws
    would show it (expected 400 each; the first eight near 516)."""
    request = _with_secret()
    drawn = Counter(char for _ in range(775) for char in masked_token(request)[:CSRF_SECRET_LENGTH])
    expected = 775 * CSRF_SECRET_LENGTH / len(CSRF_ALLOWED_CHARS)
    chi_square = sum((drawn[c] - expected) ** 2 / expected for c in CSRF_ALLOWED_CHARS)
    assert chi_square < 130  # 61 degrees of freedom: p < 1e-6 beyond; a bias gives ~300


@pytest.mark.django_db
def test_a_first_visit_gets_a_secret_and_a_token_the_middleware_accepts() -> None:
    client = Client(enforce_csrf_checks=True)
    login = reverse("accounts:login")
    page = client.get(login, HTTP_ACCEPT_LANGUAGE="en")
    assert "csrftoken" in page.cookies
    answer = client.post(
        login,
        {"csrfmiddlewaretoken": _token_in(page.content.decode()), "username": "x", "password": "y"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 200  # the form's own error, not "the form has expired"


@pytest.mark.django_db
def test_the_token_masked_here_is_accepted_and_a_changed_one_refused() -> None:
    client = Client(enforce_csrf_checks=True)
    login = reverse("accounts:login")
    client.get(login)  # the secret's cookie
    token = _token_in(client.get(login, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert _unmask_cipher_token(token) == client.cookies["csrftoken"].value
    changed = token[:-1] + ("a" if token[-1] != "a" else "b")
    refused = client.post(
        login, {"csrfmiddlewaretoken": changed, "username": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 403
    accepted = client.post(
        login, {"csrfmiddlewaretoken": token, "username": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert accepted.status_code == 200
