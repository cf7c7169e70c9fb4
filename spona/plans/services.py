"""Writes on plans: drafting, goals, the lifecycle (submit, approve, refuse, review, close),
service requests as referrals, reviews, outcomes. Each checks the policy, writes, audits and
puts a line on the case timeline in one transaction; stale edits are refused."""

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.cases.models import Case, CaseEventKind, Referral, ReferralStatus
from spona.cases.services import referral_send, refuse_unless_it_receives, timeline_add
from spona.core.locking import save_versioned
from spona.core.roles import Role
from spona.core.uploads import CONTENT_TYPES, CheckedUpload
from spona.inbox.kinds import NotificationKind
from spona.inbox.services import notify
from spona.institutions.models import Institution
from spona.plans.access import (
    ATTACHMENT_ADD,
    GOAL_REFER,
    OUTCOME_RECORD,
    PLAN_DRAFT,
    PLAN_EDIT,
    PLAN_MOVE,
    REVIEW_MANAGE,
)
from spona.plans.models import (
    Attachment,
    Domain,
    Goal,
    GoalProgress,
    GoalReferral,
    GoalStatus,
    Outcome,
    OutcomeKind,
    Plan,
    PlanKind,
    PlanStatus,
    Review,
    ReviewReason,
)
from spona.plans.selectors import suggest_institution
from spona.plans.workflow import OPEN, PlanMove
from spona.policy import require

REQUIRED = _("This field is required.")
ONE_OPEN = _("This case already has an open plan of this kind.")
NO_GOALS = _("Add at least one goal before submitting the plan.")
GUARDIANSHIP = _("A child's plan records the guardianship authority's decision.")
REASON = _("Say why the plan is not approved.")
NOT_THIS_PLAN = _("Every goal must belong to this plan.")
NOT_A_COORDINATOR = _("Choose an active user as the integration coordinator.")


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def next_review_date(after: date) -> date:
    return _months_later(after, settings.PLAN_REVIEW_MONTHS)


def _timeline(plan: Plan, user: User | None, step: str) -> None:
    timeline_add(case=plan.case, kind=CaseEventKind.PLAN, user=user, plan=plan.code, step=step)


def _check_coordinator(coordinator: User | None) -> None:
    if coordinator is not None and not coordinator.is_active:
        raise ValidationError({"coordinator": NOT_A_COORDINATOR})


# --- the plan ---------------------------------------------------------------------------


@transaction.atomic
def plan_draft(
    *,
    user: User,
    case: Case,
    kind: str,
    coordinator: User | None = None,
    summary: str = "",
    guardianship_decision: str = "",
    with_person: bool = True,
) -> Plan:
    """Start a plan on a case with the person; one open plan of each kind per case."""
    require(user, PLAN_DRAFT, case)
    if kind not in PlanKind.values:
        raise ValidationError({"kind": REQUIRED})
    if case.plans.filter(kind=kind, status__in=OPEN).exists():
        raise ValidationError({"kind": ONE_OPEN})
    _check_coordinator(coordinator)
    plan = Plan.objects.create(
        case=case,
        kind=kind,
        lead_institution_id=case.opened_by_institution_id,
        drafted_by=user,
        coordinator=coordinator,
        summary=summary.strip(),
        guardianship_decision=guardianship_decision.strip(),
        with_person=with_person,
    )
    audit(AuditAction.CREATE, plan, user=user, details={"case": case.code, "kind": kind})
    _timeline(plan, user, "drafted")
    return plan


@transaction.atomic
def plan_edit(
    *,
    user: User,
    plan: Plan,
    expected_version: int,
    coordinator: User | None,
    summary: str,
    guardianship_decision: str,
    with_person: bool,
) -> Plan:
    """Change the plan's own fields (while drafting or in a review)."""
    require(user, PLAN_EDIT, plan)
    _check_coordinator(coordinator)
    plan.coordinator, plan.with_person = coordinator, with_person
    plan.summary, plan.guardianship_decision = summary.strip(), guardianship_decision.strip()
    fields = ["coordinator", "summary", "guardianship_decision", "with_person"]
    save_versioned(plan, expected_version=expected_version, fields=fields)
    audit(AuditAction.UPDATE, plan, user=user, details={"fields": fields})
    return plan


