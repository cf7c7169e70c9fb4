from django.urls import path

from spona.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/verify/", views.verify, name="verify"),
    path("sign-in/enrol/", views.enrol, name="enrol"),
    path("sign-out/", views.sign_out, name="logout"),
    path("account/", views.account, name="account"),
    path("password/", views.password_change, name="password_change"),
    path("recovery-codes/", views.recovery_codes_regenerate, name="recovery_codes"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
