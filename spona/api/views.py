"""API resources of the foundation. Every queryset comes from the access policy."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from spona.accounts.models import User
from spona.api.serializers import (
    CurrentUserSerializer,
    InstitutionSerializer,
    MunicipalitySerializer,
)
from spona.institutions import selectors
from spona.institutions.models import Institution, Municipality


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
