from django.urls import path

from spona.accounts import manage_views as views

app_name = "accounts_manage"
urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("new/", views.user_create, name="user_create"),
    path("<int:pk>/", views.user_edit, name="user_edit"),
    path("<int:pk>/reset-password/", views.user_reset_password, name="user_reset_password"),
    path("<int:pk>/reset-2fa/", views.user_reset_two_factor, name="user_reset_two_factor"),
]
