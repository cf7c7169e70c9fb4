from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class InboxConfig(AppConfig):
    name = "spona.inbox"
    label = "inbox"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers

        checks.register(duty_email_languages)


def duty_email_languages(**kwargs: Any) -> list[checks.CheckMessage]:
    """Every language of the duty e-mail is one Spona speaks."""
    known = dict(settings.LANGUAGES)
    chosen = list(settings.DUTY_EMAIL_LANGUAGES)
    unknown = [code for code in chosen if code not in known]
    if chosen and not unknown:
        return []
    return [
        checks.Error(
            f"DUTY_EMAIL_LANGUAGES must name one or more of {', '.join(known)}; "
            f"got {', '.join(chosen) or 'none'}",
            id="inbox.E001",
        )
    ]
