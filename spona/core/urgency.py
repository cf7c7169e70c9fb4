"""How urgent something is, and what that gives the receiver to act: one scale for signals,
referrals and everything else that waits for someone."""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("immediate danger (within an hour)")
    URGENT = "urgent", _("urgent (within 24 hours)")
    NORMAL = "normal", _("normal (within 7 days)")

    @property
    def allowed_time(self) -> timedelta:
        """How long the receiver has to answer."""
        return _ALLOWED[self]


_ALLOWED = {
    Urgency.IMMEDIATE: timedelta(hours=1),
    Urgency.URGENT: timedelta(hours=24),
    Urgency.NORMAL: timedelta(days=7),
}
