"""Individual protection and integration plans: goals per domain, reviews, outcomes.

A plan is drafted by the case lead with the person, approved by a supervisor of the lead
institution, reviewed on a schedule and closed with outcomes per domain. Everything written
about the person (the goals, their own words, reasons, review notes) is encrypted.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spona.cases.models import Case, Referral
from spona.core.codes import new_code
from spona.core.fields import EncryptedTextField
from spona.core.locking import VersionedModel
from spona.institutions.models import Institution
from spona.providers.models import Domain as Domain


def new_plan_code() -> str:
    return new_code("IP")


class PlanKind(models.TextChoices):
    PROTECTION = "protection", _("Protection plan")
    INTEGRATION = "integration", _("Integration plan")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved (active)")
    UNDER_REVIEW = "under_review", _("Under review")
    CLOSED = "closed", _("Closed")


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    DROPPED = "dropped", _("Dropped")


class Plan(VersionedModel):
    code = models.CharField(
        _("code"), max_length=12, unique=True, default=new_plan_code, editable=False
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(_("kind of plan"), max_length=16, choices=PlanKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    lead_institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plans_drafted"
    )
    with_person = models.BooleanField(_("drafted together with the person"), default=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("integration coordinator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans_coordinated",
    )
    summary = EncryptedTextField(_("summary"), blank=True)
    guardianship_decision = EncryptedTextField(
        _("guardianship authority's decision (reference)"), blank=True
    )
    refusal_reason = EncryptedTextField(_("reason the approval was refused"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.code


class Goal(VersionedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("domain"), max_length=16, choices=Domain.choices)
    text = EncryptedTextField(_("goal"))
    own_words = EncryptedTextField(_("in the person's own words"), blank=True)
    responsible_institution = models.ForeignKey(
        Institution,
        verbose_name=_("responsible institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.PLANNED
    )
    progress = EncryptedTextField(_("progress"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.pk}"


class GoalReferral(models.Model):
    """A service request made for a goal: a referral of the case, and what became of it."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="referrals")
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="plan_goal")
    last_status = models.CharField(max_length=16, blank=True)
    moved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["goal", "pk"]

    def __str__(self) -> str:
        return f"{self.goal_id} → {self.referral_id}"


class ReviewReason(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled review")
    MOVE = "move", _("The person moved")
    COURT_DATE = "court_date", _("A court date")
    OTHER = "other", _("Other event")


class Review(VersionedModel):
    """A review of an approved plan: due on a date, then held with progress per goal.

    ``reminded_at`` makes the overdue reminder go out once per due date (cleared when the
    date moves)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    due_on = models.DateField(_("due"))
    reason = models.CharField(
        _("why"), max_length=16, choices=ReviewReason.choices, default=ReviewReason.SCHEDULED
    )
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = EncryptedTextField(_("summary"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "due_on", "pk"]
        indexes = [models.Index(fields=["held_at", "due_on"])]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.plan_id}@{self.due_on}"


class GoalProgress(models.Model):
    """What one review found for one goal."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="progress")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=GoalStatus.choices)
    note = EncryptedTextField(_("progress"), blank=True)

    class Meta:
        ordering = ["review", "goal"]
        constraints = [
            models.UniqueConstraint(fields=["review", "goal"], name="plans_one_progress_per_goal")
        ]

    def __str__(self) -> str:
        return f"{self.review_id}/{self.goal_id}"


class OutcomeKind(models.TextChoices):
    HOUSED = "housed", _("Housed")
    EMPLOYED = "employed", _("Employed")
    EDUCATION = "education", _("In education or training")
    BENEFITS = "benefits", _("Receiving benefits")
    REVICTIMISED = "revictimised", _("Re-victimised")
    RETURNED = "returned", _("Returned")
    LOST_CONTACT = "lost_contact", _("Lost contact")


class Outcome(models.Model):
    """An outcome at closure in one domain, with its date (for integration statistics)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    domain = models.CharField(_("domain"), max_length=16, choices=Domain.choices)
    kind = models.CharField(_("outcome"), max_length=16, choices=OutcomeKind.choices)
    on = models.DateField(_("date"))
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "domain", "on", "pk"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.domain} {self.kind}"


class Attachment(models.Model):
    """A certificate, decision or scan kept with a plan: name and content encrypted at rest,
    its type told by content when it was uploaded, every download audited."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="attachments")
    name = EncryptedTextField(_("file name"))
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    content = EncryptedTextField()  # base64 of the file, then encrypted
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan} attachment {self.pk}"
