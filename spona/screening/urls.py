from django.urls import path

from spona.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.screening_list, name="screening_list"),
    path("start/", views.screening_start, name="screening_start"),
    path("overdue/", views.overdue, name="overdue"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.screening_edit, name="screening_edit"),
    path("<int:pk>/result/", views.screening_result, name="screening_result"),
    path("<int:pk>/amend/", views.screening_amend, name="screening_amend"),
    path("<int:pk>/rescreen/", views.screening_rescreen, name="screening_rescreen"),
    path("steps/<int:pk>/done/", views.step_done, name="step_done"),
]
