"""The first-contact protocol: the checklist that follows from an outcome, with deadlines."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spona.screening.engine import Facts, NotTraffickingReason, Outcome, OutcomeCode, Rank


@dataclass(frozen=True)
class StepSpec:
    code: str
    title: Promise
    due_in: timedelta | None  # None: guidance to acknowledge, no deadline


NOW = timedelta(hours=1)  # "immediately": overdue after an hour

STEPS: dict[str, StepSpec] = {
    spec.code: spec
    for spec in [
        StepSpec("police_now", _("Immediate danger: call the police (192) now."), NOW),
        StepSpec(
            "guardianship_now",
            _("A child: inform the social welfare centre (guardianship authority) immediately."),
            NOW,
        ),
        StepSpec(
            "notify_centre_24h",
            _("Notify the Centre for Human Trafficking Victims Protection within 24 hours."),
            timedelta(hours=24),
        ),
        StepSpec(
            "health_care", _("Arrange medical care at a health institution."), timedelta(hours=24)
        ),
        StepSpec(
            "interpreter",
            _("Arrange an interpreter before any further conversation."),
            timedelta(hours=24),
        ),
        StepSpec(
            "safe_accommodation", _("Find safe accommodation for tonight."), timedelta(hours=8)
        ),
        StepSpec(
            "no_confrontation",
            _("Do not confront the suspected traffickers or contact them in any way."),
            None,
        ),
        StepSpec(
            "no_repeated_interviews",
            _("Do not repeat the interview: record it once here and share it with the case team."),
            None,
        ),
        StepSpec(
            "collect_information",
            _("Collect the missing information (see 'ask about') and complete the screening."),
            timedelta(days=3),
        ),
        StepSpec(
            "prevention_follow_up",
            _("Agree a prevention follow-up with the social welfare centre."),
            timedelta(days=7),
        ),
        StepSpec(
            "refer_migrant_protection",
            _(
                "Refer to migrant protection (Commissariat for Refugees and Migration) and explain asylum rights."
            ),
            timedelta(days=3),
        ),
        StepSpec(
            "refer_social_protection",
            _("Refer to the social welfare centre for social protection."),
            timedelta(days=7),
        ),
        StepSpec(
            "refer_domestic_violence",
            _(
                "Act under the Law on the Prevention of Domestic Violence: inform the police and the social welfare centre."
            ),
            timedelta(days=1),
        ),
    ]
}

_BY_REASON = {
    NotTraffickingReason.SMUGGLING: "refer_migrant_protection",
    NotTraffickingReason.VOLUNTARY_BEGGING: "refer_social_protection",
    NotTraffickingReason.DOMESTIC_VIOLENCE: "refer_domestic_violence",
}


def protocol_for(outcome: Outcome, facts: Facts) -> list[StepSpec]:
    """The steps for this outcome and these needs, most urgent first."""
    codes: list[str] = []
    if facts.immediate_danger:
        codes.append("police_now")
    if facts.treated_as_child:  # whatever the outcome: a child is the guardianship authority's
        codes.append("guardianship_now")
    if outcome.rank == Rank.PRESUMED_VICTIM:
        codes.append("notify_centre_24h")
    if facts.needs_accommodation:
        codes.append("safe_accommodation")
    if facts.medical_needs:
        codes.append("health_care")
    if facts.needs_interpreter:
        codes.append("interpreter")
    if outcome.code == OutcomeCode.AT_RISK:
        codes.append("prevention_follow_up")
    if outcome.code == OutcomeCode.INSUFFICIENT_INFORMATION:
        codes.append("collect_information")
    if outcome.not_trafficking_reason:
        codes.append(_BY_REASON[NotTraffickingReason(outcome.not_trafficking_reason)])
    if outcome.rank >= Rank.AT_RISK:
        codes += ["no_confrontation", "no_repeated_interviews"]
    return [STEPS[code] for code in codes]
