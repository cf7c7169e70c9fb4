from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "spona.conferences"
    label = "conferences"
