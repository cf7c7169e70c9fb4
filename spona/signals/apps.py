from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "spona.signals"
    label = "signals"

    def ready(self) -> None:
        from . import access, navigation, receivers  # noqa: F401 - registers rules, tools, receivers
