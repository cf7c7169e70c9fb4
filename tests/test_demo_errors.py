"""Issue 20, point 8: in demo mode a forbidden record shows the translated error page, as in
production, not Django's technical 404 with every URL pattern."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from spona.core.keys import generate_keys
from spona.core.roles import Role
from spona.institutions.models import InstitutionType
from tests.factories import InstitutionFactory, MunicipalityFactory

ROOT = Path(__file__).resolve().parent.parent


def _debug_in(**environment: str) -> bool:
    secret, field_keys, blind = generate_keys()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SPONA_", "DEBUG"))},
        "SPONA_ENV_FILE": "/nonexistent",
        "SECRET_KEY": secret,
        "FIELD_ENCRYPTION_KEYS": ",".join(field_keys),
        "BLIND_INDEX_KEY": blind,
        "DJANGO_SETTINGS_MODULE": "spona.settings",
        **environment,
    }
    code = "import django; from django.conf import settings; print(settings.DEBUG)"
    done = subprocess.run(  # noqa: S603 - our own settings module
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.strip() == "True"


def test_the_demo_runs_without_debug_and_development_keeps_it() -> None:
    assert not _debug_in(SPONA_MODE="development", SPONA_DEMO="true")
    assert _debug_in(SPONA_MODE="development", SPONA_DEMO="false")
    assert _debug_in(SPONA_MODE="development", SPONA_DEMO="true", DEBUG="true")


@pytest.mark.parametrize(("language", "text"), [("sr", "Није пронађено"), ("en", "Not found")])
def test_a_forbidden_record_in_the_demo_shows_the_translated_404(
    world, make_user, settings, language, text
) -> None:
    settings.DEMO, settings.DEBUG = True, False
    elsewhere = InstitutionFactory(
        municipality=MunicipalityFactory(name_cyr="Ниш", name_lat="Niš"),
        type=InstitutionType.SOCIAL_WELFARE,
    )
    client = Client()
    client.force_login(make_user(Role.CASE_MANAGER, institution=elsewhere))
    response = client.get(
        reverse("cases:case_detail", args=[world.case_code]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 404
    page = response.content.decode()
    assert text in page
    assert "URLconf" not in page
    assert "urlpatterns" not in page
