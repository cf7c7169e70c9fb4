from django.urls import path

from spona.institutions import views

app_name = "institutions_manage"
urlpatterns = [
    path("", views.institution_list, name="institution_list"),
    path("new/", views.institution_create, name="institution_create"),
    path("<int:pk>/", views.institution_edit, name="institution_edit"),
]
