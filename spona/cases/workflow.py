"""The case workflow along the national referral mechanism: one explicit table of allowed
transitions and who may make each. Everything else is refused."""

from dataclasses import dataclass
from enum import StrEnum

from spona.cases.models import Case
from spona.cases.models import CaseStatus as S
from spona.core.phases import Phase


class Decider(StrEnum):
    """Who decides a transition."""

    IDENTIFIER = "identifier"
    """Formal identification: the national Centre for an adult, the social welfare centre
    (guardianship authority) of the case's municipality for a child."""
    TEAM = "team"
    """A case manager or supervisor of an institution on the case team, able to see the case's
    details (the lead institution, or one the person consented to share them with)."""
    SUPERVISOR = "supervisor"
    """A supervisor of the institution that opened the case (closures)."""


TRANSITIONS: dict[S, dict[S, Decider]] = {
    S.PRESUMED_VICTIM: {
        S.IDENTIFIED: Decider.IDENTIFIER,
        S.NOT_IDENTIFIED: Decider.IDENTIFIER,
        S.CLOSED: Decider.SUPERVISOR,
    },
    S.IDENTIFIED: {S.PROTECTION: Decider.TEAM, S.CLOSED: Decider.SUPERVISOR},
    S.NOT_IDENTIFIED: {S.CLOSED: Decider.SUPERVISOR},
    S.PROTECTION: {S.INTEGRATION: Decider.TEAM, S.CLOSED: Decider.SUPERVISOR},
    S.INTEGRATION: {S.CLOSED: Decider.SUPERVISOR},
    S.CLOSED: {},  # reopening is its own action, with a reason
}
NEEDS: dict[S, tuple[str, ...]] = {
    S.IDENTIFIED: ("decided_on", "decision_panel", "decision_reasons"),
    S.NOT_IDENTIFIED: ("decided_on", "decision_panel", "decision_reasons"),
    S.CLOSED: ("close_reason",),
}


#: The phase of the response a case is in, by its status (for the mandate matrix). A closed
#: case stays with the phase it ended in: integration, the last one.
PHASE_OF_STATUS: dict[S, Phase] = {
    S.PRESUMED_VICTIM: Phase.IDENTIFICATION,
    S.NOT_IDENTIFIED: Phase.IDENTIFICATION,
    S.IDENTIFIED: Phase.PROTECTION,
    S.PROTECTION: Phase.PROTECTION,
    S.INTEGRATION: Phase.INTEGRATION,
    S.CLOSED: Phase.INTEGRATION,
}


def phase_of(case: Case) -> Phase:
    return PHASE_OF_STATUS[S(case.status)]


@dataclass(frozen=True)
class Transition:
    """Moving ``case`` to ``target``."""

    case: Case
    target: str


def targets(case: Case) -> list[S]:
    """The statuses the table allows from the case's current one."""
    return list(TRANSITIONS.get(S(case.status), {}))
