"""What this app offers on the phase pages, the home page (referrals to answer, referrals
sent and not answered) and the municipality's summary."""

from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.cases.access import BREAK_GLASS, BREAK_GLASS_REVIEW, CASE_VIEW, REFERRAL_STATISTICS
from spona.cases.models import Referral
from spona.cases.selectors import (
    open_cases_count,
    overdue_referrals_count,
    referrals_to_answer,
    referrals_unanswered,
)
from spona.core.links import reversed_url
from spona.core.phases import Phase, Tool, offer
from spona.core.prepared import Later
from spona.core.roles import INSTITUTION_WIDE_ROLES
from spona.core.templatetags.spona_layout import link
from spona.core.work import Figure, Item, Section, counted_section, provide, summarise
from spona.institutions.models import Institution, InstitutionType

offer(
    Tool(
        Phase.PROTECTION,
        "cases:case_list",
        _("Cases and referrals"),
        _("Cases of your institution's team and the referrals it received."),
        CASE_VIEW,
    ),
    Tool(
        Phase.PROTECTION,
        "cases:referral_statistics",
        _("Who refers, how fast"),
        _("Referrals by referring institution, times to referral and decision, overdue ones."),
        REFERRAL_STATISTICS,
    ),
    Tool(
        Phase.PROTECTION,
        "cases:break_glass",
        _("Emergency access to a case"),
        _("Open a case outside your team in an emergency: a reason, a time limit, alerts."),
        BREAK_GLASS,
    ),
    Tool(
        Phase.PROTECTION,
        "cases:break_glass_review",
        _("Emergency accesses to review"),
        _("Every emergency access by your institution's users (the Centre: by anyone)."),
        BREAK_GLASS_REVIEW,
    ),
)


def _referral_item(referral: Referral, institution: Institution) -> Item:
    return Item(
        code=referral.case.code,
        text=str(institution),
        url=reversed_url("cases:case_detail", args=[referral.case.code]),
        due=referral.due_at,
        urgency=referral.urgency,
    )


def _to_answer(user: User) -> Later[Section | None] | None:
    """Referrals to the user's institution; for the Centre, the national referral queue."""
    if user.role not in INSTITUTION_WIDE_ROLES or user.institution is None:
        return None
    centre = user.institution.type == InstitutionType.NATIONAL_CENTRE
    return counted_section(
        referrals_to_answer(user=user),
        lambda referral: _referral_item(referral, referral.from_institution),
        key="referrals_to_answer",
        title=_("National referral queue") if centre else _("Referrals to answer"),
        url=link("cases:case_list"),
        empty=_("No referral waits for your institution's answer."),
    )


def _unanswered(user: User) -> Later[Section | None] | None:
    """Referrals the user's institution sent that still wait for an answer."""
    if user.role not in INSTITUTION_WIDE_ROLES or user.institution_id is None:
        return None
    return counted_section(
        referrals_unanswered(user=user),
        lambda referral: _referral_item(referral, referral.to_institution),
        key="referrals_unanswered",
        title=_("Referrals sent, not answered yet"),
        url=link("cases:case_list"),
        empty=_("Every referral your institution sent has been answered."),
    )


provide(_to_answer, _unanswered)
summarise(
    Figure("open_cases", _("Open cases"), open_cases_count),
    Figure("overdue_referrals", _("Referrals overdue"), overdue_referrals_count),
)
