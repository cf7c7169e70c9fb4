from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "spona.accounts"
    label = "accounts"

    def ready(self) -> None:
        from . import access  # noqa: F401 - registers this app's permissions and row scopes
