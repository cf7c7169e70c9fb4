from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "spona.institutions"
    label = "institutions"

    def ready(self) -> None:
        from . import access, navigation  # noqa: F401 - registers permissions, row scopes, tools
