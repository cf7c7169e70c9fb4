"""What this app does when another app announces something about its records."""

from typing import Any

from django.dispatch import receiver

from spona.accounts.models import User
from spona.cases.services import cases_repoint_person
from spona.people.events import person_merged
from spona.people.models import Person


@receiver(person_merged)
def _repoint_after_merge(
    sender: type[Person], *, user: User, keep: Person, duplicate: Person, **kwargs: Any
) -> dict[str, Any]:
    return {"cases": cases_repoint_person(user=user, keep=keep, duplicate=duplicate)}
