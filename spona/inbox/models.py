"""The in-app inbox: notifications for one user, also sent by e-mail by the worker."""

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from spona.core.translit import to_latin
from spona.inbox.kinds import KINDS, NotificationKind
from spona.institutions.models import Institution


def stored(value: Any) -> Any:
    """A parameter as kept in JSON: dates tagged, so that they are shown localised; a
    translatable text (``gettext_lazy``) by its msgid, so that it is shown translated."""
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Promise):
        args: tuple[Any, ...] = getattr(value, "_args", ())  # what the proxy pickles
        if len(args) == 1 and isinstance(args[0], str):  # gettext_lazy's msgid
            return {"msgid": args[0]}
    return str(value)


def shown(value: Any) -> str:
    """A stored parameter as the reader sees it, in the active language and time zone.

    Names (institutions, professionals) are kept as written, mostly in Cyrillic; like the
    directory, a reader in Latin or English reads them in Latin, so no message mixes scripts.
    """
    if isinstance(value, dict) and "datetime" in value:
        moment = timezone.localtime(datetime.fromisoformat(value["datetime"]))
        return date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(value, dict) and "date" in value:
        return date_format(date.fromisoformat(value["date"]), "SHORT_DATE_FORMAT")
    if isinstance(value, dict) and "msgid" in value:
        return gettext(value["msgid"])
    text = str(value)
    return text if get_language() == "sr" else to_latin(text)


def rendered(kind: str, params: dict[str, Any]) -> tuple[str, str]:
    """The subject and body of a notice, in the active language."""
    subject, body = KINDS[NotificationKind(kind)]
    values = {key: shown(value) for key, value in params.items()}
    return str(subject) % values, str(body) % values


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
        return rendered(self.kind, self.params)[0]

    @property
    def body(self) -> str:
        return rendered(self.kind, self.params)[1]


class DutyNotice(models.Model):
    """A notice e-mailed to an institution's duty address (``Institution.duty_email``), so
    that it reaches whoever is on duty, whichever of its users is away."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    address = models.EmailField()
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.address}"
