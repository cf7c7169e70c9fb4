"""What this app does when another app announces something about its records."""

from typing import Any

from django.dispatch import receiver

from spona.accounts.models import User
from spona.people.events import person_merged
from spona.people.models import Person
from spona.signals.services import signals_repoint_person


@receiver(person_merged)
def _repoint_after_merge(
    sender: type[Person], *, user: User, keep: Person, duplicate: Person, **kwargs: Any
) -> dict[str, Any]:
    return {"signals": signals_repoint_person(keep=keep, duplicate=duplicate)}
