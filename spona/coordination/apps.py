from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "spona.coordination"
    label = "coordination"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from spona.jobs.schedule import periodic

        from . import access, navigation  # noqa: F401 - registers permissions, row scopes, tools
        from .models import Mandate
        from .selectors import forget_choices
        from .services import alert_institutions_that_cannot_receive

        # the worker runs it every SWEEP_INTERVAL_MINUTES; each institution is alerted once a day
        periodic("institutions that cannot receive", alert_institutions_that_cannot_receive)
        # a changed cell of the mandate matrix takes effect at the next page
        post_save.connect(forget_choices, sender=Mandate, dispatch_uid="mandates-saved")
        post_delete.connect(forget_choices, sender=Mandate, dispatch_uid="mandates-deleted")
