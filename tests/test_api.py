"""The JSON API: expiring tokens, the same policy and audit as the pages, rate limits."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spona.accounts.models import ApiToken, Role
from spona.accounts.services import api_token_create, api_token_revoke
from spona.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def _get(url: str, raw: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    return Client().get(url, **headers)


def test_token_reaches_the_current_user(make_user) -> None:
    user = make_user(Role.CASE_MANAGER)
    _token, raw = api_token_create(user=user, name="registry sync")
    body = _get(reverse("api_me"), raw).json()
    assert (body["username"], body["role"]) == (user.username, "case_manager")
    assert body["institution"]["id"] == user.institution_id


def test_token_is_stored_only_as_a_hash(make_user) -> None:
    token, raw = api_token_create(user=make_user(), name="x")
    assert raw not in {token.key_hash, token.prefix}
    assert ApiToken.objects.filter(key_hash=raw).count() == 0


def test_expired_revoked_and_unknown_tokens_are_refused(make_user) -> None:
    user = make_user()
    expired, raw_expired = api_token_create(user=user, name="old")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked, raw_revoked = api_token_create(user=user, name="gone")
    api_token_revoke(user=user, token=revoked)
    for raw in [raw_expired, raw_revoked, "spona_unknown"]:
        assert _get(reverse("api_me"), raw).status_code == 401


def test_token_of_a_deactivated_user_is_refused(make_user) -> None:
    user = make_user()
    _token, raw = api_token_create(user=user, name="x")
    user.is_active = False
    user.save()
    assert _get(reverse("api_me"), raw).status_code == 401


def test_municipalities_and_institutions_are_listed(make_user, municipality) -> None:
    _token, raw = api_token_create(user=make_user(), name="x")
    municipalities = _get(reverse("api_municipality_list"), raw).json()
    assert municipalities["results"][0]["code"] == "70939"
    detail = _get(reverse("api_municipality_detail", args=["70939"]), raw).json()
    assert detail["name_cyr"] == "Пирот"
    institutions = _get(reverse("api_institution_list"), raw).json()
    assert institutions["count"] == 1


def test_token_creation_is_audited(make_user) -> None:
    token, _raw = api_token_create(user=make_user(), name="x")
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="accounts.apitoken", object_id=str(token.pk)
    ).exists()


def test_requests_beyond_the_rate_limit_are_refused(make_user, settings) -> None:
    from rest_framework.settings import api_settings
    from rest_framework.throttling import UserRateThrottle

    _token, raw = api_token_create(user=make_user(), name="x")
    original = UserRateThrottle.THROTTLE_RATES
    UserRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "user": "3/minute"}
    try:
        codes = [_get(reverse("api_me"), raw).status_code for _ in range(4)]
    finally:
        UserRateThrottle.THROTTLE_RATES = original
    assert codes == [200, 200, 200, 429]


def test_schema_and_docs_are_served(client_for) -> None:
    client = client_for()
    schema = client.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/municipalities/" in schema.content.decode()
    docs = client.get(reverse("api_docs"), HTTP_ACCEPT_LANGUAGE="en")
    assert "GET /api/v1/me/" in docs.content.decode()


def test_another_system_raises_a_signal_and_reads_it_back(make_user, municipality) -> None:
    from spona.audit.models import AuditAction, AuditEvent
    from spona.signals.models import Signal

    user = make_user(Role.CASE_MANAGER)
    _token, raw = api_token_create(user=user, name="hotline")
    created = Client().post(
        reverse("api_signal_list"),
        {
            "what_seen": "Позив на линију за помоћ",
            "municipality": "70939",
            "urgency": "urgent",
            "child_involved": "no",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert created.status_code == 201
    signal = Signal.objects.get()
    assert (created.json()["code"], signal.raised_by) == (signal.code, user)
    read = _get(reverse("api_signal_detail", args=[signal.code]), raw)
    assert read.json()["what_seen"] == "Позив на линију за помоћ"
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, object_id=str(signal.pk), details__channel="api"
    ).exists()


def test_unknown_municipality_is_refused_naming_the_field(make_user) -> None:
    _token, raw = api_token_create(user=make_user(Role.CASE_MANAGER), name="x")
    response = Client().post(
        reverse("api_signal_list"),
        {"what_seen": "x", "municipality": "00000"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 400
    assert "municipality" in response.json()


def test_risk_map_api_never_returns_a_small_number(make_user, municipality) -> None:
    from spona.prevention.models import Settlement
    from spona.prevention.services import count_enter, default_groups

    user = make_user(Role.CASE_MANAGER)
    group = default_groups(municipality)[0]
    settlement = Settlement.objects.create(municipality=municipality, name="Пирот")
    count_enter(user=user, group=group, settlement=settlement, period="2025", count=7)
    _token, raw = api_token_create(user=user, name="x")
    body = _get(reverse("api_risk_map") + "?group=women-20-30&period=2025", raw).json()
    assert body == [{"municipality": "70939", "count": None, "rate_per_1000": None}]


def test_a_page_of_signals_reads_as_each_signal_reads_alone(make_user, municipality) -> None:
    """The signal list's serializer works out how to read each field once per page (issue 18,
    ``AttributeListSerializer``); every signal on the page reads as DRF's own loop reads it
    alone, empty and filled fields alike. A serializer with a dotted field keeps DRF's loop."""
    from spona.api.serializers import MunicipalitySerializer, SignalSerializer
    from spona.signals.models import Signal
    from spona.signals.services import signal_raise

    user = make_user(Role.CASE_MANAGER)
    for i, (who, contact, urgency) in enumerate(
        [("", "", "normal"), ("Комшија & <син>", "064 123 4567", "urgent"), ("Ana", "", "normal")]
    ):
        signal_raise(
            user=user,
            what_seen=f"Дете проси {i}",
            municipality=municipality,
            who=who,
            contact=contact,
            urgency=urgency,
            child_involved="yes",
        )
    signals = list(Signal.objects.select_related("municipality").order_by("pk"))
    page = SignalSerializer(signals, many=True).data
    assert page == [SignalSerializer(signal).data for signal in signals]
    assert [row["who"] for row in page] == ["", "Комшија & <син>", "Ana"]
    assert page[0]["municipality"] == "70939"
    assert page[0]["created_at"] == SignalSerializer(signals[0]).data["created_at"]
    assert MunicipalitySerializer([municipality], many=True).data == [
        MunicipalitySerializer(municipality).data
    ]


