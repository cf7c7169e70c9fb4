from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "spona.planning"
    label = "planning"

    def ready(self) -> None:
        from spona.jobs.schedule import periodic

        # registers permissions, row scopes, tools, the home page's section, the report job
        from . import access, jobs, navigation  # noqa: F401
        from .reminders import sweep_overdue_activities

        periodic("action plan reminders", sweep_overdue_activities)  # every SWEEP_INTERVAL_MINUTES
