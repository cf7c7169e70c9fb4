"""The local action plan: a readiness assessment per municipality and year, the activities
the plan could fund, and the year's budget that the prioritisation divides among them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from spona.core.fields import EncryptedTextField
from spona.core.locking import VersionedModel
from spona.core.phases import RESPONSE_PHASE_CHOICES
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.planning.readiness import ActivityType, Dimension


class Problem(models.TextChoices):
    """The five problems the 2014 study found common to all three towns."""

    AWARENESS = "awareness", _("Low citizen awareness")
    PROACTIVITY = "proactivity", _("Institutions act only after the fact")
    ROLES = "roles", _("Unclear roles and mandates")
    INTEGRATION = "integration", _("Weak integration mechanisms")
    MECHANISM = "mechanism", _("No community mechanism for a local response")


class Assessment(VersionedModel):
    """One municipality's readiness assessment in one year."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT
    )
    year = models.PositiveIntegerField(_("year"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="one_assessment_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"


class Interview(models.Model):
    """A key-informant interview; its notes can name people and are encrypted."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="interviews")
    sector = models.CharField(_("sector"), max_length=32, choices=InstitutionType.choices)
    interviewed_on = models.DateField(_("date of the interview"))
    notes = EncryptedTextField(_("interview notes"), blank=True)

    class Meta:
        ordering = ["interviewed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment} #{self.pk}"


class Score(models.Model):
    """One scorer's score of one interview on one dimension, or the two scorers' combined one
    (``scorer`` empty)."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="scores")
    dimension = models.CharField(_("dimension"), max_length=1, choices=Dimension.choices)
    scorer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "dimension", "scorer"],
                condition=models.Q(scorer__isnull=False),
                name="one_score_per_scorer",
            ),
            models.UniqueConstraint(
                fields=["interview", "dimension"],
                condition=models.Q(scorer__isnull=True),
                name="one_combined_score",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=9), name="score_one_to_nine"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interview} {self.dimension}={self.value}"

    @property
    def combined(self) -> bool:
        return self.scorer_id is None


class Budget(VersionedModel):
    """The year's money for the action plan, in total and per funder, and the weights that
    make an activity's benefit (visible and editable, never hidden)."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT
    )
    year = models.PositiveIntegerField(_("year"))
    total = models.DecimalField(_("total budget"), max_digits=14, decimal_places=2)
    by_funder = models.JSONField(_("budget per funder"), default=dict, blank=True)
    weight_need = models.FloatField(_("weight of need"), default=0.5)
    weight_evidence = models.FloatField(_("weight of evidence"), default=0.3)
    weight_reach = models.FloatField(_("weight of reach"), default=0.2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="one_budget_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"


class ActivityStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CHOSEN = "chosen", _("Chosen for the plan")
    LEFT_OUT = "left_out", _("Left out")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Override(models.TextChoices):
    NONE = "", _("No override")
    IN = "in", _("Keep in the plan")
    OUT = "out", _("Leave out of the plan")


class Activity(VersionedModel):
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT
    )
    year = models.PositiveIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type of activity"), max_length=32, choices=ActivityType.choices)
    phase = models.CharField(_("phase"), max_length=20, choices=RESPONSE_PHASE_CHOICES)
    problems = models.JSONField(_("problems addressed"), default=list, blank=True)
    dimensions = models.JSONField(_("readiness dimensions addressed"), default=list, blank=True)
    target_group = models.CharField(_("target group"), max_length=200, blank=True)
    lead = models.ForeignKey(
        Institution,
        verbose_name=_("lead institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2)
    funder = models.CharField(_("funder"), max_length=100, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    need = models.FloatField(
        _("need (0–1)"), validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    evidence = models.FloatField(
        _("evidence of effectiveness (0–1)"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    evidence_source = models.CharField(_("source of the evidence rating"), max_length=300)
    reach = models.FloatField(
        _("reach (0–1)"), validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    mandatory = models.BooleanField(_("mandatory"), default=False)
    requires = models.ManyToManyField(
        "self", symmetrical=False, blank=True, verbose_name=_("requires"), related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.PROPOSED
    )
    left_out_because = models.CharField(max_length=32, blank=True)
    override = models.CharField(
        _("override"), max_length=3, choices=Override.choices, default="", blank=True
    )
    override_reason = models.TextField(_("reason for the override"), blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    #: the day its lead was last reminded that it is overdue: one reminder a day at most
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["year", "title"]
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title


class IndicatorLevel(models.TextChoices):
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome")


class Indicator(models.Model):
    """What an activity is measured by: a baseline, a target and the values recorded through
    the year, or, when it names a ``metric``, the number the system computes
    (``spona.planning.metrics``), so its progress updates itself."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=200)
    level = models.CharField(
        _("level"), max_length=8, choices=IndicatorLevel.choices, default=IndicatorLevel.OUTPUT
    )
    metric = models.CharField(_("computed by the system"), max_length=40, blank=True)
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    target = models.FloatField(_("target"))

    class Meta:
        ordering = ["activity", "pk"]

    def __str__(self) -> str:
        return self.name


class ProgressUpdate(models.Model):
    """Progress recorded on a date: the activity's per cent done, or an indicator's value."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="updates")
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="updates"
    )
    on = models.DateField(_("date"))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    value = models.FloatField(_("value"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(indicator__isnull=True, progress__isnull=False, value__isnull=True)
                    | models.Q(indicator__isnull=False, progress__isnull=True, value__isnull=False)
                ),
                name="progress_or_indicator_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.on}"
