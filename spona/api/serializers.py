from typing import Any

from rest_framework import serializers

from spona.accounts.models import User
from spona.institutions.models import Institution, Municipality
from spona.signals.models import Signal
from spona.surveys.models import SurveyWave


class MunicipalitySerializer(serializers.ModelSerializer[Municipality]):
    district = serializers.CharField(source="district.code", read_only=True)

    class Meta:
        model = Municipality
        fields = ["code", "name_cyr", "name_lat", "district", "population_2011", "population_2022"]


class InstitutionSerializer(serializers.ModelSerializer[Institution]):
    municipality = serializers.CharField(
        source="municipality.code", read_only=True, allow_null=True
    )

    class Meta:
        model = Institution
        fields = ["id", "name", "type", "municipality", "address", "duty_phone", "duty_email"]


class CurrentUserSerializer(serializers.ModelSerializer[User]):
    institution = InstitutionSerializer(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "role", "institution"]


class SignalSerializer(serializers.ModelSerializer[Signal]):
    """A signal as other systems send and read it (the same fields as the one-minute form)."""

    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all()
    )

    class Meta:
        model = Signal
        fields = [
            "code",
            "what_seen",
            "municipality",
            "settlement",
            "who",
            "urgency",
            "child_involved",
            "contact",
            "status",
            "created_at",
        ]
        read_only_fields = ["code", "status", "created_at"]


class EstimateSerializer(serializers.Serializer[Any]):
    indicator = serializers.CharField()
    title = serializers.CharField()
    domain = serializers.CharField()
    level = serializers.CharField()
    n = serializers.IntegerField()
    estimate = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    se = serializers.FloatField(allow_null=True)
    deff = serializers.FloatField(allow_null=True)
    flagged = serializers.BooleanField()


class WaveSerializer(serializers.ModelSerializer[SurveyWave]):
    instrument = serializers.CharField(source="instrument.code", read_only=True)

    class Meta:
        model = SurveyWave
        fields = ["id", "name", "instrument", "starts_on", "ends_on", "weighting"]


class RiskValueSerializer(serializers.Serializer[Any]):
    """A municipality's protected count: null where it is hidden (fewer than 11, or to protect one)."""

    municipality = serializers.CharField(source="municipality.code")
    count = serializers.IntegerField(allow_null=True)
    rate_per_1000 = serializers.FloatField(source="rate", allow_null=True)
