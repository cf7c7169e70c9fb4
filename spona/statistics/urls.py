from django.urls import path

from spona.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("report/", views.annual_report, name="annual_report"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/htcds.csv", views.htcds_export, name="htcds_export"),
    path("open-data/htcds-dp.csv", views.htcds_dp_export, name="htcds_dp_export"),
]
