"""Writes for prevention: risk groups, settlements, counts (entered or imported), campaigns."""

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from spona.accounts.models import User
from spona.accounts.selectors import coordinators_of
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.uploads import CheckedUpload
from spona.inbox.kinds import NotificationKind
from spona.inbox.services import notify
from spona.institutions.models import Municipality
from spona.jobs.models import Job
from spona.jobs.services import job_start
from spona.policy import require
from spona.prevention.access import (
    CAMPAIGN_MANAGE,
    COUNTS_REPORT,
    FOLLOW_UP_CLOSE,
    FOLLOW_UP_OPEN,
    OUTREACH_RECORD,
    RISK_GROUPS_MANAGE,
)
from spona.prevention.imports import JOB_KIND
from spona.prevention.models import (
    AggregateCount,
    Campaign,
    FollowUpStatus,
    OutreachActivity,
    PreventionFollowUp,
    RiskFactor,
    RiskGroup,
    Settlement,
)
from spona.prevention.selectors import campaign_reaching, matching_group


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


def counts_import_start(*, user: User, upload: CheckedUpload) -> Job:
    """Queue the import of a file checked at the edge (``spona.core.uploads``); the worker
    checks every row, against the same policy as a count entered by hand, and saves all or
    nothing."""
    require(user, COUNTS_REPORT)
    assert user.institution is not None  # noqa: S101
    payload = {
        **upload.payload(),
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


@transaction.atomic
def follow_up_open(
    *,
    user: User,
    screening: Any,
    municipality: Municipality | None,
    risk_factors: list[str],
    due_on: date,
) -> PreventionFollowUp:
    """A person at risk goes on the prevention track: a follow-up by ``due_on`` with the risk
    group they match in the municipality and the campaign that reaches it (where there are
    such), which the municipality's coordinators are told of (by codes, never by name)."""
    require(user, FOLLOW_UP_OPEN)
    person = screening.person
    group = matching_group(municipality, person, risk_factors) if municipality else None
    follow_up = PreventionFollowUp.objects.create(
        person=person,
        screening=screening,
        municipality=municipality,
        institution=screening.institution,
        opened_by=user,
        due_on=due_on,
        risk_factors=sorted(risk_factors),
        risk_group=group,
        campaign=campaign_reaching(group, on=timezone.localdate()) if group else None,
    )
    audit(AuditAction.CREATE, follow_up, user=user, details={"screening": screening.pk})
    if municipality is not None:
        notify(
            recipients=coordinators_of(municipality),
            kind=NotificationKind.PREVENTION_FOLLOW_UP,
            params={
                "person": person.code,
                "institution": screening.institution.name,
                "due": due_on,
                "group": group.name if group else "—",
            },
            link=reverse("prevention:follow_up_list"),
        )
    return follow_up


@transaction.atomic
def follow_up_done(*, user: User, follow_up: PreventionFollowUp, result: str) -> PreventionFollowUp:
    """The follow-up took place (or the person could not be reached)."""
    require(user, FOLLOW_UP_CLOSE, follow_up)
    updated = PreventionFollowUp.objects.filter(pk=follow_up.pk, status=FollowUpStatus.OPEN).update(
        status=FollowUpStatus.DONE, result=result, done_at=timezone.now(), done_by=user
    )
    if updated:
        audit(AuditAction.UPDATE, follow_up, user=user, details={"done": result})
    follow_up.refresh_from_db()
    return follow_up
