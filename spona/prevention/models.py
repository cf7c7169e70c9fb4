"""Prevention: risk groups (defined by factors, never by ethnicity), the aggregate counts
institutions report per settlement, and campaigns with their outreach."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spona.core.codes import new_code
from spona.core.locking import VersionedModel
from spona.institutions.models import Institution, Municipality
from spona.people.models import Person


class RiskFactor(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    AGE_UNDER_14 = "age_under_14", _("aged under 14")
    AGE_14_18 = "age_14_18", _("aged 14–18")
    AGE_20_30 = "age_20_30", _("aged 20–30")
    AGE_31_PLUS = "age_31_plus", _("aged 31 or more")
    LOW_EDUCATION = "low_education", _("at most primary education")
    UNEMPLOYED = "unemployed", _("unemployed")
    SCHOOL_DROP_OUT = "school_drop_out", _("left school early")
    SOCIAL_PROTECTION = "social_protection", _("in the social protection system")
    VIOLENCE_NO_INCOME = "violence_no_income", _("victim of domestic violence without own income")
    STREET_SITUATION = "street_situation", _("child in a street situation")
    LEAVING_CARE = "leaving_care", _("leaving care")
    JOB_OFFER_ABROAD_PAID_TRAVEL = (
        "job_offer_abroad_paid_travel",
        _("a job offer abroad with the travel paid by the recruiter"),
    )
    EARLIER_VICTIMISATION = "earlier_victimisation", _("earlier victim of trafficking or violence")
    HOMELESS = "homeless", _("homeless")
    DISABILITY = "disability", _("with a disability")
    ADDICTION = "addiction", _("addiction (alcohol, drugs, gambling)")


#: The factors that describe a person rather than define a group by sex and age: the
#: screening records these (``spona.screening``), groups combine them with sex and age.
PERSON_RISK_FACTORS = [
    factor
    for factor in RiskFactor
    if factor
    not in {
        RiskFactor.FEMALE,
        RiskFactor.MALE,
        RiskFactor.AGE_UNDER_14,
        RiskFactor.AGE_14_18,
        RiskFactor.AGE_20_30,
        RiskFactor.AGE_31_PLUS,
    }
]


class Settlement(models.Model):
    """A settlement (naselje) of a municipality: reference data the coordinator keeps."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="settlements"
    )
    name = models.CharField(_("name"), max_length=100)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        ordering = ["municipality__name_lat", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unique_settlement")
        ]

    def __str__(self) -> str:
        return self.name


class RiskGroup(VersionedModel):
    """A group a municipality targets, defined by risk factors. Ethnicity is not a factor:
    groups such as Roma girls are reached through the institutions and settlements that
    work with them."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="risk_groups"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    factors = models.JSONField(_("risk factors"), default=list)
    why = models.TextField(_("why it matters"), blank=True)

    class Meta:
        ordering = ["municipality__name_lat", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="unique_risk_group")
        ]

    def __str__(self) -> str:
        return self.name


class AggregateCount(models.Model):
    """How many people of a group an institution counts in a settlement in a period."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(RiskGroup, on_delete=models.PROTECT, related_name="counts")
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="counts")
    period = models.CharField(_("period"), max_length=7)  # YYYY, YYYY-Qn or YYYY-MM
    count = models.PositiveIntegerField(_("count"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "group", "settlement", "period"],
                name="unique_aggregate_count",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group_id}/{self.settlement_id}/{self.period}"


class Channel(models.TextChoices):
    DOOR_TO_DOOR = "door_to_door", _("door-to-door")
    STREET_EVENT = "street_event", _("street event")
    SCHOOL_WORKSHOP = "school_workshop", _("school workshop")
    SOCIAL_NETWORKS = "social_networks", _("social networks")
    LOCAL_MEDIA = "local_media", _("local media")
    HEALTH_CENTRE = "health_centre", _("health-centre materials")


class Funder(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", _("local self-government")
    PROJECT = "project", _("project")
    OTHER = "other", _("other")


class Campaign(VersionedModel):
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=200)
    goal = models.TextField(_("goal"))
    groups = models.ManyToManyField(
        RiskGroup, verbose_name=_("target groups"), related_name="campaigns"
    )
    settlements = models.ManyToManyField(Settlement, verbose_name=_("settlements"), blank=True)
    channels = models.JSONField(_("channels"), default=list)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    budget = models.DecimalField(_("budget (RSD)"), max_digits=12, decimal_places=2, default=0)
    funder = models.CharField(_("funder"), max_length=20, choices=Funder.choices)
    partners = models.ManyToManyField(
        Institution, verbose_name=_("partners"), blank=True, related_name="campaigns"
    )
    materials = models.TextField(_("materials"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.name


class OutreachActivity(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    held_on = models.DateField(_("date"))
    settlement = models.ForeignKey(Settlement, verbose_name=_("place"), on_delete=models.PROTECT)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    reached = models.JSONField(_("persons reached, by group"), default=dict)  # group code -> count
    materials_handed_out = models.PositiveIntegerField(_("materials handed out"), default=0)
    staff = models.PositiveSmallIntegerField(_("staff"), default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.held_on}"


def new_follow_up_code() -> str:
    return new_code("F")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class FollowUpResult(models.TextChoices):
    SUPPORTED = "supported", _("included in a programme or campaign")
    REFERRED = "referred", _("referred to a service")
    NOT_REACHED = "not_reached", _("not reached")


class PreventionFollowUp(VersionedModel):
    """A person at risk, from a screening, on the municipality's prevention track: a date to
    see them again and, where the municipality has one, the risk group they belong to and
    the campaign that reaches it. The coordinator sees the person only by code."""

    code = models.CharField(
        _("code"), max_length=12, unique=True, default=new_follow_up_code, editable=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    screening = models.ForeignKey(
        "screening.Screening", on_delete=models.PROTECT, related_name="prevention_follow_ups"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), null=True, on_delete=models.PROTECT
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("screened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("follow up by"))
    risk_factors = models.JSONField(_("risk factors"), default=list)
    risk_group = models.ForeignKey(
        RiskGroup, verbose_name=_("risk group"), null=True, on_delete=models.PROTECT
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), null=True, on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    result = models.CharField(
        _("result"), max_length=16, choices=FollowUpResult.choices, blank=True
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("prevention follow-up")

    def __str__(self) -> str:
        return self.code

    @property
    def risk_factor_names(self) -> list[str]:
        names = dict(RiskFactor.choices)
        return [str(names.get(code, code)) for code in self.risk_factors]
