from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "spona.surveys"
    label = "surveys"

    def ready(self) -> None:
        from spona.surveys import jobs  # noqa: F401 - registers the import, report and export jobs

        from . import access, navigation  # noqa: F401 - registers permissions, row scopes, tools
