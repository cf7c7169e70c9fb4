"""When the database is away, requests get the translated "try again" page (HTTP 503) or, on
the API, JSON; any other error keeps the 500 page. The real outage is drilled in
tests/ops/test_database_outage.py."""

import json

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from spona.core.views import server_error


def answer(path: str, error: Exception, language: str = "en") -> HttpResponse:
    request = RequestFactory().get(path)
    with translation.override(language):
        try:
            raise error
        except type(error):
            return server_error(request)


def test_a_lost_database_gets_the_try_again_page_in_the_readers_language() -> None:
    english = answer("/cases/", OperationalError("connection refused"))
    serbian = answer("/cases/", OperationalError("connection refused"), "sr")
    assert english.status_code == serbian.status_code == 503
    assert english["Retry-After"] == "30"
    assert "Nothing you sent was half-saved: try again in a minute." in english.content.decode()
    assert "покушајте поново за минут" in serbian.content.decode()
    assert "connection refused" not in english.content.decode()


def test_the_api_gets_the_same_answer_as_json() -> None:
    response = answer("/api/v1/signals/", OperationalError("server closed the connection"))
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "detail": "The database cannot be reached right now. Nothing you sent was half-saved: "
        "try again in a minute."
    }


@pytest.mark.parametrize("error", [ValueError("a bug"), KeyError("x")])
def test_other_errors_keep_the_500_page(error: Exception) -> None:
    assert answer("/cases/", error).status_code == 500