def _move(user: User, plan: Plan, expected_version: int, target: PlanStatus, **values: Any) -> None:
    require(user, PLAN_MOVE, PlanMove(plan, target))
    before = plan.status
    plan.status = target
    for name, value in values.items():
        setattr(plan, name, value)
    save_versioned(plan, expected_version=expected_version, fields=["status", *values])
    details = {"from": before, "to": str(target)}
    audit(AuditAction.UPDATE, plan, user=user, details=details)


@transaction.atomic
def plan_submit(*, user: User, plan: Plan, expected_version: int) -> Plan:
    """The case lead submits a draft for approval: it needs a goal, and for a child the
    guardianship authority's decision."""
    require(user, PLAN_MOVE, PlanMove(plan, PlanStatus.SUBMITTED))
    if not plan.goals.exists():
        raise ValidationError(NO_GOALS)
    if plan.case.is_child and not plan.guardianship_decision.strip():
        raise ValidationError({"guardianship_decision": GUARDIANSHIP})
    _move(user, plan, expected_version, PlanStatus.SUBMITTED, submitted_at=timezone.now())
    _timeline(plan, user, "submitted")
    supervisors = User.objects.filter(
        institution=plan.lead_institution_id, role=Role.SUPERVISOR, is_active=True
    ).exclude(pk=user.pk)
    notify(
        recipients=supervisors,
        kind=NotificationKind.PLAN_SUBMITTED,
        params={
            "user": user.get_full_name() or user.username,
            "plan": plan.code,
            "case": plan.case.code,
        },
        link=reverse("plans:plan_detail", args=[plan.code]),
    )
    return plan


@transaction.atomic
def plan_approve(*, user: User, plan: Plan, expected_version: int) -> Plan:
    """A supervisor of the lead institution approves: the plan is active, and its first
    review is scheduled ``PLAN_REVIEW_MONTHS`` later."""
    now = timezone.now()
    _move(
        user, plan, expected_version, PlanStatus.APPROVED,
        approved_at=now, approved_by=user, refusal_reason="",
    )  # fmt: skip
    Review.objects.create(plan=plan, due_on=next_review_date(timezone.localdate(now)))
    _timeline(plan, user, "approved")
    return plan


@transaction.atomic
def plan_refuse(*, user: User, plan: Plan, expected_version: int, reason: str) -> Plan:
    """The supervisor refuses: back to draft, with the reason for the case lead."""
    require(user, PLAN_MOVE, PlanMove(plan, PlanStatus.DRAFT))
    if not reason.strip():
        raise ValidationError({"reason": REASON})
    _move(user, plan, expected_version, PlanStatus.DRAFT, refusal_reason=reason.strip())
    _timeline(plan, user, "refused")
    return plan


@transaction.atomic
def plan_close(*, user: User, plan: Plan, expected_version: int) -> Plan:
    """Close an active plan; its pending reviews are no longer due."""
    _move(user, plan, expected_version, PlanStatus.CLOSED, closed_at=timezone.now())
    plan.reviews.filter(held_at__isnull=True).delete()
    _timeline(plan, user, "closed")
    return plan


# --- goals -----------------------------------------------------------------------------


def _goal_errors(domain: str, text: str) -> None:
    errors = {}
    if domain not in Domain.values:
        errors["domain"] = REQUIRED
    if not text.strip():
        errors["text"] = REQUIRED
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def goal_add(
    *,
    user: User,
    plan: Plan,
    domain: str,
    text: str,
    own_words: str = "",
    responsible_institution: Institution | None = None,
    target_date: date | None = None,
) -> Goal:
    """A goal in a domain; without a responsible institution, the mandate matrix's
    suggestion is taken."""
    require(user, PLAN_EDIT, plan)
    _goal_errors(domain, text)
    if responsible_institution is None:
        responsible_institution = suggest_institution(plan.case, domain, plan.kind)
    goal = Goal.objects.create(
        plan=plan,
        domain=domain,
        text=text.strip(),
        own_words=own_words.strip(),
        responsible_institution=responsible_institution,
        target_date=target_date,
    )
    audit(AuditAction.CREATE, goal, user=user, details={"plan": plan.code, "domain": domain})
    return goal


