"""API resources. Every queryset comes from the access policy, every write from a service."""

import re
from dataclasses import dataclass
from functools import cached_property
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, views
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from spona.accounts.models import User
from spona.api.serializers import (
    ActivitySerializer,
    AssessmentSerializer,
    CurrentUserSerializer,
    EstimateSerializer,
    InstitutionSerializer,
    MunicipalitySerializer,
    OfferSerializer,
    ProviderSerializer,
    RescreeningSerializer,
    RiskValueSerializer,
    ScreeningInputSerializer,
    ScreeningSerializer,
    ScreeningSummarySerializer,
    SignalSerializer,
    StatisticsDashboardSerializer,
    WaveSerializer,
)
from spona.audit.services import audit_listed
from spona.institutions import selectors
from spona.institutions.models import Institution, Municipality
from spona.people.models import Person
from spona.planning import selectors as planning_selectors
from spona.planning.access import PLAN_VIEW
from spona.planning.models import Activity, Assessment
from spona.planning.readiness import Dimension
from spona.policy import SAFE_METHODS, require, visible
from spona.prevention import selectors as prevention_selectors
from spona.prevention.imports import PERIOD
from spona.providers import selectors as provider_selectors
from spona.providers.models import Domain, Offer, Provider
from spona.screening import selectors as screening_selectors
from spona.screening import services as screening_services
from spona.screening.access import SCREENING_START
from spona.screening.models import Screening
from spona.screening.services import FLAG_NAMES
from spona.signals import selectors as signal_selectors
from spona.signals import services as signal_services
from spona.signals.access import SIGNAL_VIEW
from spona.signals.models import Signal
from spona.statistics.access import STATISTICS_VIEW
from spona.statistics.dashboard import area_for, dashboard, default_period
from spona.statistics.forms import DashboardFilter
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
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # a mixin for APIView
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


def _municipality_param(request: Request) -> tuple[Municipality | None, bool]:
    """The municipality of the ``municipality`` code, and whether the code is unknown (then
    the list is empty, as for any filter that matches nothing)."""
    code = request.query_params.get("municipality")
    if not code:
        return None, False
    if not (code.isascii() and code.isdigit()):  # codes are digits; PostgreSQL refuses a NUL
        return None, True
    municipality = Municipality.objects.filter(code=code).first()
    return municipality, municipality is None


@extend_schema(
    parameters=[
        OpenApiParameter("municipality", str, description="a municipality's code"),
        OpenApiParameter("domain", str, enum=Domain.values),
    ]
)
class ProviderList(PagedListMixin, generics.ListAPIView[Provider]):
    """The directory: providers serving a municipality (national ones included), their active
    services and open offers. The whole directory as HSDS 3.0: ``/providers/hsds/export/``."""

    serializer_class = ProviderSerializer
    allowed_query_params = frozenset({"limit", "offset", "municipality", "domain"})

    def get_queryset(self) -> QuerySet[Provider]:
        domain = self.request.query_params.get("domain")
        if domain is not None and domain not in Domain.values:  # "domain=" too: not a domain
            raise ValidationError({"domain": [_("Unknown domain.")]})
        municipality, unknown = _municipality_param(self.request)
        providers = provider_selectors.provider_directory(
            user=signed_in(self.request), municipality=municipality, domain=domain or ""
        ).order_by("pk")
        return providers.none() if unknown else providers


class ProviderDetail(StrictQueryMixin, generics.RetrieveAPIView[Provider]):
    serializer_class = ProviderSerializer

    def get_queryset(self) -> QuerySet[Provider]:
        return provider_selectors.provider_directory(user=signed_in(self.request))


