"""API resources. Every queryset comes from the access policy, every write from a service."""

import re
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from spona.accounts.models import User
from spona.api.serializers import (
    CurrentUserSerializer,
    EstimateSerializer,
    InstitutionSerializer,
    MunicipalitySerializer,
    RiskValueSerializer,
    SignalSerializer,
    WaveSerializer,
)
from spona.institutions import selectors
from spona.institutions.models import Institution, Municipality
from spona.policy import require, visible
from spona.prevention import selectors as prevention_selectors
from spona.prevention.imports import PERIOD
from spona.signals import selectors as signal_selectors
from spona.signals import services as signal_services
from spona.signals.access import SIGNAL_VIEW
from spona.signals.models import Signal
from spona.surveys import selectors as survey_selectors
from spona.surveys.access import SURVEY_VIEW
from spona.surveys.models import SurveyWave


def signed_in(request: Request) -> User:
    """The authenticated user (every API view requires authentication)."""
    assert isinstance(request.user, User)  # noqa: S101
    return request.user


class StrictQueryMixin:
    """Unknown query parameters are refused (400), so a client's typo never goes unnoticed."""

    allowed_query_params: frozenset[str] = frozenset()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        unknown = sorted(set(request.query_params) - self.allowed_query_params)
        if unknown:
            raise ValidationError({name: [_("Unknown parameter.")] for name in unknown})


class PagedListMixin(StrictQueryMixin):
    allowed_query_params = frozenset({"limit", "offset"})


class MunicipalityList(PagedListMixin, generics.ListAPIView[Municipality]):
    """All municipalities of the official register."""

    serializer_class = MunicipalitySerializer

    def get_queryset(self) -> QuerySet[Municipality]:
        return selectors.municipality_list(user=self.request.user)


class MunicipalityDetail(StrictQueryMixin, generics.RetrieveAPIView[Municipality]):
    serializer_class = MunicipalitySerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Municipality]:
        return selectors.municipality_list(user=self.request.user)


class InstitutionList(PagedListMixin, generics.ListAPIView[Institution]):
    """Active institutions with their duty contacts."""

    serializer_class = InstitutionSerializer

    def get_queryset(self) -> QuerySet[Institution]:
        return selectors.institution_directory(user=self.request.user)


class InstitutionDetail(StrictQueryMixin, generics.RetrieveAPIView[Institution]):
    serializer_class = InstitutionSerializer

    def get_queryset(self) -> QuerySet[Institution]:
        return selectors.institution_directory(user=self.request.user)


class CurrentUser(StrictQueryMixin, APIView):
    """The user the token or session belongs to."""

    serializer_class = CurrentUserSerializer

    def get(self, request: Request) -> Response:
        return Response(CurrentUserSerializer(signed_in(request)).data)


def api_docs(request: HttpRequest) -> HttpResponse:
    """A readable page of the OpenAPI schema, rendered on the server (no script)."""
    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    operations = [
        {"path": path, "method": method.upper(), **operation}
        for path, methods in schema.get("paths", {}).items()
        for method, operation in methods.items()
    ]
    return render(request, "api/docs.html", {"schema": schema, "operations": operations})


class SignalList(PagedListMixin, generics.ListCreateAPIView[Signal]):
    """Signals this user may see; POST raises one, as the one-minute form does."""

    serializer_class = SignalSerializer

    def get_queryset(self) -> QuerySet[Signal]:
        require(self.request.user, SIGNAL_VIEW)
        return visible(self.request.user, Signal).select_related("municipality")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = signal_services.signal_raise(
            user=signed_in(self.request), **serializer.validated_data
        )


class SignalDetail(StrictQueryMixin, generics.RetrieveAPIView[Signal]):
    """One signal; the read is audited like the page's."""

    serializer_class = SignalSerializer

    def get_object(self) -> Signal:
        return signal_selectors.signal_get(user=signed_in(self.request), code=self.kwargs["code"])


class WaveList(PagedListMixin, generics.ListAPIView[SurveyWave]):
    """Survey waves."""

    serializer_class = WaveSerializer

    def get_queryset(self) -> QuerySet[SurveyWave]:
        require(self.request.user, SURVEY_VIEW)
        return SurveyWave.objects.select_related("instrument")


class WaveEstimates(StrictQueryMixin, APIView):
    """A wave's estimates: null where fewer than 11 respondents answered."""

    serializer_class = EstimateSerializer

    @extend_schema(responses=EstimateSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        wave = generics.get_object_or_404(SurveyWave.objects.select_related("instrument"), pk=pk)
        shown = survey_selectors.wave_estimates(user=signed_in(request), wave=wave)
        return Response(EstimateSerializer(shown, many=True).data)


GROUP = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class RiskMap(StrictQueryMixin, APIView):
    """A risk group's protected size per municipality, for one period."""

    serializer_class = RiskValueSerializer
    allowed_query_params = frozenset({"group", "period"})

    @extend_schema(
        responses=RiskValueSerializer(many=True),
        parameters=[
            OpenApiParameter(
                "group",
                str,
                required=True,
                pattern=GROUP.pattern,
                description="Risk-group code, e.g. women-20-30",
            ),
            OpenApiParameter(
                "period",
                str,
                required=True,
                pattern=PERIOD.pattern,
                description="2025, 2025-Q3 or 2025-07",
            ),
        ],
    )
    def get(self, request: Request) -> Response:
        wrong = [
            name
            for name, pattern in (("group", GROUP), ("period", PERIOD))
            if not pattern.fullmatch(request.query_params.get(name, ""))
        ]
        if wrong:
            raise ValidationError(
                {name: [_("This parameter is missing or malformed.")] for name in wrong}
            )
        values = prevention_selectors.national_layer(
            user=signed_in(request),
            group_code=request.query_params.get("group", ""),
            period=request.query_params.get("period", ""),
        )
        return Response(RiskValueSerializer(values, many=True).data)
