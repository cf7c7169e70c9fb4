"""Case conferences (multi-agency meetings on a case or a local topic), their decisions,
and the tasks the decisions create, with the reminders sent before and after the due date.

The minutes are encrypted: what is said about a person at a meeting is personal data.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spona.cases.models import Case
from spona.core.codes import new_code
from spona.core.fields import EncryptedTextField
from spona.core.locking import VersionedModel
from spona.core.phases import RESPONSE_PHASE_CHOICES
from spona.institutions.models import Institution, Municipality


def new_conference_code() -> str:
    return new_code("K")


def new_task_code() -> str:
    return new_code("T")


class ConferenceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Conference(VersionedModel):
    """A meeting of institutions, on one case (``case``) or on a local topic (no case)."""

    code = models.CharField(
        _("code"), max_length=12, unique=True, default=new_conference_code, editable=False
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="conferences"
    )
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    topic = EncryptedTextField(_("topic"), max_length=300)
    phase = models.CharField(_("phase"), max_length=20, choices=RESPONSE_PHASE_CHOICES)
    held_on = models.DateTimeField(_("date and time"))
    convened_by_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="conferences_convened"
    )
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    participants = models.ManyToManyField(
        Institution, related_name="conferences", verbose_name=_("participants")
    )
    agenda = EncryptedTextField(_("agenda"), blank=True)
    minutes = EncryptedTextField(_("minutes"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ConferenceStatus.choices,
        default=ConferenceStatus.PLANNED,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")

    def __str__(self) -> str:
        return self.code


class Decision(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="decisions")
    text = EncryptedTextField(_("decision"))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["conference", "order", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.conference_id}/{self.order}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(VersionedModel):
    """Work one institution (and optionally one of its people) owes by a date.

    ``reminded_before_at`` and ``reminded_after_at`` make each reminder go out once per due
    date: they are cleared when the due date changes.
    """

    code = models.CharField(
        _("code"), max_length=12, unique=True, default=new_task_code, editable=False
    )
    title = EncryptedTextField(_("title"), max_length=300)
    details = EncryptedTextField(_("details"), blank=True)
    owner_institution = models.ForeignKey(
        Institution,
        verbose_name=_("owner institution"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    conference = models.ForeignKey(
        Conference, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_after_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.code
