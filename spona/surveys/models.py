"""Awareness surveys: instruments (data), waves with their sample design, and responses.

Responses are anonymous: no name, no contact, only the answers, sex, age, municipality and
the design variables the estimates need.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spona.core.locking import VersionedModel
from spona.institutions.models import Municipality


class SurveyInstrument(models.Model):
    code = models.CharField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=40)
    data = models.JSONField()
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_instrument_version")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        from spona.surveys.instruments import localized

        return localized(self.data["title"])


class Weighting(models.TextChoices):
    DESIGN = "design", _("design weights as given")
    POST_STRATIFIED = "post_stratified", _("post-stratified to sex × age band")
    RAKED = "raked", _("raked to sex and age-band margins")


class SurveyWave(VersionedModel):
    instrument = models.ForeignKey(
        SurveyInstrument, verbose_name=_("instrument"), on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=200)
    municipalities = models.ManyToManyField(Municipality, verbose_name=_("municipalities"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    weighting = models.CharField(
        _("weighting"), max_length=20, choices=Weighting.choices, default=Weighting.DESIGN
    )
    #: population totals per municipality code: {"70939": {"sex": {...}, "age_band": {...}}}
    margins = models.JSONField(_("population margins"), default=dict, blank=True)
    trim_at = models.FloatField(
        _("trim weights above this multiple of the median"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: drawn anew at every change of the wave's responses or their weights
    #: (``services.wave_reweight``): the results kept in the cache are keyed by it
    #: (``spona.surveys.results``), so they are never older than the data they show; random,
    #: so that no stamp comes back, not even after a restore from a backup
    estimates_stamp = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.name


class SurveyResponse(models.Model):
    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="responses")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField(max_length=40, blank=True)
    psu = models.CharField(max_length=40, blank=True)
    base_weight = models.FloatField(default=1.0)
    weight = models.FloatField(null=True, blank=True)  # after post-stratification, raking, trimming
    sex = models.CharField(max_length=8, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    answers = models.JSONField(default=dict)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"response {self.pk} of wave {self.wave_id}"
