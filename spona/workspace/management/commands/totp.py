from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from spona.accounts.models import TOTPDevice
from spona.accounts.two_factor import current_code


class Command(BaseCommand):
    help = "Demo installations only: print a demo user's current two-factor code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("Only in demo installations.")
        device = TOTPDevice.objects.filter(user__username=options["username"]).first()
        if device is None:
            raise CommandError("That user has no authenticator.")
        self.stdout.write(current_code(device.secret))
