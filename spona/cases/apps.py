from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "spona.cases"
    label = "cases"

    def ready(self) -> None:
        from spona.jobs.schedule import periodic

        from . import access, navigation, receivers  # noqa: F401 - registers rules, tools, receivers
        from .reminders import sweep

        periodic("referral reminders", sweep)  # the worker runs it every SWEEP_INTERVAL_MINUTES