@transaction.atomic
def goal_edit(
    *,
    user: User,
    goal: Goal,
    expected_version: int,
    domain: str,
    text: str,
    own_words: str,
    responsible_institution: Institution | None,
    target_date: date | None,
    status: str,
) -> Goal:
    require(user, PLAN_EDIT, goal.plan)
    _goal_errors(domain, text)
    if status not in GoalStatus.values:
        raise ValidationError({"status": REQUIRED})
    goal.domain, goal.text, goal.own_words = domain, text.strip(), own_words.strip()
    goal.responsible_institution, goal.target_date, goal.status = (
        responsible_institution,
        target_date,
        status,
    )
    fields = ["domain", "text", "own_words", "responsible_institution", "target_date", "status"]
    save_versioned(goal, expected_version=expected_version, fields=fields)
    audit(AuditAction.UPDATE, goal, user=user, details={"plan": goal.plan.code})
    return goal


# --- service requests ----------------------------------------------------------------


def goal_refer(
    *, user: User, goal: Goal, to: Institution, urgency: str, reason: str = ""
) -> GoalReferral:
    """Request a service for a goal: a referral of the case (the referral mechanism, its
    due dates and reminders) whose reason names the plan and the goal, linked to the goal."""
    require(user, GOAL_REFER, goal)
    refuse_unless_it_receives(to)
    return _goal_refer(user=user, goal=goal, to=to, urgency=urgency, reason=reason)


@transaction.atomic
def _goal_refer(
    *, user: User, goal: Goal, to: Institution, urgency: str, reason: str
) -> GoalReferral:
    number = list(goal.plan.goals.values_list("pk", flat=True)).index(goal.pk) + 1
    named = gettext("Plan %(plan)s, goal %(number)s (%(domain)s)") % {
        "plan": goal.plan.code,
        "number": number,
        "domain": goal.get_domain_display(),
    }
    full = f"{named}: {reason.strip()}" if reason.strip() else named
    referral = referral_send(user=user, case=goal.plan.case, to=to, reason=full, urgency=urgency)
    link = GoalReferral.objects.create(
        goal=goal, referral=referral, last_status=referral.status, moved_at=referral.sent_at
    )
    audit(AuditAction.CREATE, link, user=user, details={"goal": goal.pk, "referral": referral.pk})
    return link


#: what a goal's status becomes when its service request moves (only forwards from these)
_GOAL_AFTER_REFERRAL: dict[str, tuple[frozenset[str], str]] = {
    ReferralStatus.ACCEPTED: (frozenset({GoalStatus.PLANNED}), GoalStatus.IN_PROGRESS),
    ReferralStatus.COMPLETED: (
        frozenset({GoalStatus.PLANNED, GoalStatus.IN_PROGRESS}),
        GoalStatus.ACHIEVED,
    ),
}


def goal_referral_moved(*, referral: Referral, user: User) -> Goal | None:
    """The referral behind a goal was answered: record it on the link, and move the goal:
    accepted → in progress, completed → achieved; a declined or revoked request leaves the
    goal as it was (it needs another provider; the plan page says so). Called by the
    receiver of ``cases.events.referral_moved``."""
    link = GoalReferral.objects.select_related("goal__plan").filter(referral=referral).first()
    if link is None:
        return None
    link.last_status, link.moved_at = referral.status, timezone.now()
    link.save(update_fields=["last_status", "moved_at"])
    goal = link.goal
    sources, target = _GOAL_AFTER_REFERRAL.get(referral.status, (frozenset(), ""))
    if goal.status in sources:
        before = goal.status
        Goal.objects.filter(pk=goal.pk).update(status=target, version=F("version") + 1)
        goal.refresh_from_db()
        audit(
            AuditAction.UPDATE,
            goal,
            user=user,
            details={"from": before, "to": target, "referral": referral.pk},
        )
    return goal


# --- reviews ---------------------------------------------------------------------------


