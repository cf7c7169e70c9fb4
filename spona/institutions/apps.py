from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "spona.institutions"
    label = "institutions"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import access, navigation  # noqa: F401 - registers permissions, row scopes, tools
        from .filters import forget_reference_choices
        from .models import Institution, Municipality

        for model in (Institution, Municipality):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_reference_choices, sender=model, dispatch_uid=f"choices-{model}"
                )
