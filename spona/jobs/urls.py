from django.urls import path

from spona.jobs import views

app_name = "jobs"
urlpatterns = [
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/files/<int:artifact>/", views.artifact_download, name="artifact_download"),
]
