from django.urls import path

from spona.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("<str:code>/", views.case_detail, name="case_detail"),
    path("<str:code>/status/", views.case_transition, name="case_transition"),
    path("<str:code>/reopen/", views.case_reopen, name="case_reopen"),
    path("referrals/<int:pk>/<slug:action>/", views.referral_act, name="referral_act"),
]
