"""Writes for cases and referrals: the workflow, referrals, consent and break-glass access."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import Role, User
from spona.accounts.selectors import can_receive, receiving_users
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.cases.access import (
    BREAK_GLASS,
    CASE_REOPEN,
    CASE_TRANSITION,
    CONSENT_MANAGE,
    REFERRAL_ACT,
    REFERRAL_SEND,
)
from spona.cases.events import referral_moved
from spona.cases.models import (
    BreakGlassGrant,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    Consent,
    Referral,
    ReferralStatus,
)
from spona.cases.referrals import STEPS, ReferralMove, ReferralStep
from spona.cases.reminders import schedule_overdue_reminder
from spona.cases.workflow import NEEDS, Transition
from spona.coordination.services import cannot_receive_alert
from spona.core.locking import save_versioned
from spona.core.urgency import Urgency
from spona.inbox.kinds import NotificationKind
from spona.inbox.services import notify
from spona.institutions.models import Institution, InstitutionType
from spona.people.models import Person
from spona.policy import require

REQUIRED = _("This field is required for this change of status.")
OPEN_REFERRALS = [ReferralStatus.SENT, ReferralStatus.ACCEPTED]
CANNOT_RECEIVE = _(
    "Nobody at this institution can answer a referral yet, so it cannot be sent there. The "
    "coordinator and the institution's administrator have been told; choose another institution "
    "or call its duty line."
)


def _referral_send(
    *, case: Case, user: User, to: Institution, reason: str, urgency: str
) -> Referral:
    assert user.institution is not None  # noqa: S101 - only institution users open cases
    referral = Referral.objects.create(
        case=case,
        from_institution=user.institution,
        to_institution=to,
        reason=reason,
        urgency=urgency,
        sent_by=user,
        due_at=timezone.now() + Urgency(urgency).allowed_time,
    )
    CaseEvent.objects.create(
        case=case,
        kind=CaseEventKind.REFERRAL_SENT,
        actor=user,
        details={"to": to.pk, "referral": referral.pk},
    )
    audit(AuditAction.CREATE, referral, user=user)
    notify(
        recipients=receiving_users(to),
        kind=NotificationKind.REFERRAL_RECEIVED,
        params={
            "case": case.code,
            "institution": user.institution.name,
            "due": referral.due_at,
        },
        link=reverse("cases:case_detail", args=[case.code]),
        duty=[to],
    )
    schedule_overdue_reminder(referral)
    if not can_receive(to):
        # the referrals the law requires (guardianship, the Centre) go out regardless
        cannot_receive_alert(to)
    return referral


def refuse_unless_it_receives(to: Institution) -> None:
    """No referral waits forever: refuse an institution where nobody can answer, and alert its
    coordinator and admins. Call it before any transaction opens, so that the alert is kept
    (every service that sends a referral on someone's request does)."""
    if to.is_active and not can_receive(to):
        cannot_receive_alert(to)
        raise ValidationError({"to": CANNOT_RECEIVE})


def referral_send(
    *, user: User, case: Case, to: Institution, reason: str, urgency: str
) -> Referral:
    """Refer a case on to another institution; the due date follows from the urgency.

    The receiver joins the case team at once and sees the person only within the consent
    recorded for its type of institution (the policy checks it on every read). An institution
    where nobody can answer is refused (no referral waits forever) and its coordinator alerted.
    """
    require(user, REFERRAL_SEND, case)
    refuse_unless_it_receives(to)
    return _referral_send_checked(user=user, case=case, to=to, reason=reason, urgency=urgency)


@transaction.atomic
def _referral_send_checked(
    *, user: User, case: Case, to: Institution, reason: str, urgency: str
) -> Referral:
    errors = {}
    if not reason.strip():
        errors["reason"] = REQUIRED
    if urgency not in Urgency.values:
        errors["urgency"] = REQUIRED
    if to.pk == user.institution_id or not to.is_active:
        errors["to"] = _("Choose another, active institution.")
    elif case.referrals.filter(to_institution=to, status__in=OPEN_REFERRALS).exists():
        errors["to"] = _("This institution already has an open referral of this case.")
    if errors:
        raise ValidationError(errors)
    return _referral_send(case=case, user=user, to=to, reason=reason.strip(), urgency=urgency)


def _centre() -> Institution | None:
    return Institution.objects.filter(type=InstitutionType.NATIONAL_CENTRE, is_active=True).first()


def _guardianship(case: Case) -> Institution | None:
    return Institution.objects.filter(
        type=InstitutionType.SOCIAL_WELFARE, municipality=case.municipality_id, is_active=True
    ).first()


@transaction.atomic
def case_open_for_presumed_victim(
    *, user: User, person: Person, is_child: bool, origin: dict[str, int]
) -> Case:
    """Open the case and refer it in one step.

    Adults go to the national Centre, which decides formal identification. For a child the
    social welfare centre (guardianship authority) decides, so it receives a referral too,
    unless it is the one opening the case; the Centre is always informed.
    """
    assert user.institution is not None  # noqa: S101
    case = Case.objects.create(
        person=person,
        status=CaseStatus.PRESUMED_VICTIM,
        is_child=is_child,
        municipality=person.municipality or user.institution.municipality,
        opened_by_institution=user.institution,
        opened_by=user,
    )
    CaseEvent.objects.create(case=case, kind=CaseEventKind.OPENED, actor=user, details=origin)
    audit(AuditAction.CREATE, case, user=user)
    guardianship = _guardianship(case) if is_child else None
    if guardianship and guardianship.pk != user.institution_id:
        _referral_send(
            case=case,
            user=user,
            to=guardianship,
            reason="identification_child",
            urgency=Urgency.IMMEDIATE,
        )
    centre = _centre()
    if centre and centre.pk != user.institution_id:
        reason = "coordination_child" if is_child else "identification_adult"
        _referral_send(case=case, user=user, to=centre, reason=reason, urgency=Urgency.URGENT)
    return case


@transaction.atomic
def case_transition(
    *, user: User, case: Case, expected_version: int, to: str, **details: Any
) -> Case:
    """Move the case along the workflow table; the timeline and the audit log record it."""
    require(user, CASE_TRANSITION, Transition(case, to))
    missing = [name for name in NEEDS.get(CaseStatus(to), ()) if not details.get(name)]
    if missing:
        raise ValidationError(dict.fromkeys(missing, REQUIRED))
    before = case.status
    case.status = to
    for name, value in details.items():
        setattr(case, name, value)
    save_versioned(case, expected_version=expected_version, fields=["status", *details])
    CaseEvent.objects.create(
        case=case, kind=CaseEventKind.STATUS_CHANGED, actor=user, details={"from": before, "to": to}
    )
    audit(AuditAction.UPDATE, case, user=user, details={"from": before, "to": to})
    return case


@transaction.atomic
def case_reopen(*, user: User, case: Case, expected_version: int, reason: str) -> Case:
    """A closed case goes back to the status it had when it was closed."""
    require(user, CASE_REOPEN, case)
    if case.status != CaseStatus.CLOSED or not reason.strip():
        raise ValidationError({"reason": REQUIRED})
    closing = case.events.filter(
        kind=CaseEventKind.STATUS_CHANGED, details__to=CaseStatus.CLOSED
    ).last()
    case.status = closing.details["from"] if closing else CaseStatus.PRESUMED_VICTIM
    case.close_reason = ""
    save_versioned(case, expected_version=expected_version, fields=["status", "close_reason"])
    CaseEvent.objects.create(
        case=case,
        kind=CaseEventKind.STATUS_CHANGED,
        actor=user,
        details={"from": CaseStatus.CLOSED, "to": case.status, "reopened": True},
    )
    audit(AuditAction.UPDATE, case, user=user, details={"reopened": True})
    return case


@transaction.atomic
def referral_act(
    *, user: User, referral: Referral, expected_version: int, action: str, reason: str = ""
) -> Referral:
    """Accept, decline (with a reason), complete or revoke a referral, as the table allows."""
    step = ReferralStep(action)
    require(user, REFERRAL_ACT, ReferralMove(referral, step))
    to, event = STEPS[step].target, STEPS[step].event
    if action == "decline" and not reason.strip():
        raise ValidationError({"reason": REQUIRED})
    now = timezone.now()
    referral.status = to
    fields = ["status"]
    if action in {"accept", "decline"}:
        referral.answered_at, referral.answered_by, referral.decline_reason = now, user, reason
        fields += ["answered_at", "answered_by", "decline_reason"]
    if action == "complete":
        referral.completed_at = now
        fields.append("completed_at")
    save_versioned(referral, expected_version=expected_version, fields=fields)
    CaseEvent.objects.create(
        case=referral.case, kind=event, actor=user, details={"referral": referral.pk}
    )
    audit(AuditAction.UPDATE, referral, user=user, details={"action": action})
    if step == ReferralStep.DECLINE:
        notify(
            recipients=receiving_users(referral.from_institution),
            kind=NotificationKind.REFERRAL_DECLINED,
            params={"case": referral.case.code, "institution": referral.to_institution.name},
            link=reverse("cases:case_detail", args=[referral.case.code]),
            duty=[referral.from_institution],
        )
    referral_moved.send(Referral, referral=referral, step=step, user=user)
    return referral


@transaction.atomic
def consent_record(
    *, user: User, case: Case, institution_type: str, category: str, method: str
) -> Consent:
    """Record that the person agreed to share ``category`` with ``institution_type``."""
    require(user, CONSENT_MANAGE, case)
    existing = case.consents.filter(
        institution_type=institution_type, category=category, withdrawn_at__isnull=True
    ).first()
    if existing:
        return existing
    consent = Consent(
        case=case,
        institution_type=institution_type,
        category=category,
        method=method,
        recorded_by=user,
    )
    consent.full_clean(exclude=["case", "recorded_by"])
    consent.save()
    details = {"consent": consent.pk, "type": institution_type, "category": category}
    CaseEvent.objects.create(
        case=case, kind=CaseEventKind.CONSENT_GIVEN, actor=user, details=details
    )
    audit(AuditAction.CREATE, consent, user=user, details=details)
    return consent


@transaction.atomic
def consent_withdraw(*, user: User, consent: Consent) -> Consent:
    """Withdraw a consent; from the next read on, the institutions it covered lose that data."""
    require(user, CONSENT_MANAGE, consent.case)
    if consent.withdrawn_at is None:
        consent.withdrawn_at, consent.withdrawn_by = timezone.now(), user
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        details = {"consent": consent.pk, "type": consent.institution_type}
        details["category"] = consent.category
        CaseEvent.objects.create(
            case=consent.case, kind=CaseEventKind.CONSENT_WITHDRAWN, actor=user, details=details
        )
        audit(AuditAction.UPDATE, consent, user=user, details={**details, "withdrawn": True})
    return consent


@dataclass(frozen=True)
class BreakGlassAlerts:
    """Who is told of a break-glass use: the user's own supervisors and the Centre (they
    review it), and the case's lead (who opened it, and the lead institution's supervisors)."""

    own_supervisors: list[User]
    centre: list[User]
    case_lead: list[User]


def break_glass_alerts(user: User, case: Case) -> BreakGlassAlerts:
    active_users = User.objects.filter(is_active=True).exclude(pk=user.pk)
    supervisors = active_users.filter(role=Role.SUPERVISOR)
    centre = active_users.filter(
        role__in=[Role.CENTRE_OFFICER, Role.SUPERVISOR],
        institution__type=InstitutionType.NATIONAL_CENTRE,
    )
    lead = list(supervisors.filter(institution=case.opened_by_institution_id))
    if case.opened_by.is_active and case.opened_by.pk != user.pk:
        lead.append(case.opened_by)
    return BreakGlassAlerts(
        own_supervisors=list(supervisors.filter(institution=user.institution_id)),
        centre=list(centre),
        case_lead=lead,
    )


def break_glass_uses_today(user: User) -> int:
    """Break-glass grants this user received in the last 24 hours."""
    since = timezone.now() - timedelta(hours=24)
    return BreakGlassGrant.objects.filter(user=user, granted_at__gte=since).count()


def _daily_limit_reached(uses: int) -> ValidationError:
    message = _(
        "You have used emergency access %(count)s times in the last 24 hours, the most "
        "allowed. Ask the case's lead institution or the Centre for help."
    )
    return ValidationError({NON_FIELD_ERRORS: [message % {"count": uses}]})


def break_glass_open(*, user: User, code: str, reason: str) -> BreakGlassGrant:
    """Emergency access to a case outside the user's team: for roles that work on cases, at
    most ``BREAK_GLASS_DAILY_LIMIT`` times in 24 hours, time-limited, alerted, audited."""
    require(user, BREAK_GLASS)
    errors = {}
    case = Case.objects.filter(code=code.strip().upper()).first()
    if case is None:
        errors["code"] = _("There is no case with this code.")
    if len(reason.strip()) < 10:
        errors["reason"] = _("Say why you need the case now, in a sentence.")
    if errors:
        raise ValidationError(errors)
    assert case is not None  # noqa: S101 - checked above
    assert user.institution is not None  # noqa: S101 - BREAK_GLASS requires one
    uses = break_glass_uses_today(user)
    if uses >= settings.BREAK_GLASS_DAILY_LIMIT:
        # refused, and recorded (outside the grant's transaction, so the refusal stays)
        audit(
            AuditAction.BREAK_GLASS,
            case,
            user=user,
            details={"refused": "daily_limit", "uses": uses},
        )
        raise _daily_limit_reached(uses)
    return _break_glass_grant(user=user, case=case, reason=reason)


@transaction.atomic
def _break_glass_grant(*, user: User, case: Case, reason: str) -> BreakGlassGrant:
    assert user.institution is not None  # noqa: S101 - BREAK_GLASS requires one
    # two requests at once must not both pass the cap: hold the user's row, count again
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    uses = break_glass_uses_today(user)
    if uses >= settings.BREAK_GLASS_DAILY_LIMIT:
        raise _daily_limit_reached(uses)
    until = timezone.now() + timedelta(minutes=settings.BREAK_GLASS_MINUTES)
    grant = BreakGlassGrant.objects.create(
        case=case, user=user, reason=reason.strip(), expires_at=until
    )
    details = {"grant": grant.pk, "until": until.isoformat()}
    CaseEvent.objects.create(case=case, kind=CaseEventKind.BREAK_GLASS, actor=user, details=details)
    audit(AuditAction.BREAK_GLASS, case, user=user, details=details)
    alerts = break_glass_alerts(user, case)
    params = {
        "user": user.get_full_name() or user.username,
        "institution": user.institution.name,
        "case": case.code,
        "until": until,
        "uses": uses + 1,
    }
    notify(
        recipients=alerts.case_lead,
        kind=NotificationKind.BREAK_GLASS,
        params=params,
        link=reverse("cases:case_detail", args=[case.code]),
    )
    lead_pks = {u.pk for u in alerts.case_lead}
    notify(
        recipients=[u for u in alerts.own_supervisors + alerts.centre if u.pk not in lead_pks],
        kind=NotificationKind.BREAK_GLASS_REVIEW,
        params=params,
        link=reverse("cases:break_glass_review"),
    )
    return grant


def timeline_add(
    *, case: Case, kind: CaseEventKind, user: User | None, **details: Any
) -> CaseEvent:
    """A line on the case's timeline, for what another app did on the case (a conference, a
    task, a merge)."""
    return CaseEvent.objects.create(case=case, kind=kind, actor=user, details=details)


def cases_repoint_person(*, user: User, keep: Person, duplicate: Person) -> list[str]:
    """A merge: the duplicate's cases now concern ``keep``, and each case's timeline says so.
    Returns the codes of the cases moved."""
    cases = list(Case.objects.filter(person=duplicate))
    Case.objects.filter(person=duplicate).update(person=keep)
    details = {"from": duplicate.code, "into": keep.code}
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, kind=CaseEventKind.PERSON_MERGED, actor=user, details=details)
        for case in cases
    )
    return [case.code for case in cases]
