from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from spona.api import views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", views.api_docs, name="api_docs"),
    path("v1/me/", views.CurrentUser.as_view(), name="api_me"),
    path("v1/municipalities/", views.MunicipalityList.as_view(), name="api_municipality_list"),
    path(
        "v1/municipalities/<str:code>/",
        views.MunicipalityDetail.as_view(),
        name="api_municipality_detail",
    ),
    path("v1/institutions/", views.InstitutionList.as_view(), name="api_institution_list"),
    path(
        "v1/institutions/<int:pk>/",
        views.InstitutionDetail.as_view(),
        name="api_institution_detail",
    ),
]
