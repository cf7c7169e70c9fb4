from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from spona.audit.context import AuditContext, acting
from spona.workspace.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Migrate if needed, then load the demo data (safe to run twice) and print the sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("Demo data is only for demo installations (SPONA_DEMO=true).")
        call_command("migrate", interactive=False, verbosity=0)
        with acting(AuditContext(channel="cli")):
            sign_ins = demo_load()
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for s in sign_ins:
            key = s.totp_secret or "-"
            self.stdout.write(f"  {s.username:32} {s.role:28} TOTP key {key}")
        self.stdout.write("Current 2FA code for a demo user: spona totp USERNAME")
