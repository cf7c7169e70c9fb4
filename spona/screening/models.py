"""Indicator catalogues (versioned data), screenings, their amendments and protocol steps."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spona.core.fields import EncryptedJSONField, EncryptedTextField
from spona.core.locking import VersionedModel
from spona.institutions.models import Institution
from spona.people.models import Person
from spona.screening.engine import AgeGroup, OutcomeCode
from spona.screening.explanations import OUTCOME_TITLES
from spona.screening.protocol import STEPS
from spona.signals.models import Signal


class IndicatorCatalogue(models.Model):
    """One version of the indicator catalogue and its rules, as loaded from its JSON file."""

    version = models.CharField(_("version"), max_length=64, unique=True)
    data = models.JSONField()
    is_active = models.BooleanField(_("active"), default=False)
    verified = models.BooleanField(_("verified against the primary source"), default=False)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="one_active_catalogue",
            )
        ]

    def __str__(self) -> str:
        return self.version


class ScreeningStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETED = "completed", _("Completed")


class Screening(VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="screenings")
    signal = models.ForeignKey(
        Signal, null=True, blank=True, on_delete=models.PROTECT, related_name="screenings"
    )
    catalogue = models.ForeignKey(
        IndicatorCatalogue, on_delete=models.PROTECT, related_name="screenings"
    )
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=ScreeningStatus.choices, default=ScreeningStatus.DRAFT
    )
    age_group = models.CharField(
        _("age"), max_length=16, choices=[(a.value, a.value) for a in AgeGroup]
    )
    indicators = models.JSONField(default=list, blank=True)
    acts = models.JSONField(default=list, blank=True)
    means = models.JSONField(default=list, blank=True)
    purposes = models.JSONField(default=list, blank=True)
    risk_factors = models.JSONField(default=list, blank=True)
    offences = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=dict, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    outcome = models.CharField(
        max_length=32, blank=True, choices=[(o.value, o.value) for o in OutcomeCode]
    )
    not_trafficking_reason = models.CharField(max_length=32, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    #: the version of the rules (``engine.RULES_VERSION``) the outcome was decided under;
    #: the catalogue version is the ``catalogue``'s
    rules_version = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"screening {self.pk}"

    @property
    def outcome_title(self) -> str:
        return str(OUTCOME_TITLES.get(self.outcome, ""))


class ScreeningRevision(models.Model):
    """What a completed screening said before it was amended, and why it was amended."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = EncryptedJSONField()
    reason = EncryptedTextField(_("reason for the amendment"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "number"], name="unique_revision_number")
        ]

    def __str__(self) -> str:
        return f"revision {self.number} of {self.screening_id}"


class ProtocolStep(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="steps")
    code = models.CharField(max_length=40)
    due_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: when the "step overdue" notice went out (``spona.screening.reminders``)
    overdue_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = [models.F("due_at").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.code

    @property
    def title(self) -> str:
        return str(STEPS[self.code].title)
