from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "spona.prevention"
    label = "prevention"

    def ready(self) -> None:
        from spona.prevention import imports  # noqa: F401 - registers the import job

        from . import access, navigation  # noqa: F401 - registers permissions, row scopes, tools
