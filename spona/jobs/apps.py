from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "spona.jobs"
    label = "jobs"
