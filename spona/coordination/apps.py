from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "spona.coordination"
    label = "coordination"

    def ready(self) -> None:
        from . import access, navigation  # noqa: F401 - registers permissions, row scopes, tools
