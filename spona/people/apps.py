from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "spona.people"
    label = "people"

    def ready(self) -> None:
        from . import access, jobs, navigation  # noqa: F401 - permissions, row scopes, the scan job, tools
