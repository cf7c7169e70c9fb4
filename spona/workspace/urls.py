from django.urls import path

from spona.workspace import views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("phase/<slug:phase>/", views.phase, name="phase"),
]
