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
    BREAK_GLASS_REVIEW = "break_glass_review"
    DUPLICATE_SUSPECTED = "duplicate_suspected"
    TASK_DUE_SOON = "task_due_soon"
    TASK_OVERDUE = "task_overdue"
    TASK_ASSIGNED = "task_assigned"
    REFERRAL_RECEIVED = "referral_received"
    REFERRAL_OVERDUE = "referral_overdue"  # to the receiver, who has not answered
    REFERRAL_WAITING = "referral_waiting"  # to the sender, who waits for the answer
    REFERRAL_DECLINED = "referral_declined"
    PROTOCOL_STEP_OVERDUE = "protocol_step_overdue"
    CONFERENCE_INVITATION = "conference_invitation"
    CONFERENCE_CANCELLED = "conference_cancelled"
    PREVENTION_FOLLOW_UP = "prevention_follow_up"
    CANNOT_RECEIVE = "cannot_receive"
    PERSON_ACCESS_GRANTED = "person_access_granted"
    PERSON_ACCESS_BY_NEW_ADMIN = "person_access_by_new_admin"
    PLAN_REVIEW_OVERDUE = "plan_review_overdue"
    PLAN_SUBMITTED = "plan_submitted"
    ACTIVITY_OVERDUE = "activity_overdue"  # an activity of the local action plan


#: kind -> (subject, body); both are %-formatted with the notification's parameters.
KINDS: dict[NotificationKind, tuple[Promise, Promise]] = {
    NotificationKind.BREAK_GLASS: (
        _("Emergency access to case %(case)s"),
        _(
            "%(user)s of %(institution)s opened case %(case)s with emergency access until "
            "%(until)s. The reason is shown on the case page."
        ),
    ),
    NotificationKind.BREAK_GLASS_REVIEW: (
        _("Emergency access used by %(user)s"),
        _(
            "%(user)s of %(institution)s opened case %(case)s with emergency access until "
            "%(until)s (use %(uses)s in the last 24 hours). Review the reason on the list of "
            "emergency accesses."
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
    NotificationKind.REFERRAL_WAITING: (
        _("No answer yet to the referral of case %(case)s"),
        _(
            "You referred case %(case)s to %(institution)s; the answer was due on %(due)s and "
            "has not come. Call their duty number (see the directory), or refer the case "
            "elsewhere."
        ),
    ),
    NotificationKind.REFERRAL_DECLINED: (
        _("Referral of case %(case)s declined"),
        _(
            "%(institution)s declined the referral of case %(case)s. Their reason is on the case "
            "page; refer the case to another institution if it still needs this help."
        ),
    ),
    NotificationKind.PROTOCOL_STEP_OVERDUE: (
        _("Protocol step overdue: screening %(screening)s"),
        _(
            "A step of the first-contact protocol of screening %(screening)s was due on %(due)s "
            "and is not marked done: %(step)s"
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
    NotificationKind.ACTIVITY_OVERDUE: (
        _("Action plan activity overdue: %(activity)s"),
        _(
            "The activity “%(activity)s” of the %(year)s local action plan of %(municipality)s, "
            "which %(institution)s leads, was due to end on %(due)s and is not done. Record its "
            "progress, or tell the local coordinator what holds it up."
        ),
    ),
    NotificationKind.PLAN_SUBMITTED: (
        _("Plan submitted for approval: %(plan)s"),
        _("%(user)s submitted plan %(plan)s (case %(case)s) for your approval."),
    ),
    NotificationKind.PERSON_ACCESS_GRANTED: (
        _("Account with access to personal data: %(account)s"),
        _(
            "%(admin)s gave the account %(account)s of %(institution)s a role that sees data "
            "about persons. If you did not expect this, check it with them, and deactivate the "
            "account if it should not exist."
        ),
    ),
    NotificationKind.PERSON_ACCESS_BY_NEW_ADMIN: (
        _("New administrator gave access to personal data: %(account)s"),
        _(
            "%(admin)s, an administrator whose own account was created on %(joined)s, gave the "
            "account %(account)s of %(institution)s a role that sees data about persons. Check "
            "with the institution that both accounts are expected, and deactivate them if not."
        ),
    ),
    NotificationKind.CONFERENCE_CANCELLED: (
        _("Conference cancelled: %(topic)s"),
        _("The conference %(topic)s planned for %(date)s has been cancelled."),
    ),
    NotificationKind.CANNOT_RECEIVE: (
        _("%(institution)s cannot receive referrals"),
        _(
            "Nobody at %(institution)s has an account that can answer a referral or a signal, "
            "so nothing can be sent there. Its administrator can give a professional the role "
            "that acts for the institution (for example a case manager or a duty officer)."
        ),
    ),
}
