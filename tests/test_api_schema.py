"""Schemathesis over the OpenAPI schema: no server error, every response as documented."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from spona.accounts.models import Role
from spona.accounts.services import api_token_create
from spona.institutions.models import InstitutionType
from spona.screening.services import catalogue_load_default
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
application = get_wsgi_application()
schema.app = application


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open():
    """As Django's test client does: the WSGI app must not close the test's DB connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db) -> str:
    catalogue_load_default()
    municipality = MunicipalityFactory(code="70939")
    institution = InstitutionFactory(municipality=municipality)
    _token, raw = api_token_create(
        user=UserFactory(role=Role.CASE_MANAGER, institution=institution), name="st"
    )
    return raw


#: the duplicate review queue is the national Centre's alone: its officer's token there
REVIEW_QUEUE = "/api/v1/people/duplicates/"


@pytest.fixture
def reviewer_token(db) -> str:
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    _token, raw = api_token_create(
        user=UserFactory(role=Role.CENTRE_OFFICER, institution=centre), name="st"
    )
    return raw


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_conforms_to_its_schema(case, token, reviewer_token) -> None:
    # A reference to another record (a municipality, person or signal code, or a code of
    # the indicator catalogue) can be valid by the schema and still unknown: the API then
    # answers 400 naming the field, which this check would flag.
    references = case.method == "POST" and case.path in {"/api/v1/signals/", "/api/v1/screenings/"}
    excluded = [positive_data_acceptance] if references else []
    if _headers_made_invalid(case):  # ... and made valid again by the token added below
        excluded.append(negative_data_rejection)
    raw = reviewer_token if case.path.startswith(REVIEW_QUEUE) else token
    case.call_and_validate(headers={"Authorization": f"Bearer {raw}"}, excluded_checks=excluded)


def _headers_made_invalid(case) -> bool:
    """Whether this is a negative case by its headers (say, without Authorization); the
    test without a token checks those."""
    header = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    return header is not None and header.mode.is_negative


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_without_a_token_answers_as_documented(case) -> None:
    case.call_and_validate()
