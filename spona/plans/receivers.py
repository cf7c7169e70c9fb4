"""What this app does when the cases app announces something about its records."""

from typing import Any

from django.dispatch import receiver

from spona.accounts.models import User
from spona.cases.events import referral_moved
from spona.cases.models import Referral
from spona.plans.services import goal_referral_moved


@receiver(referral_moved)
def _goal_follows_its_referral(
    sender: type[Referral], *, referral: Referral, user: User, **kwargs: Any
) -> None:
    goal_referral_moved(referral=referral, user=user)
