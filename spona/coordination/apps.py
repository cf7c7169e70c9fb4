from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "spona.coordination"
    label = "coordination"
