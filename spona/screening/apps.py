from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "spona.screening"
    label = "screening"

    def ready(self) -> None:
        from spona.jobs.schedule import periodic
        from spona.signals import warning_signs

        from . import access, navigation, receivers  # noqa: F401 - registers rules, tools, receivers
        from .reminders import sweep
        from .selectors import warning_sign_texts
        from .selectors import warning_signs as signs_for

        warning_signs.provide(choices=signs_for, texts=warning_sign_texts)
        periodic(
            "protocol step reminders", sweep
        )  # the worker runs it every SWEEP_INTERVAL_MINUTES
