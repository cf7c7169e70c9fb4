from django.urls import path

from spona.providers import views

app_name = "providers"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("new/", views.provider_add, name="provider_add"),
    path("<int:pk>/", views.provider_detail, name="provider_detail"),
    path("<int:pk>/edit/", views.provider_edit, name="provider_edit"),
    path("<int:pk>/services/new/", views.service_add, name="service_add"),
    path("services/<int:pk>/", views.service_edit, name="service_edit"),
    path("offers/new/", views.offer_add, name="offer_add"),
    path("offers/<int:pk>/close/", views.offer_close, name="offer_close"),
    path("hsds/export/", views.export_hsds, name="export_hsds"),
    path("hsds/import/", views.import_hsds, name="import_hsds"),
    path("needs/", views.needs, name="needs"),
    path("cases/<str:code>/request/", views.service_request, name="service_request"),
    path("cases/<str:code>/delivered/", views.delivery_add, name="delivery_add"),
    path("delivered/<int:pk>/", views.delivery_edit, name="delivery_edit"),
]
