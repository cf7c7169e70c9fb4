from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "spona.planning"
    label = "planning"

    def ready(self) -> None:
        from . import access, navigation  # noqa: F401 - registers permissions, row scopes, tools
