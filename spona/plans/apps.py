from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "spona.plans"
    label = "plans"

    def ready(self) -> None:
        from spona.jobs.schedule import periodic

        # registers permissions, row scopes, phase tools, the case panel, the home page's
        # section and the receivers
        from . import access, navigation, receivers  # noqa: F401
        from .reminders import sweep_overdue_reviews

        periodic("plan review reminders", sweep_overdue_reviews)  # every SWEEP_INTERVAL_MINUTES
