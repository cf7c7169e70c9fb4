"""Writes for prevention: risk groups, settlements, counts (entered or imported), campaigns."""

from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.tabular import encode_upload
from spona.institutions.models import Municipality
from spona.jobs.models import Job
from spona.jobs.services import job_start
from spona.policy import require
from spona.prevention.access import (
    CAMPAIGN_MANAGE,
    COUNTS_REPORT,
    OUTREACH_RECORD,
    RISK_GROUPS_MANAGE,
)
from spona.prevention.imports import JOB_KIND
from spona.prevention.models import (
    AggregateCount,
    Campaign,
    OutreachActivity,
    RiskFactor,
    RiskGroup,
    Settlement,
)


def default_groups(municipality: Municipality) -> list[RiskGroup]:
    """The two groups the 2014 study found most at risk, defined without ethnicity."""
    defaults = [
        (
            "women-20-30",
            _("Women aged 20–30 with low education and no job"),
            [
                RiskFactor.FEMALE,
                RiskFactor.AGE_20_30,
                RiskFactor.LOW_EDUCATION,
                RiskFactor.UNEMPLOYED,
            ],
            _("The study found them most exposed to recruitment with false job offers."),
        ),
        (
            "girls-14-18",
            _("Girls aged 14–18 who left school early"),
            [RiskFactor.FEMALE, RiskFactor.AGE_14_18, RiskFactor.SCHOOL_DROP_OUT],
            _(
                "The study found Roma girls aged 14–18 at high risk. Spona never uses ethnicity: they are "
                "reached through the schools, social welfare centres, health mediators and NGOs that work "
                "in their settlements."
            ),
        ),
    ]
    groups = []
    for code, name, factors, why in defaults:
        group, _created = RiskGroup.objects.get_or_create(
            municipality=municipality,
            code=code,
            defaults={"name": name, "factors": factors, "why": why},
        )
        groups.append(group)
    return groups


@transaction.atomic
def risk_group_create(*, user: User, municipality: Municipality, **fields: Any) -> RiskGroup:
    require(user, RISK_GROUPS_MANAGE, municipality)
    group = RiskGroup.objects.create(municipality=municipality, **fields)
    audit(AuditAction.CREATE, group, user=user)
    return group


@transaction.atomic
def settlement_add(
    *, user: User, municipality: Municipality, name: str, population: int | None
) -> Settlement:
    require(user, RISK_GROUPS_MANAGE, municipality)
    settlement = Settlement.objects.create(
        municipality=municipality, name=name, population=population
    )
    audit(AuditAction.CREATE, settlement, user=user)
    return settlement


@transaction.atomic
def count_enter(
    *, user: User, group: RiskGroup, settlement: Settlement, period: str, count: int
) -> AggregateCount:
    require(user, COUNTS_REPORT, group.municipality)
    assert user.institution is not None  # noqa: S101 - required by COUNTS_REPORT
    entry, _created = AggregateCount.objects.update_or_create(
        institution=user.institution,
        group=group,
        settlement=settlement,
        period=period,
        defaults={"count": count, "reported_by": user},
    )
    audit(AuditAction.CREATE, entry, user=user)
    return entry


def counts_import_start(*, user: User, name: str, content: bytes) -> Job:
    """Queue the import; the worker checks every row and saves all or nothing."""
    require(user, COUNTS_REPORT)
    assert user.institution is not None  # noqa: S101
    payload = {
        **encode_upload(name, content),
        "institution": user.institution.pk,
        "language": translation.get_language(),
    }
    return job_start(kind=JOB_KIND, owner=user, payload=payload)


@transaction.atomic
def campaign_create(
    *, user: User, groups: Any, settlements: Any, partners: Any, **fields: Any
) -> Campaign:
    require(user, CAMPAIGN_MANAGE, fields["municipality"])
    campaign = Campaign.objects.create(created_by=user, **fields)
    campaign.groups.set(groups)
    campaign.settlements.set(settlements)
    campaign.partners.set(partners)
    audit(AuditAction.CREATE, campaign, user=user)
    return campaign


@transaction.atomic
def outreach_record(*, user: User, campaign: Campaign, **fields: Any) -> OutreachActivity:
    require(user, OUTREACH_RECORD, campaign)
    activity = OutreachActivity.objects.create(campaign=campaign, recorded_by=user, **fields)
    audit(AuditAction.CREATE, activity, user=user)
    return activity
