"""The first-contact protocol: the checklist that follows from an outcome, with deadlines."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spona.screening.engine import Facts, NotTraffickingReason, Outcome, Rank
from spona.screening.vocabulary import CRIMINAL_OFFENCES, IMMIGRATION_OFFENCES, MISDEMEANOURS


@dataclass(frozen=True)
class StepSpec:
    code: str
    title: Promise
    due_in: timedelta | None  # None: guidance to acknowledge, no deadline


NOW = timedelta(hours=1)  # "immediately": overdue after an hour

STEPS: dict[str, StepSpec] = {
    spec.code: spec
    for spec in [
        StepSpec(
            "police_now",
            _("Call the police (192) now: see 'Why' for the reason."),
            NOW,
        ),
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
            _(
                "Prevention follow-up: the local coordinator is informed; see the person again "
                "by this date, with the local programme or campaign for their risk group."
            ),
            timedelta(days=7),
        ),
        StepSpec(
            "non_punishment_prosecutor",
            _(
                "Non-punishment (Council of Europe Convention, art. 26): tell the public prosecutor "
                "that the person is a presumed victim and that the offences recorded were committed "
                "while exploited."
            ),
            timedelta(hours=24),
        ),
        StepSpec(
            "non_punishment_misdemeanour",
            _(
                "Non-punishment: tell the police and the misdemeanour court that the person is a "
                "presumed victim, so that no fine or sentence follows for begging or prostitution."
            ),
            timedelta(hours=24),
        ),
        StepSpec(
            "non_punishment_residence",
            _(
                "Non-punishment: tell the police (border and foreigners' affairs) that the person is a "
                "presumed victim, so that they are not removed for irregular stay; they may be given "
                "temporary residence as a victim of trafficking."
            ),
            timedelta(hours=24),
        ),
        StepSpec(
            "regular_work_information",
            _(
                "Tell the person where to turn if things change: the labour inspectorate, the "
                "National Employment Service and the Centre for Human Trafficking Victims Protection."
            ),
            None,
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

#: The step each closing reason brings (domestic violence brings its own, from the fact).
_BY_REASON = {
    NotTraffickingReason.SMUGGLING: "refer_migrant_protection",
    NotTraffickingReason.VOLUNTARY_BEGGING: "refer_social_protection",
    NotTraffickingReason.REGULAR_MIGRATION_OR_WORK: "regular_work_information",
}
#: Whom to tell, under the non-punishment principle, about which offences.
_NON_PUNISHMENT = [
    ("non_punishment_prosecutor", CRIMINAL_OFFENCES),
    ("non_punishment_misdemeanour", MISDEMEANOURS),
    ("non_punishment_residence", IMMIGRATION_OFFENCES),
]


def protocol_for(outcome: Outcome, facts: Facts) -> list[StepSpec]:
    """The steps for this outcome and these needs, most urgent first."""
    presumed = outcome.rank == Rank.PRESUMED_VICTIM
    codes: list[str] = []
    if outcome.police:
        codes.append("police_now")
    if facts.treated_as_child:  # whatever the outcome: a child is the guardianship authority's
        codes.append("guardianship_now")
    if presumed:
        codes.append("notify_centre_24h")
    if facts.needs_accommodation:
        codes.append("safe_accommodation")
    if facts.medical_needs:
        codes.append("health_care")
    if facts.needs_interpreter:
        codes.append("interpreter")
    if presumed:
        codes += [code for code, offences in _NON_PUNISHMENT if facts.offences & set(offences)]
    if facts.domestic_violence:  # the law on domestic violence applies whatever else is found
        codes.append("refer_domestic_violence")
    if outcome.prevention:
        codes.append("prevention_follow_up")
    if outcome.open_questions:
        codes.append("collect_information")
    codes += [_BY_REASON[r] for r in map(NotTraffickingReason, outcome.closures) if r in _BY_REASON]
    if outcome.suspected:
        codes += ["no_confrontation", "no_repeated_interviews"]
    return [STEPS[code] for code in codes]
