from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "spona.conferences"
    label = "conferences"

    def ready(self) -> None:
        from spona.jobs.schedule import periodic

        from . import access, navigation  # noqa: F401 - registers permissions, row scopes, tools
        from .reminders import sweep

        periodic("task reminders", sweep)  # the worker runs it every SWEEP_INTERVAL_MINUTES
