from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Spona: the production server, health checks, request ids and JSON logs,
    backups, and what the app does when the database is away."""

    name = "spona.ops"
    label = "ops"
