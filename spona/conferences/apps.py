from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "spona.conferences"
    label = "conferences"

    def ready(self) -> None:
        from . import access, navigation  # noqa: F401 - registers permissions, row scopes, tools
