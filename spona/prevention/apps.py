from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "spona.prevention"
    label = "prevention"

    def ready(self) -> None:
        from spona.prevention import imports  # noqa: F401 - registers the import job