@extend_schema(parameters=[OpenApiParameter("municipality", str)])
class OfferList(PagedListMixin, generics.ListAPIView[Offer]):
    """Employers' open offers (jobs, internships, trainings), in a municipality if given."""

    serializer_class = OfferSerializer
    allowed_query_params = frozenset({"limit", "offset", "municipality"})

    def get_queryset(self) -> QuerySet[Offer]:
        municipality, unknown = _municipality_param(self.request)
        offers = provider_selectors.open_offers(
            user=signed_in(self.request), municipality=municipality
        ).order_by("pk")
        return offers.none() if unknown else offers


class CurrentUser(StrictQueryMixin, APIView):
    """The user the token or session belongs to."""

    serializer_class = CurrentUserSerializer

    def get(self, request: Request) -> Response:
        return Response(CurrentUserSerializer(signed_in(request)).data)


@login_required
def api_docs(request: HttpRequest) -> HttpResponse:
    """A readable page of the OpenAPI schema, rendered on the server (no script); for those
    signed in, like the schema itself."""
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
        return visible(self.request.user, Signal)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The page of signals asked, read as rows of the serializer's columns (``_LISTED``),
        not as model instances: making a signal and its municipality for each row was half of
        reading a page of a hundred, and the serializer reads only these columns. The first
        page as DRF pages the list when no ``limit`` or ``offset`` is named (the list as
        another system reads it most often) is read by a query prepared per shape of user
        (``_FirstSignals``); any other page through the ORM and the whole scope."""
        if request.query_params.keys() & {"limit", "offset"}:
            rows: Any = self.get_queryset().values_list(*_LISTED)
        else:
            require(request.user, SIGNAL_VIEW)
            rows = _FirstSignals(signed_in(request), self.paginator.default_limit)  # type: ignore[union-attr]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def paginate_queryset(self, queryset: Any) -> Any:
        """The page of signals (contact details included) is one audited read naming each."""
        page = super().paginate_queryset(queryset)
        shown = [_listed(row) for row in (page if page is not None else queryset)]
        audit_listed(user=signed_in(self.request), purpose="signal list (API)", signals=shown)
        return shown

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = signal_services.signal_raise(
            user=signed_in(self.request), **serializer.validated_data
        )


#: The columns of a signal the API's list reads: the key, and the serializer's
_LISTED = ["pk", *SignalSerializer.Meta.columns]


class _FirstSignals:
    """The signals a user may see as DRF's paginator reads them for its first page: how many
    (``count``), then the first ``size`` (``[0:size]``), both read by one prepared query
    (``first_signals``), once."""

    def __init__(self, user: User, size: int) -> None:
        self._user, self._size = user, size

    @cached_property
    def _read(self) -> tuple[list[tuple[Any, ...]], int]:
        return signal_selectors.first_signals(user=self._user, columns=_LISTED, size=self._size)

    def count(self) -> int:
        return self._read[1]

    def __getitem__(self, window: slice) -> list[tuple[Any, ...]]:
        if (window.start, window.stop) != (0, self._size):
            raise IndexError("only the first page of signals is read prepared")
        return self._read[0]


def _listed(row: tuple[Any, ...]) -> SimpleNamespace:
    """A row of the API's signal list as the serializer and the audit read it: each column an
    attribute, and the municipality an object with its code (what the list shows of it)."""
    values = dict(zip(_LISTED, row, strict=True))
    code = values.pop("municipality__code")
    municipality = None if code is None else SimpleNamespace(code=code)
    return SimpleNamespace(**values, municipality=municipality)


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


# --- screenings ----------------------------------------------------------------------------


def _screening_reference(user: User, model: type[Any], code: str, field: str) -> Any:
    """A person or signal by its code, among those this user may see."""
    found = visible(user, model).filter(code=code).first()
    if found is None:
        raise ValidationError({field: [_("Unknown code, or not visible to you.")]})
    return found


#: What the API shows of a screening as stored.
RECORDED = [
    "id",
    "person",
    "signal",
    "status",
    "outcome",
    "not_trafficking_reason",
    "rules_version",
    "created_at",
    "completed_at",
    "age_group",
    "indicators",
    "acts",
    "means",
    "purposes",
    "risk_factors",
    "offences",
]


def screening_body(screening: Screening) -> dict[str, Any]:
    """A screening as the API shows it: what was recorded, the outcome explained and the
    protocol, in the reader's language (the same view model as the result page)."""
    shown = screening_selectors.result_view_model(screening)
    explanation = screening.explanation or {}
    follow_up = shown["follow_up"]
    return {
        **{name: getattr(screening, name) for name in RECORDED},
        "flags": [name for name in FLAG_NAMES if screening.flags.get(name)],
        "notes": screening.notes,
        "outcome_title": str(shown["outcome_title"]),
        "route": explanation.get("route", ""),
        "forms": explanation.get("forms", []),
        "missing": explanation.get("missing", []),
        "prevention": explanation.get("prevention", False),
        "catalogue_version": screening.catalogue.version,
        "catalogue_verified": screening.catalogue.verified,
        "reasons": [
            {"code": reason["code"], "text": text}
            for reason, text in zip(explanation.get("reasons", []), shown["reasons"], strict=True)
        ],
        "protocol": [
            {
                "code": item["step"].code,
                "title": item["step"].title,
                "due_at": item["step"].due_at,
                "done_at": item["step"].done_at,
            }
            for item in shown["steps"]
        ],
        "follow_up": {
            "code": follow_up.code,
            "due_on": follow_up.due_on,
            "risk_group": follow_up.risk_group.name if follow_up.risk_group else None,
            "campaign": follow_up.campaign.name if follow_up.campaign else None,
        }
        if follow_up
        else None,
    }


