"""The in-app inbox: notifications for one user, also sent by e-mail by the worker."""

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from spona.inbox.kinds import KINDS, NotificationKind


def stored(value: Any) -> Any:
    """A parameter as kept in JSON: dates tagged, so that they are shown localised."""
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return str(value)


def shown(value: Any) -> str:
    """A stored parameter as the reader sees it, in the active language and time zone."""
    if isinstance(value, dict) and "datetime" in value:
        moment = timezone.localtime(datetime.fromisoformat(value["datetime"]))
        return date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(value, dict) and "date" in value:
        return date_format(date.fromisoformat(value["date"]), "SHORT_DATE_FORMAT")
    return str(value)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    #: codes, names of institutions and professionals, dates (see ``kinds``; ``stored``)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def subject(self) -> str:
        return str(KINDS[NotificationKind(self.kind)][0]) % self._shown_params()

    @property
    def body(self) -> str:
        return str(KINDS[NotificationKind(self.kind)][1]) % self._shown_params()

    def _shown_params(self) -> dict[str, str]:
        return {key: shown(value) for key, value in self.params.items()}
