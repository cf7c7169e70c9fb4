"""What a notification says, per kind: one table, so every message is translated.

Parameters carry codes (case, task, referral), institution and professional names and dates,
never anything about a person Spona protects: a notification is shown in an inbox and sent by
e-mail, both outside the audited record views.
"""

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class NotificationKind(StrEnum):
    BREAK_GLASS = "break_glass"
    DUPLICATE_SUSPECTED = "duplicate_suspected"
    TASK_DUE_SOON = "task_due_soon"
    TASK_OVERDUE = "task_overdue"
    TASK_ASSIGNED = "task_assigned"
    REFERRAL_RECEIVED = "referral_received"
    REFERRAL_OVERDUE = "referral_overdue"
    CONFERENCE_INVITATION = "conference_invitation"
    CONFERENCE_CANCELLED = "conference_cancelled"
    PREVENTION_FOLLOW_UP = "prevention_follow_up"
    PLAN_REVIEW_OVERDUE = "plan_review_overdue"
    PLAN_SUBMITTED = "plan_submitted"


#: kind -> (subject, body); both are %-formatted with the notification's parameters.
KINDS: dict[NotificationKind, tuple[Promise, Promise]] = {
    NotificationKind.BREAK_GLASS: (
        _("Emergency access to case %(case)s"),
        _(
            "%(user)s of %(institution)s opened case %(case)s with emergency access until "
            "%(until)s. The reason is shown on the case page."
        ),
    ),
    NotificationKind.DUPLICATE_SUSPECTED: (
        _("Possible duplicate person %(person)s"),
        _(
            "A person registered as %(person)s by %(institution)s may already be known as "
            "%(match)s. Please check and reconcile the records."
        ),
    ),
    NotificationKind.TASK_DUE_SOON: (
        _("Task due soon: %(task)s"),
        _("The task %(task)s is due on %(due)s."),
    ),
    NotificationKind.TASK_OVERDUE: (
        _("Task overdue: %(task)s"),
        _("The task %(task)s was due on %(due)s and is not done yet."),
    ),
    NotificationKind.TASK_ASSIGNED: (
        _("New task: %(task)s"),
        _("The task %(task)s was assigned to %(institution)s, due on %(due)s."),
    ),
    NotificationKind.REFERRAL_RECEIVED: (
        _("New referral on case %(case)s"),
        _("%(institution)s referred case %(case)s to you; please answer by %(due)s."),
    ),
    NotificationKind.REFERRAL_OVERDUE: (
        _("Referral overdue on case %(case)s"),
        _(
            "The referral of case %(case)s to %(institution)s was due on %(due)s and is not answered."
        ),
    ),
    NotificationKind.CONFERENCE_INVITATION: (
        _("Invitation to a meeting on %(date)s"),
        _("%(institution)s invites you to a conference on %(date)s: %(topic)s"),
    ),
    NotificationKind.PREVENTION_FOLLOW_UP: (
        _("Prevention follow-up for %(person)s"),
        _(
            "%(institution)s screened %(person)s and found them at risk of trafficking. A "
            "prevention follow-up is due by %(due)s; risk group: %(group)s."
        ),
    ),
    NotificationKind.PLAN_REVIEW_OVERDUE: (
        _("Plan review overdue: %(plan)s"),
        _(
            "The review of plan %(plan)s (case %(case)s) was due on %(due)s and has not been "
            "held yet."
        ),
    ),
    NotificationKind.PLAN_SUBMITTED: (
        _("Plan submitted for approval: %(plan)s"),
        _("%(user)s submitted plan %(plan)s (case %(case)s) for your approval."),
    ),
    NotificationKind.CONFERENCE_CANCELLED: (
        _("Conference cancelled: %(topic)s"),
        _("The conference %(topic)s planned for %(date)s has been cancelled."),
    ),
}
