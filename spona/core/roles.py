"""The roles a user acts in, and the groups of roles the access rules speak of: one definition.

Roles sit below every app (each app's ``access`` module reasons about them); the accounts app
stores a user's role.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONTLINE = "frontline", _("Frontline professional")
    CASE_MANAGER = "case_manager", _("Case manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    CENTRE_OFFICER = "centre_officer", _("Centre officer")
    COORDINATOR = "coordinator", _("Local coordinator")
    ANALYST = "analyst", _("Analyst")
    INSTITUTION_ADMIN = "institution_admin", _("Institution administrator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


#: Roles that work with people: they may see a person's data, within need-to-know.
PERSON_ROLES = frozenset({Role.FRONTLINE, Role.CASE_MANAGER, Role.SUPERVISOR, Role.CENTRE_OFFICER})
#: Roles that act for their whole institution (its cases, its referrals, its triage).
INSTITUTION_WIDE_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.CENTRE_OFFICER})
#: Roles that raise signals: everyone who works with people or coordinates (schools and
#: health care included: the study found they referred no victim at all).
SIGNAL_ROLES = PERSON_ROLES | {Role.COORDINATOR}
#: Roles that read aggregates (prevention, surveys): everyone but the administrators, who
#: manage accounts, not data. Roles without case access get every number protected.
AGGREGATE_ROLES = SIGNAL_ROLES | {Role.ANALYST}
#: Roles that meet on cases and local topics: the case team's roles and the local coordinator.
CONFERENCE_ROLES = INSTITUTION_WIDE_ROLES | {Role.COORDINATOR}
#: Roles that may hold a task: the conference roles, and a frontline professional named in one.
TASK_ROLES = CONFERENCE_ROLES | {Role.FRONTLINE}
#: Every role except the analyst, who sees aggregates only, must use a second factor.
TWO_FACTOR_ROLES = frozenset(Role) - {Role.ANALYST}
