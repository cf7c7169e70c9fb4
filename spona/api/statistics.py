"""The open-data API of the statistics app (issue 16): the privacy budget and the
differentially private release, on the same selectors and services as the open-data page."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from spona.api.views import StrictQueryMixin, signed_in
from spona.policy import require
from spona.statistics import privacy, selectors, services
from spona.statistics.access import HTCDS_EXPORT


class PrivacyReleaseSerializer(serializers.Serializer[Any]):
    epsilon = serializers.DecimalField(max_digits=9, decimal_places=4)
    released_at = serializers.DateTimeField()
    released_by = serializers.CharField(source="released_by.username", allow_null=True)
    channel = serializers.CharField()
    cells = serializers.IntegerField()


class PrivacyBudgetSerializer(serializers.Serializer[Any]):
    """This year's privacy budget of a dataset and the releases that spent it."""

    dataset = serializers.CharField()
    year = serializers.IntegerField()
    budget = serializers.DecimalField(max_digits=9, decimal_places=4)
    spent = serializers.DecimalField(max_digits=9, decimal_places=4)
    left = serializers.DecimalField(max_digits=9, decimal_places=4)
    releases = PrivacyReleaseSerializer(many=True)


class DpReleaseInputSerializer(serializers.Serializer[Any]):
    epsilon = serializers.CharField(max_length=20)


class NoisyCellSerializer(serializers.Serializer[Any]):
    prs_Gender = serializers.CharField()  # noqa: N815 - HTCDS's names
    ageBroad = serializers.CharField()  # noqa: N815
    prs_Citizenship = serializers.CharField()  # noqa: N815
    yearRegister = serializers.CharField()  # noqa: N815
    vic_TypeOfExploitation = serializers.CharField(allow_blank=True)  # noqa: N815
    count = serializers.IntegerField(min_value=1)


class NoisyTableSerializer(serializers.Serializer[Any]):
    """A differentially private table: its non-zero noisy cells (every other cell is 0)."""

    epsilon = serializers.FloatField()
    first_year = serializers.IntegerField()
    last_year = serializers.IntegerField()
    cells = serializers.IntegerField()
    rows = NoisyCellSerializer(many=True)


class StatisticsPrivacyBudget(StrictQueryMixin, APIView):
    """This year's privacy budget of the cases' dataset (the Centre's officers)."""

    serializer_class = PrivacyBudgetSerializer

    @extend_schema(responses=PrivacyBudgetSerializer)
    def get(self, request: Request) -> Response:
        state = selectors.privacy_budget_state(user=signed_in(request))
        return Response(PrivacyBudgetSerializer(state).data)


class StatisticsDpRelease(StrictQueryMixin, APIView):
    """A differentially private HTCDS table of counts (OpenDP), its epsilon spent from this
    year's budget; refused (400) past the budget, with nothing recorded."""

    serializer_class = NoisyTableSerializer

    @extend_schema(request=DpReleaseInputSerializer, responses=NoisyTableSerializer)
    def post(self, request: Request) -> Response:
        user = signed_in(request)
        require(user, HTCDS_EXPORT)  # before the input: other roles learn nothing of it
        given = DpReleaseInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            table = services.dp_release(
                user=user, epsilon=given.validated_data["epsilon"], channel="api"
            )
        except services.PrivacyRefusedError as refused:
            raise ValidationError({"epsilon": [str(refused)]}) from refused
        names = privacy.COLUMNS[:-1]
        body = {
            "epsilon": table.epsilon,
            "first_year": table.years[0],
            "last_year": table.years[1],
            "cells": table.cells,
            "rows": [{**dict(zip(names, key, strict=True)), "count": n} for key, n in table.rows],
        }
        return Response(NoisyTableSerializer(body).data)
