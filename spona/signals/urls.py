from django.urls import path

from spona.signals import views

app_name = "signals"
urlpatterns = [
    path("", views.signal_list, name="signal_list"),
    path("new/", views.signal_create, name="signal_create"),
    path("<str:code>/", views.signal_detail, name="signal_detail"),
    path("<str:code>/assign/", views.signal_assign, name="signal_assign"),
    path("<str:code>/dismiss/", views.signal_dismiss, name="signal_dismiss"),
    path("<str:code>/merge/", views.signal_merge, name="signal_merge"),
]
