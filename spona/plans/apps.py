from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "spona.plans"
    label = "plans"

    def ready(self) -> None:
        # registers permissions, row scopes, phase tools, the case panel and the receivers
        from . import access, navigation, receivers  # noqa: F401
