from typing import Any

from django.core.management.base import BaseCommand

from spona.cases.reminders import sweep as sweep_referrals
from spona.conferences.reminders import sweep
from spona.plans.reminders import sweep_overdue_reviews


class Command(BaseCommand):
    help = (
        "Send every task, referral and plan review reminder that is due and has not gone out (the worker "
        "sends them on time; run this daily from cron as a safety net)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"task reminders sent: {sweep()}")
        self.stdout.write(f"referral reminders sent: {sweep_referrals()}")
        self.stdout.write(f"plan review reminders sent: {sweep_overdue_reviews()}")
