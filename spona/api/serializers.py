from rest_framework import serializers

from spona.accounts.models import User
from spona.institutions.models import Institution, Municipality


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
