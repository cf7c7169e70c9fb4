from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "spona.cases"
    label = "cases"

    def ready(self) -> None:
        from . import access, navigation, receivers  # noqa: F401 - registers rules, tools, receivers
