from typing import Any

from django.core.management.base import BaseCommand

from spona.cases.reminders import sweep as sweep_referrals
from spona.conferences.reminders import sweep


class Command(BaseCommand):
    help = (
        "Send every task and referral reminder that is due and has not gone out (the worker "
        "sends them on time; run this daily from cron as a safety net)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"task reminders sent: {sweep()}")
        self.stdout.write(f"referral reminders sent: {sweep_referrals()}")
