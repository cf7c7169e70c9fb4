from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "spona.institutions"
    label = "institutions"
