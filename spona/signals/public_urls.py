from django.urls import path

from spona.signals import views

app_name = "report"
urlpatterns = [
    path("", views.citizen_report, name="citizen_report"),
    path("add/", views.citizen_follow_up, name="citizen_follow_up"),
]
