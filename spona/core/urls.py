from django.urls import path

from spona.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("phase/<slug:phase>/", views.phase, name="phase"),
]
