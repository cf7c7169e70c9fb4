from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "spona.prevention"
    label = "prevention"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from spona.institutions.models import Municipality
        from spona.prevention import imports  # noqa: F401 - registers the import job

        from . import access, navigation  # noqa: F401 - registers permissions, row scopes, tools
        from .models import AggregateCount, RiskGroup, Settlement
        from .riskmap import changed

        # what the kept risk map shows (spona.prevention.riskmap)
        for model in (AggregateCount, RiskGroup, Settlement, Municipality):
            for signal in (post_save, post_delete):
                signal.connect(changed, sender=model, dispatch_uid=f"risk-map-{model}")
