from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "spona.cases"
    label = "cases"