class ScreeningList(PagedListMixin, generics.ListAPIView[Screening]):
    """Screenings this user may see (the list read is audited); POST records one, with its
    indicators, legal elements, risk factors and facts, and completes it unless told not to."""

    serializer_class = ScreeningSummarySerializer

    def get_queryset(self) -> QuerySet[Screening]:
        return screening_selectors.screening_list(user=signed_in(self.request))

    @extend_schema(request=ScreeningInputSerializer, responses={201: ScreeningSerializer})
    def post(self, request: Request) -> Response:
        user = signed_in(request)
        require(user, SCREENING_START)
        given = ScreeningInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        references = given.validated_data
        person = (
            _screening_reference(user, Person, references["person"], "person")
            if "person" in references
            else None
        )
        signal = (
            _screening_reference(user, Signal, references["signal"], "signal")
            if "signal" in references
            else None
        )
        try:
            created = screening_services.screening_create(
                user=user,
                data=given.service_data(),
                signal=signal,
                person=person,
                complete=references["complete"],
            )
        except screening_services.ScreeningInputError as error:
            raise ValidationError(error.errors) from error
        except screening_services.NoActiveCatalogueError as error:
            raise ValidationError(
                {"catalogue": [_("No indicator catalogue is loaded.")]}
            ) from error
        screening = screening_selectors.screening_get(user=user, pk=created.pk)
        return Response(ScreeningSerializer(screening_body(screening)).data, status=201)


class ScreeningDetail(StrictQueryMixin, APIView):
    """One screening with its explained outcome and protocol; the read is audited."""

    serializer_class = ScreeningSerializer

    def get(self, request: Request, pk: int) -> Response:
        screening = screening_selectors.screening_get(user=signed_in(request), pk=pk)
        return Response(ScreeningSerializer(screening_body(screening)).data)


class ScreeningRescreen(StrictQueryMixin, APIView):
    """What the screening would be under the current rules and catalogue, beside what was
    decided and under which versions; nothing is changed."""

    serializer_class = RescreeningSerializer

    def get(self, request: Request, pk: int) -> Response:
        compared = screening_selectors.rescreen(user=signed_in(request), pk=pk)
        sides = {
            name: {
                **compared[side],
                "rules_version": compared["rules"][side],
                "catalogue_version": compared["catalogues"][side],
            }
            for name, side in (("decided", "then"), ("current", "now"))
        }
        body = {**sides, "changed": compared["changed"], "reasons": compared["why"]}
        return Response(RescreeningSerializer(body).data)


