from django.urls import path

from spona.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("duplicates/", views.duplicate_review, name="duplicate_review"),
    path("duplicates/<int:pk>/", views.duplicate_suggestion, name="duplicate_suggestion"),
    path("<str:code>/", views.person_detail, name="person_detail"),
    path("<str:code>/edit/", views.person_edit, name="person_edit"),
    path("<str:code>/duplicate/<str:other>/", views.person_duplicate, name="person_duplicate"),
]