def test_a_page_of_signals_is_written_in_the_time_zone_of_its_request(
    make_user, municipality
) -> None:
    """The list looks the current time zone up once per page, not once per value: each page
    is written in the zone current when it is written, as each signal alone is."""
    from django.utils import timezone

    from spona.api.serializers import SignalSerializer
    from spona.signals.models import Signal
    from spona.signals.services import signal_raise

    user = make_user(Role.CASE_MANAGER)
    signal_raise(
        user=user, what_seen="Дете проси", municipality=municipality, urgency="normal",
        child_involved="yes",
    )  # fmt: skip
    signals = list(Signal.objects.select_related("municipality"))
    written = {}
    for zone in ("Europe/Belgrade", "Asia/Tokyo", "UTC"):
        with timezone.override(zone):
            page = SignalSerializer(signals, many=True).data
            assert page == [SignalSerializer(signal).data for signal in signals]
            written[zone] = page[0]["created_at"]
    assert written["Asia/Tokyo"].endswith("+09:00")
    assert written["UTC"].endswith("Z")
    assert len(set(written.values())) == 3


def test_the_api_signal_list_reads_only_what_it_returns(make_user, municipality) -> None:
    """The signal list reads the serializer's columns and the municipality's code, not the
    reason for a dismissal nor the indicators (issue 18); each signal reads as it reads alone,
    and the page is audited as before. Its plan is the serializer class's, worked out once;
    a serializer whose fields are its own gets DRF's loop."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework import serializers

    from spona.api.serializers import SignalSerializer, _class_plan
    from spona.signals.models import Signal
    from spona.signals.services import signal_raise

    user = make_user(Role.CASE_MANAGER)
    for who in ["", "Комшија"]:
        signal_raise(
            user=user,
            what_seen="Дете проси",
            municipality=municipality,
            who=who,
            urgency="normal",
            child_involved="yes",
        )
    _token, raw = api_token_create(user=user, name="x")
    with CaptureQueriesContext(connection) as queries:
        body = _get(reverse("api_signal_list"), raw).json()
    listing = next(
        q["sql"] for q in queries if 'FROM "signals_signal"' in q["sql"] and "LIMIT" in q["sql"]
    )
    assert "dismissed_reason" not in listing
    assert "indicators" not in listing
    assert '"what_seen"' in listing
    alone = [SignalSerializer(s).data for s in Signal.objects.order_by("-created_at", "-pk")]
    assert sorted(body["results"], key=lambda r: r["code"]) == sorted(
        alone, key=lambda r: r["code"]
    )
    assert AuditEvent.objects.filter(purpose="signal list (API)").count() == 1
    listed = AuditEvent.objects.get(purpose="signal list (API)").details["listed"]
    assert listed == {"signals": [row["code"] for row in body["results"]]}

    class Own(SignalSerializer):
        def get_fields(self):  # type: ignore[no-untyped-def]
            return {"code": serializers.CharField()}

    assert _class_plan(SignalSerializer) is _class_plan(SignalSerializer)
    assert _class_plan(Own) is None
