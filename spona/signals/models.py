"""Signals (prijave): what someone saw that may be trafficking, raised by any institution
or by a citizen, anonymously. Everything that may identify someone is encrypted."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spona.core.codes import new_code
from spona.core.fields import EncryptedTextField
from spona.core.locking import VersionedModel
from spona.core.urgency import Urgency
from spona.institutions.models import Institution, Municipality
from spona.people.models import Person


def new_signal_code() -> str:
    return new_code("S")


class Source(models.TextChoices):
    INSTITUTION = "institution", _("Institution")
    CITIZEN = "citizen", _("Citizen")


class ChildInvolved(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    SCREENING = "screening", _("Being screened")
    MERGED = "merged", _("Merged into another signal")
    DISMISSED = "dismissed", _("Dismissed")


class Signal(VersionedModel):
    code = models.CharField(
        _("code"), max_length=12, unique=True, default=new_signal_code, editable=False
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_by_institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="signals_raised"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT
    )
    settlement = EncryptedTextField(_("settlement or place"), blank=True)
    what_seen = EncryptedTextField(_("what was seen"))
    who = EncryptedTextField(_("who (if known)"), blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="signals"
    )
    urgency = models.CharField(
        _("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL
    )
    child_involved = models.CharField(
        _("is a child involved?"),
        max_length=8,
        choices=ChildInvolved.choices,
        default=ChildInvolved.UNKNOWN,
    )
    indicators = models.JSONField(_("indicators noticed"), default=list, blank=True)
    contact = EncryptedTextField(_("contact for follow-up"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    assigned_institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signals_assigned",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    dismissed_reason = EncryptedTextField(_("reason for dismissal"), blank=True)
    receipt_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    triaged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")

    def __str__(self) -> str:
        return self.code

    @property
    def needs_centre(self) -> bool:
        """Urgent signals and signals about a child reach the national Centre too."""
        return self.urgency != Urgency.NORMAL or self.child_involved == ChildInvolved.YES


class SignalNote(models.Model):
    """More information added later: by the citizen (with the receipt code) or by staff."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField(_("text"))
    from_citizen = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.signal_id}"
