"""What each phase of the response offers, for the navigation and the phase pages.

Later modules add their tools here; a tool is listed only to users the policy allows.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spona.policy import Action


@dataclass(frozen=True)
class Tool:
    url_name: str
    title: Promise
    description: Promise
    action: Action


TOOLS: dict[str, list[Tool]] = {
    "prevention": [
        Tool(
            "prevention:overview",
            _("Risk map"),
            _(
                "Risk groups per settlement and municipality, from institutions' counts; small numbers hidden."
            ),
            Action.PREVENTION_VIEW,
        ),
        Tool(
            "prevention:campaign_list",
            _("Campaigns and outreach"),
            _("Targeted campaigns, outreach in the field and the reach they achieved."),
            Action.PREVENTION_VIEW,
        ),
        Tool(
            "prevention:follow_up_list",
            _("People at risk"),
            _(
                "Follow-ups of the people a screening found at risk, by code, with their risk "
                "group and campaign."
            ),
            Action.FOLLOW_UP_VIEW,
        ),
    ],
    "identification": [
        Tool(
            "signals:signal_list",
            _("Signals"),
            _("Raise a signal in a minute; the social welfare centre and the police triage it."),
            Action.SIGNAL_VIEW,
        ),
        Tool(
            "screening:screening_list",
            _("Screening"),
            _("Guided screening on the ILO/EU indicators, with the first-contact protocol."),
            Action.SCREENING_VIEW,
        ),
        Tool(
            "screening:overdue",
            _("Overdue protocol steps"),
            _("First-contact steps past their deadline in your institution."),
            Action.PROTOCOL_OVERSEE,
        ),
        Tool(
            "people:person_list",
            _("Persons"),
            _("Register a person; their details are seen only by those who work with them."),
            Action.PERSON_VIEW,
        ),
    ],
    "protection": [
        Tool(
            "cases:case_list",
            _("Cases and referrals"),
            _("Cases of your institution's team and the referrals it received."),
            Action.CASE_VIEW,
        ),
        Tool(
            "cases:referral_statistics",
            _("Who refers, how fast"),
            _("Referrals by referring institution, times to referral and decision, overdue ones."),
            Action.REFERRAL_STATISTICS,
        ),
        Tool(
            "cases:break_glass",
            _("Emergency access to a case"),
            _("Open a case outside your team in an emergency: a reason, a time limit, alerts."),
            Action.BREAK_GLASS,
        ),
        Tool(
            "conferences:conference_list",
            _("Case conferences"),
            _(
                "Meetings on a case or a local topic, with the matrix's participants, decisions and tasks."
            ),
            Action.CONFERENCE_VIEW,
        ),
        Tool(
            "conferences:task_list",
            _("Tasks"),
            _(
                "Your institution's tasks from conferences, with reminders before and after the due date."
            ),
            Action.TASK_VIEW,
        ),
        Tool(
            "institutions:directory",
            _("Directory of institutions"),
            _("Every institution's duty phone and e-mail, instead of personal numbers."),
            Action.VIEW_DIRECTORY,
        ),
    ],
    "integration": [],
    "planning": [
        Tool(
            "coordination:who_does_what",
            _("Who does what"),
            _(
                "Who leads, contributes and is informed in each phase, with every institution's duty line."
            ),
            Action.VIEW_DIRECTORY,
        ),
        Tool(
            "surveys:wave_list",
            _("Awareness surveys"),
            _(
                "Citizen and professional surveys, per municipality and wave, with weighted estimates."
            ),
            Action.SURVEY_VIEW,
        ),
        Tool(
            "screening:catalogue",
            _("Indicator catalogue"),
            _(
                "The screening indicators, their weights and sources; administrators load new versions."
            ),
            Action.VIEW_DIRECTORY,
        ),
    ],
    "statistics": [
        Tool(
            "institutions:municipality_list",
            _("Municipalities"),
            _("The official register of municipalities with census populations."),
            Action.VIEW_DIRECTORY,
        ),
    ],
}
