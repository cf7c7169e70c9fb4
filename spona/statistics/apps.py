from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "spona.statistics"
    label = "statistics"

    def ready(self) -> None:
        from . import access, jobs, navigation  # noqa: F401 - permissions, the job, tools
