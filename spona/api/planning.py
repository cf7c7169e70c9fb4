"""The action plan's monitoring API (issue 17): an activity's indicators with their current
value, its progress through the year (POST records progress, as the activity's page does),
and the five evidence scores compared with last year and the other municipalities. The same
selectors, services, policy and disclosure as the pages."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from spona.api.views import StrictQueryMixin, signed_in
from spona.institutions.models import Municipality
from spona.planning import selectors, services
from spona.planning.access import PLAN_READ, PLAN_VIEW
from spona.planning.evidence import compared
from spona.planning.models import Activity
from spona.policy import can, require


class IndicatorSerializer(serializers.Serializer[Any]):
    """An indicator; ``current`` is the system's number for one bound to a ``metric`` (null
    where a small number would be disclosed), else the last value recorded."""

    id = serializers.IntegerField(source="indicator.pk")
    name = serializers.CharField(source="indicator.name")
    level = serializers.CharField(source="indicator.level")
    metric = serializers.CharField(source="indicator.metric")
    metric_title = serializers.CharField(source="label")
    baseline = serializers.FloatField(source="indicator.baseline", allow_null=True)
    target = serializers.FloatField(source="indicator.target")
    current = serializers.FloatField(allow_null=True)
    measured_on = serializers.DateField(allow_null=True)


class ProgressSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    on = serializers.DateField()
    progress = serializers.IntegerField(allow_null=True)
    indicator = serializers.IntegerField(source="indicator_id", allow_null=True)
    value = serializers.FloatField(allow_null=True)
    note = serializers.CharField()


class ProgressInputSerializer(serializers.Serializer[Any]):
    """The activity's per cent done, or (with ``indicator``) the value an indicator reached."""

    on = serializers.DateField()
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False)
    indicator = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    value = serializers.FloatField(required=False)
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ComparisonSerializer(serializers.Serializer[Any]):
    problem = serializers.CharField(source="problem.value")
    title = serializers.CharField(source="problem.label")
    score = serializers.IntegerField(allow_null=True)
    last_year = serializers.IntegerField(allow_null=True)
    change = serializers.IntegerField(allow_null=True)
    others = serializers.IntegerField(allow_null=True)


def _activity(request: Request, pk: int) -> Activity:
    return selectors.activity_get(user=signed_in(request), pk=pk)


class ActivityIndicators(StrictQueryMixin, APIView):
    """An activity's indicators: baseline, target and the current value."""

    serializer_class = IndicatorSerializer

    @extend_schema(responses={200: IndicatorSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        activity = _activity(request, pk)
        rows = selectors.indicator_rows(user=signed_in(request), activity=activity)
        return Response(IndicatorSerializer(rows, many=True).data)


class ActivityProgress(StrictQueryMixin, APIView):
    """GET: the progress recorded through the year. POST: record progress (the municipality's
    coordinator, or the people of the activity's lead institution)."""

    serializer_class = ProgressSerializer

    @extend_schema(responses={200: ProgressSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        activity = _activity(request, pk)
        return Response(ProgressSerializer(activity.updates.all(), many=True).data)

    @extend_schema(request=ProgressInputSerializer, responses={201: ProgressSerializer})
    def post(self, request: Request, pk: int) -> Response:
        activity = _activity(request, pk)
        given = ProgressInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        indicator = None
        if (indicator_pk := data.pop("indicator", None)) is not None:
            indicator = activity.indicators.filter(pk=indicator_pk).first()
            if indicator is None:
                raise ValidationError({"indicator": [str(services.WRONG_INDICATOR)]})
        try:
            update = services.progress_record(
                user=signed_in(request), activity=activity, indicator=indicator, **data
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        return Response(ProgressSerializer(update).data, status=201)


class Comparison(StrictQueryMixin, APIView):
    """The five evidence scores of a municipality (``municipality``: its code; the
    coordinator's own by default) in ``year``, beside last year's and the other
    municipalities' pooled, each published through disclosure control."""

    serializer_class = ComparisonSerializer
    allowed_query_params = frozenset({"municipality", "year"})

    @extend_schema(
        responses={200: ComparisonSerializer(many=True)},
        parameters=[
            OpenApiParameter("municipality", str, description="Municipality code, e.g. 70939"),
            OpenApiParameter("year", int, description="Calendar year (default: this year)"),
        ],
    )
    def get(self, request: Request) -> Response:
        user = signed_in(request)
        require(user, PLAN_VIEW)
        code = request.query_params.get("municipality", "")
        if code:
            municipality = Municipality.objects.filter(code=code).first()
        else:
            municipality = user.institution.municipality if user.institution else None
        if municipality is None or not can(user, PLAN_READ, municipality):
            raise Http404
        year = _year(request.query_params.get("year", ""))
        return Response(ComparisonSerializer(compared(municipality, year), many=True).data)


def _year(text: str) -> int:
    if not text:
        return timezone.localdate().year
    if not (text.isascii() and text.isdigit() and services.year_in_range(int(text))):
        raise ValidationError({"year": [str(services.BAD_YEAR)]})
    return int(text)
