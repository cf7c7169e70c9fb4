from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "spona.statistics"
    label = "statistics"

    def ready(self) -> None:
        from . import access, navigation  # noqa: F401 - registers permissions, tools