@transaction.atomic
def review_request(*, user: User, plan: Plan, due_on: date, reason: str) -> Review:
    """An earlier review on an event (a move, a court date): the pending review moves to
    ``due_on`` if that is sooner, or a review is added."""
    require(user, REVIEW_MANAGE, plan)
    if reason not in ReviewReason.values:
        raise ValidationError({"reason": REQUIRED})
    pending = plan.reviews.filter(held_at__isnull=True).order_by("due_on").first()
    if pending is not None and pending.due_on <= due_on:
        return pending
    if pending is not None:
        pending.due_on, pending.reason, pending.reminded_at = due_on, reason, None
        pending.save(update_fields=["due_on", "reason", "reminded_at"])
        review = pending
    else:
        review = Review.objects.create(plan=plan, due_on=due_on, reason=reason)
    audit(
        AuditAction.UPDATE,
        review,
        user=user,
        details={"due_on": due_on.isoformat(), "reason": reason},
    )
    return review


@transaction.atomic
def review_start(*, user: User, plan: Plan, expected_version: int) -> Review:
    """Open the pending review: the plan is under review and its goals may be adjusted."""
    review = plan.reviews.filter(held_at__isnull=True).order_by("due_on").first()
    _move(user, plan, expected_version, PlanStatus.UNDER_REVIEW)
    if review is None:
        review = Review.objects.create(
            plan=plan, due_on=timezone.localdate(), reason=ReviewReason.OTHER
        )
    _timeline(plan, user, "review_started")
    return review


@dataclass(frozen=True)
class Progress:
    status: str
    note: str = ""


@transaction.atomic
def review_record(
    *,
    user: User,
    review: Review,
    expected_version: int,
    plan_version: int,
    progress: Mapping[Goal, Progress],
    summary: str = "",
) -> Review:
    """Hold the review: progress per goal (each goal takes the status found), the summary;
    the plan is active again and the next review is due ``PLAN_REVIEW_MONTHS`` later."""
    plan = review.plan
    require(user, REVIEW_MANAGE, plan)
    if plan.status != PlanStatus.UNDER_REVIEW or review.held_at is not None:
        raise PermissionDenied
    if any(goal.plan_id != plan.pk for goal in progress):
        raise ValidationError(NOT_THIS_PLAN)
    if any(p.status not in GoalStatus.values for p in progress.values()):
        raise ValidationError({"status": REQUIRED})
    review.held_at, review.held_by, review.summary = timezone.now(), user, summary.strip()
    save_versioned(
        review, expected_version=expected_version, fields=["held_at", "held_by", "summary"]
    )
    for goal, found in progress.items():
        GoalProgress.objects.create(
            review=review, goal=goal, status=found.status, note=found.note.strip()
        )
        updated = Goal.objects.filter(pk=goal.pk).update(
            status=found.status, progress=found.note.strip(), version=F("version") + 1
        )
        assert updated == 1  # noqa: S101
    _move(user, plan, plan_version, PlanStatus.APPROVED)
    Review.objects.create(plan=plan, due_on=next_review_date(timezone.localdate()))
    audit(AuditAction.UPDATE, review, user=user, details={"goals": len(progress)})
    _timeline(plan, user, "reviewed")
    return review


# --- outcomes --------------------------------------------------------------------------


@transaction.atomic
def outcome_record(
    *, user: User, plan: Plan, domain: str, kind: str, on: date, note: str = ""
) -> Outcome:
    """An outcome in a domain with its date (recorded at closure, or when it happens)."""
    require(user, OUTCOME_RECORD, plan)
    errors = {}
    if domain not in Domain.values:
        errors["domain"] = REQUIRED
    if kind not in OutcomeKind.values:
        errors["kind"] = REQUIRED
    if errors:
        raise ValidationError(errors)
    outcome = Outcome.objects.create(
        plan=plan, domain=domain, kind=kind, on=on, note=note.strip(), recorded_by=user
    )
    audit(AuditAction.CREATE, outcome, user=user, details={"plan": plan.code, "kind": kind})
    return outcome


@transaction.atomic
def attachment_add(*, user: User, plan: Plan, upload: CheckedUpload) -> Attachment:
    """Keep a checked file (a PDF, JPEG or PNG by its content) with the plan, encrypted."""
    require(user, ATTACHMENT_ADD, plan)
    attachment = Attachment.objects.create(
        plan=plan,
        name=upload.name[:200],
        content_type=CONTENT_TYPES[upload.kind],
        size=len(upload.content),
        content=base64.b64encode(upload.content).decode(),
        uploaded_by=user,
    )
    audit(AuditAction.CREATE, attachment, user=user, details={"plan": plan.code})
    return attachment
