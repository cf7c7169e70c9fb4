from django.urls import path

from spona.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.wave_list, name="wave_list"),
    path("new/", views.wave_create, name="wave_create"),
    path("<int:pk>/", views.wave_detail, name="wave_detail"),
    path("<int:pk>/import/", views.wave_import, name="wave_import"),
    path("<int:pk>/margins/", views.wave_margins, name="wave_margins"),
    path("<int:pk>/interview/", views.response_create, name="response_create"),
    path("<int:pk>/report/", views.wave_report, name="wave_report"),
    path("<int:pk>/compare/<int:other>/", views.compare, name="compare"),
]
