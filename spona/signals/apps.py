from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "spona.signals"
    label = "signals"
