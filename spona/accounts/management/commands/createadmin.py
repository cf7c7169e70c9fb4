import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from spona.accounts.services import system_admin_create
from spona.audit.context import AuditContext, acting


class Command(BaseCommand):
    help = "Create a system administrator (sets up 2FA at the first sign-in)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("SPONA_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        with acting(AuditContext(channel="cli")):
            system_admin_create(username=options["username"], password=password)
        self.stdout.write(f"system administrator {options['username']} created")
