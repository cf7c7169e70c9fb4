from django.urls import path

from spona.conferences import views

app_name = "conferences"
urlpatterns = [
    # the task pages come first: "tasks" is not a conference code
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<str:code>/", views.task_detail, name="task_detail"),
    path("tasks/<str:code>/complete/", views.task_complete, name="task_complete"),
    path("tasks/<str:code>/cancel/", views.task_cancel, name="task_cancel"),
    path("tasks/<str:code>/reassign/", views.task_reassign, name="task_reassign"),
    path("decisions/<int:pk>/task/", views.decision_task, name="decision_task"),
    path("", views.conference_list, name="conference_list"),
    path("new/", views.conference_convene, name="conference_convene"),
    path("<str:code>/", views.conference_detail, name="conference_detail"),
    path("<str:code>/record/", views.conference_record, name="conference_record"),
    path("<str:code>/cancel/", views.conference_cancel, name="conference_cancel"),
]
