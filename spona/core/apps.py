from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "spona.core"
    label = "core"

    def ready(self) -> None:
        from spona.core.display import faster_choice_labels

        faster_choice_labels()
