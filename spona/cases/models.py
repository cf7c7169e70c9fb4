"""Cases and referrals along the national referral mechanism.

This is the base the coordination module extends (team, consent, decisions, timeline);
the identification module creates a case and its referral from a presumed-victim screening.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spona.core.codes import new_code
from spona.core.fields import EncryptedTextField
from spona.core.locking import VersionedModel
from spona.core.urgency import Urgency
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.people.models import Person


def new_case_code() -> str:
    return new_code("C")


class CaseStatus(models.TextChoices):
    PRESUMED_VICTIM = "presumed_victim", _("Presumed victim (referred)")
    IDENTIFIED = "identified", _("Identified")
    NOT_IDENTIFIED = "not_identified", _("Not identified")
    PROTECTION = "protection", _("Protection")
    INTEGRATION = "integration", _("Integration")
    CLOSED = "closed", _("Closed")


class CloseReason(models.TextChoices):
    INTEGRATED = "integrated", _("integrated")
    RETURNED = "returned", _("returned to the country of origin")
    MOVED = "moved", _("moved away")
    LOST_CONTACT = "lost_contact", _("contact lost")
    DECEASED = "deceased", _("deceased")
    NOT_A_VICTIM = "not_a_victim", _("not a victim")
    TRANSFERRED = "transferred", _("transferred")


class Case(VersionedModel):
    code = models.CharField(
        _("code"), max_length=12, unique=True, default=new_case_code, editable=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices)
    is_child = models.BooleanField(_("child"), default=False)
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.PROTECT)
    opened_by_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_on = models.DateField(_("date of the identification decision"), null=True, blank=True)
    decision_panel = models.CharField(_("who decided"), max_length=200, blank=True)
    decision_reasons = EncryptedTextField(_("reasons"), blank=True)
    close_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.code


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    REFERRAL_SENT = "referral_sent", _("Referral sent")
    STATUS_CHANGED = "status_changed", _("Status changed")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
    REFERRAL_DECLINED = "referral_declined", _("Referral declined")
    REFERRAL_COMPLETED = "referral_completed", _("Referral completed")
    REFERRAL_REVOKED = "referral_revoked", _("Referral revoked")
    CONSENT_GIVEN = "consent_given", _("Consent recorded")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    BREAK_GLASS = "break_glass", _("Emergency access")
    CONFERENCE = "conference", _("Case conference")
    TASK_CREATED = "task_created", _("Task created")
    TASK_DONE = "task_done", _("Task done")
    PERSON_MERGED = "person_merged", _("Duplicate person records merged")
    PLAN = "plan", _("Individual plan")


class CaseEvent(models.Model):
    """One entry of the case timeline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=CaseEventKind.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.case_id}"


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")


#: reasons written by Spona itself when it refers a case (shown translated)
AUTOMATIC_REASONS = {
    "identification_adult": _("formal identification of an adult presumed victim"),
    "identification_child": _("identification of a child presumed victim (guardianship authority)"),
    "coordination_child": _("a child presumed victim: for the Centre's coordination"),
}


class Referral(VersionedModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    from_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="referrals_received"
    )
    reason = EncryptedTextField(_("reason"))
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(_("due"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    overdue_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_institution_id} → {self.to_institution_id}"

    @property
    def reason_text(self) -> str:
        return str(AUTOMATIC_REASONS.get(self.reason, self.reason))


class DataCategory(models.TextChoices):
    """What a person may agree to share with an institution of the case team."""

    IDENTITY = "identity", _("identity: name, date of birth, address, JMBG and documents")
    CASE_DETAILS = "case_details", _("case details: screenings, decisions, minutes")
    HEALTH = "health", _("health")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("signed in writing")
    ORAL_WITNESSED = "oral_witnessed", _("given orally, with a witness")
    GUARDIAN = "guardian", _("given by the guardian (for a child)")


class Consent(models.Model):
    """The person agreed to share one category of data with one type of institution.

    Withdrawal is a new fact on the same record (``withdrawn_at``); it takes effect at the
    next read, because the policy checks consent on every read.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    institution_type = models.CharField(
        _("institution type"), max_length=32, choices=InstitutionType.choices
    )
    category = models.CharField(_("data"), max_length=20, choices=DataCategory.choices)
    method = models.CharField(_("how it was given"), max_length=20, choices=ConsentMethod.choices)
    given_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["institution_type", "category", "-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.category} → {self.institution_type}"


class BreakGlassGrant(models.Model):
    """Emergency, time-limited access of one user to one case, with the reason given."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("reason"))
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("until"))

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.case_id} until {self.expires_at}"
