from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "spona.audit"
    label = "audit"
