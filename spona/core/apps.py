from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "spona.core"
    label = "core"
