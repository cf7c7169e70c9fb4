from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "spona.coordination"
    label = "coordination"

    def ready(self) -> None:
        from spona.jobs.schedule import periodic

        from . import access, navigation  # noqa: F401 - registers permissions, row scopes, tools
        from .services import alert_institutions_that_cannot_receive

        # the worker runs it every SWEEP_INTERVAL_MINUTES; each institution is alerted once a day
        periodic("institutions that cannot receive", alert_institutions_that_cannot_receive)
