from typing import Any

from django.core.management.base import BaseCommand

from spona.audit.context import AuditContext, acting
from spona.institutions.services import reference_data_load
from spona.screening.services import catalogue_load_default


class Command(BaseCommand):
    help = "Load or refresh the official register of municipalities and the default indicator catalogue."

    def handle(self, *args: Any, **options: Any) -> None:
        with acting(AuditContext(channel="cli")):
            count = reference_data_load()
            catalogue = catalogue_load_default()
        self.stdout.write(
            f"{count} municipalities loaded; indicator catalogue {catalogue.version} active"
        )
