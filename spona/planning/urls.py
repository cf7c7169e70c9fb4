from django.urls import path

from spona.planning import views

app_name = "planning"
urlpatterns = [
    path("readiness/", views.readiness_list, name="readiness_list"),
    path("readiness/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("readiness/<int:pk>/interview/", views.interview_add, name="interview_add"),
    path("interviews/<int:pk>/scores/", views.score_record, name="score_record"),
    path("action-plan/", views.action_plan, name="action_plan"),
    path("action-plan/activity/", views.activity_add, name="activity_add"),
    path("action-plan/budget/", views.budget_set, name="budget_set"),
    path("action-plan/pdf/", views.plan_pdf, name="plan_pdf"),
    path("action-plan/year-report/", views.year_report, name="year_report"),
    path("action-plan/prioritise/", views.prioritise, name="prioritise"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/progress/", views.progress_record, name="progress_record"),
    path("activities/<int:pk>/indicators/", views.indicator_add, name="indicator_add"),
    path("activities/<int:pk>/override/", views.activity_override, name="activity_override"),
]
