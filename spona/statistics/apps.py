from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "spona.statistics"
    label = "statistics"

    def ready(self) -> None:
        from spona.jobs.schedule import periodic

        from . import access, jobs, navigation  # noqa: F401 - permissions, the job, tools
        from .services import summary_sweep

        periodic("statistics summary", summary_sweep)  # every SWEEP_INTERVAL_MINUTES
