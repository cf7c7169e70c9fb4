from django.urls import path

from spona.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/<str:case_code>/", views.plan_create, name="plan_create"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/refer/", views.goal_refer, name="goal_refer"),
    path("reviews/<int:pk>/", views.review_record, name="review_record"),
    path("reviews/<int:pk>/pdf/", views.review_pdf, name="review_pdf"),
    path("<str:code>/", views.plan_detail, name="plan_detail"),
    path("<str:code>/edit/", views.plan_edit, name="plan_edit"),
    path("<str:code>/move/<str:step>/", views.plan_move, name="plan_move"),
    path("<str:code>/goals/", views.goal_add, name="goal_add"),
    path("<str:code>/reviews/request/", views.review_request, name="review_request"),
    path("<str:code>/outcomes/", views.outcome_add, name="outcome_add"),
    path("<str:code>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("<str:code>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
