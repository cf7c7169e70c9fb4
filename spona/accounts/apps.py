from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "spona.accounts"
    label = "accounts"
