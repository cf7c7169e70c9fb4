from django.urls import path

from spona.coordination import views

app_name = "coordination"
urlpatterns = [
    path("who-does-what/", views.who_does_what, name="who_does_what"),
    path("who-does-what/change/", views.mandate_edit, name="mandate_edit"),
]
