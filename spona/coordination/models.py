"""The mandate matrix: which type of institution leads, contributes to or is informed of each
phase of the response. The default comes from the 2014 study (``defaults.py``); a row here is
a municipality's own choice for one cell, set by its coordinator and audited."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from spona.core.phases import RESPONSE_PHASE_CHOICES
from spona.institutions.models import InstitutionType, Municipality


class MandateRole(models.TextChoices):
    LEADS = "leads", _("leads")
    CONTRIBUTES = "contributes", _("contributes")
    INFORMED = "informed", _("is informed")
    NONE = "none", _("no role")


class Mandate(models.Model):
    """One municipality's choice for one cell of the matrix."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="mandates"
    )
    institution_type = models.CharField(
        _("institution type"), max_length=32, choices=InstitutionType.choices
    )
    phase = models.CharField(_("phase"), max_length=20, choices=RESPONSE_PHASE_CHOICES)
    role = models.CharField(_("role"), max_length=12, choices=MandateRole.choices)
    note = models.CharField(_("what this means"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "institution_type", "phase"], name="unique_mandate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution_type}/{self.phase}: {self.role}"
