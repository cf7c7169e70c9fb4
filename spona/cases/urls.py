from django.urls import path

from spona.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("emergency/", views.break_glass, name="break_glass"),
    path("emergency/review/", views.break_glass_review, name="break_glass_review"),
    path("referral-statistics/", views.referral_statistics_page, name="referral_statistics"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<str:code>/", views.case_detail, name="case_detail"),
    path("<str:code>/status/", views.case_transition, name="case_transition"),
    path("<str:code>/reopen/", views.case_reopen, name="case_reopen"),
    path("<str:code>/refer/", views.referral_send, name="referral_send"),
    path("<str:code>/consent/", views.consent_record, name="consent_record"),
    path("referrals/<int:pk>/<slug:action>/", views.referral_act, name="referral_act"),
]
