from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "spona.people"
    label = "people"

    def ready(self) -> None:
        from . import access, navigation  # noqa: F401 - registers permissions, row scopes, tools
