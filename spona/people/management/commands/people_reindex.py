from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from spona.audit.context import AuditContext, acting
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.people.duplicates import rebuild_match_keys
from spona.people.services import rebuild_blind_indexes


class Command(BaseCommand):
    help = (
        "Recompute the duplicate-search keys and the blind indexes of names and identifiers "
        "of every person (after BLIND_INDEX_KEY changed, or after the matching rules changed)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with acting(AuditContext(channel="cli")), transaction.atomic():
            persons = rebuild_match_keys()
            indexed = rebuild_blind_indexes()
            audit(
                AuditAction.UPDATE,
                details={"duplicate_search_keys": persons, "blind_indexes": indexed},
            )
        self.stdout.write(f"recomputed the duplicate-search keys of {persons} persons")
