from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "spona.screening"
    label = "screening"

    def ready(self) -> None:
        from . import access, navigation, receivers  # noqa: F401 - registers rules, tools, receivers