# --- statistics ----------------------------------------------------------------------------


class StatisticsDashboard(StrictQueryMixin, APIView):
    """The statistics dashboard of an area for a period and the one before it (as the page)."""

    serializer_class = StatisticsDashboardSerializer
    allowed_query_params = frozenset({"area", "start", "end"})

    @extend_schema(
        responses=StatisticsDashboardSerializer,
        parameters=[
            OpenApiParameter(
                "area",
                str,
                pattern=r"^(nation|district-[0-9]+|municipality-[0-9]+)$",
                description="nation, district-<id> or municipality-<id>; default: the user's",
            ),
            OpenApiParameter("start", OpenApiTypes.DATE, description="first day"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="last day"),
        ],
    )
    def get(self, request: Request) -> Response:
        user = signed_in(request)
        require(user, STATISTICS_VIEW)
        default = default_period(timezone.localdate())
        form = DashboardFilter(request.query_params, areas=[], default=default)
        form.fields.pop("area")
        if not form.is_valid():
            raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        area = area_for(user, request.query_params.get("area", ""))
        if area is None:
            raise NotFound
        board = dashboard(user=user, area=area, period=form.cleaned_data["period"])
        return Response(StatisticsDashboardSerializer(board).data)


# --- the local action plan ------------------------------------------------------------------


@dataclass(frozen=True)
class _Assessed:
    assessment: Assessment
    interviews: int
    overall_score: float | None
    overall_stage: int | None
    dimensions: list[dict[str, Any]]


def _assessed(assessment: Assessment) -> _Assessed:
    result = planning_selectors.assessment_readiness(assessment)
    return _Assessed(
        assessment=assessment,
        interviews=assessment.interviews.count(),
        overall_score=result.overall if result else None,
        overall_stage=int(result.stage()) if result else None,
        dimensions=[
            {
                "dimension": d.value,
                "title": str(d.label),
                "score": result.dimensions[d],
                "stage": int(result.stage(d)),
            }
            for d in Dimension
        ]
        if result
        else [],
    )


class ReadinessList(PagedListMixin, generics.ListAPIView[Any]):
    """Readiness assessments the user may read, with their stages (no interview notes)."""

    serializer_class = AssessmentSerializer

    def get_queryset(self) -> Any:
        require(self.request.user, PLAN_VIEW)
        return planning_selectors.assessments(user=signed_in(self.request)).order_by("-year", "pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = [_assessed(a) for a in (page if page is not None else self.get_queryset())]
        data = AssessmentSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class ActivityList(PagedListMixin, generics.ListAPIView[Activity]):
    """The action plans' activities the user may read (``year`` filters), with the
    prioritisation's choice and the reason for each activity left out."""

    serializer_class = ActivitySerializer
    allowed_query_params = frozenset({"limit", "offset", "year"})

    def get_queryset(self) -> QuerySet[Activity]:
        require(self.request.user, PLAN_VIEW)
        year = self.request.query_params.get("year", "")
        rows = planning_selectors.activities(
            user=signed_in(self.request),
            year=int(year) if year.isascii() and year.isdigit() else None,
        )
        return rows.prefetch_related("requires").order_by("year", "pk")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's answer to an exception. DRF marks the request's transaction for rollback; a GET or
    HEAD request has none (spona.core.middleware.ReadOnlyRequestsMiddleware), so the mark is
    undone: a block open around it is not the request's (a test's transaction)."""
    marked = connection.needs_rollback
    response = views.exception_handler(exc, context)
    if context["request"].method in SAFE_METHODS and connection.in_atomic_block:
        connection.set_rollback(marked)
    return response
