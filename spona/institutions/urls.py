from django.urls import path

from spona.institutions import views

app_name = "institutions"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("municipalities/", views.municipality_list, name="municipality_list"),
]
