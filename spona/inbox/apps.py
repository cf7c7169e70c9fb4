from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "spona.inbox"
    label = "inbox"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers
