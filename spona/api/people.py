"""The duplicate review queue in the API (issue 19): the Centre lists the open suggestions,
confirms (merges) or rejects each, and starts a scan of everyone stored. The same
selectors (the page of suggestions is one audited read), services and policy as the pages."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from spona.api.views import PagedListMixin, StrictQueryMixin, signed_in
from spona.core.locking import StaleEditError
from spona.people import selectors, services
from spona.people.models import DuplicateSuspicion, Resolution


class SuggestionSerializer(serializers.Serializer[Any]):
    """An open suggestion: the two persons' codes and versions (to confirm with), how
    likely they are one, what speaks for it in the request's language, and the scan's
    cluster (null for one raised at registration)."""

    id = serializers.IntegerField(source="suspicion.pk")
    person = serializers.CharField(source="suspicion.person.code")
    person_version = serializers.IntegerField(source="suspicion.person.version")
    match = serializers.CharField(source="suspicion.match.code")
    match_version = serializers.IntegerField(source="suspicion.match.version")
    score = serializers.FloatField(source="suspicion.score")
    found_by = serializers.CharField(source="suspicion.found_by")
    reasons = serializers.ListField(child=serializers.CharField())
    cluster = serializers.IntegerField(source="suspicion.cluster", allow_null=True)
    created_at = serializers.DateTimeField(source="suspicion.created_at")


class ConfirmInputSerializer(serializers.Serializer[Any]):
    """Which record to keep (the other is merged into it), and the versions of ``person``
    and ``match`` as the reviewer compared them."""

    keep = serializers.CharField(max_length=32)
    person_version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    match_version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class DecisionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    resolution = serializers.CharField()
    kept = serializers.CharField(allow_null=True)


class DetailSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


class JobStartedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.CharField()


class DuplicateList(PagedListMixin, generics.ListAPIView[Any]):
    """The open suggestions of the whole register, a cluster's pairs together, the likeliest
    first; the page shown is one audited read of its persons (the Centre only)."""

    serializer_class = SuggestionSerializer

    def get_queryset(self) -> QuerySet[DuplicateSuspicion]:
        return selectors.open_suggestions(user=signed_in(self.request))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        shown = selectors.suggestions_shown(
            user=signed_in(request), shown=page if page is not None else queryset
        )
        data = SuggestionSerializer(shown, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


def _open(request: Request, pk: int) -> DuplicateSuspicion:
    """The suggestion (its read audited, as the page's); refused if decided already."""
    suspicion = selectors.suggestion_get(user=signed_in(request), pk=pk).suspicion
    if suspicion.resolved_at is not None:
        raise services.SuggestionDecidedError
    return suspicion


def _conflict(error: StaleEditError | services.SuggestionDecidedError) -> Response:
    return Response({"detail": str(error.message)}, status=409)


class DuplicateConfirm(StrictQueryMixin, APIView):
    """The two are one person: the other record is merged into ``keep`` (both histories
    kept). A suggestion decided already, or a record changed since compared: 409."""

    serializer_class = DecisionSerializer

    @extend_schema(
        request=ConfirmInputSerializer, responses={200: DecisionSerializer, 409: DetailSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        try:
            suspicion = _open(request, pk)
        except services.SuggestionDecidedError as error:
            return _conflict(error)
        given = ConfirmInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        versions = {
            suspicion.person.code: data["person_version"],
            suspicion.match.code: data["match_version"],
        }
        if data["keep"] not in versions:
            raise ValidationError({"keep": [_("Give the code of one of the two persons.")]})
        keep, duplicate = (
            (suspicion.person, suspicion.match)
            if data["keep"] == suspicion.person.code
            else (suspicion.match, suspicion.person)
        )
        try:
            services.suggestion_confirm(
                user=signed_in(request),
                suggestion=suspicion,
                keep=keep,
                keep_version=versions[keep.code],
                duplicate_version=versions[duplicate.code],
            )
        except (StaleEditError, services.SuggestionDecidedError) as error:
            return _conflict(error)
        decided = {"id": suspicion.pk, "resolution": Resolution.MERGED, "kept": keep.code}
        return Response(DecisionSerializer(decided).data)


class DuplicateReject(StrictQueryMixin, APIView):
    """The two are different people: the pair is closed and never suggested again. A
    suggestion decided already: 409."""

    serializer_class = DecisionSerializer

    @extend_schema(request=None, responses={200: DecisionSerializer, 409: DetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        try:
            suspicion = _open(request, pk)
            services.suggestion_reject(user=signed_in(request), suggestion=suspicion)
        except services.SuggestionDecidedError as error:
            return _conflict(error)
        decided = {"id": suspicion.pk, "resolution": Resolution.NOT_DUPLICATE, "kept": None}
        return Response(DecisionSerializer(decided).data)


class DuplicateScan(StrictQueryMixin, APIView):
    """Start the scan of everyone stored as a background job (as the review page's button);
    its page (``url``) follows the progress and tells what was found."""

    serializer_class = JobStartedSerializer

    @extend_schema(request=None, responses={202: JobStartedSerializer})
    def post(self, request: Request) -> Response:
        job = services.duplicate_scan_start(user=signed_in(request))
        url = request.build_absolute_uri(reverse("jobs:job_detail", args=[job.pk]))
        return Response(JobStartedSerializer({"id": job.pk, "url": url}).data, status=202)
