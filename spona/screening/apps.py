from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "spona.screening"
    label = "screening"
