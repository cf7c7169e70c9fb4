from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "spona.providers"
    label = "providers"

    def ready(self) -> None:
        from . import access, navigation  # noqa: F401 - registers permissions, row scopes, tools
