"""The case workflow along the national referral mechanism: one explicit table of allowed
transitions and who may make each. Everything else is refused."""

from spona.cases.models import CaseStatus as S

#: Who decides a transition:
#: - "identifier": formal identification: the national Centre for an adult, the social welfare
#:   centre (guardianship authority) of the case's municipality for a child;
#: - "team": a case manager or supervisor of the institution that opened the case, or of the Centre;
#: - "supervisor": a supervisor of the institution that opened the case (closures).
TRANSITIONS: dict[str, dict[str, str]] = {
    S.PRESUMED_VICTIM: {
        S.IDENTIFIED: "identifier",
        S.NOT_IDENTIFIED: "identifier",
        S.CLOSED: "supervisor",
    },
    S.IDENTIFIED: {S.PROTECTION: "team", S.CLOSED: "supervisor"},
    S.NOT_IDENTIFIED: {S.CLOSED: "supervisor"},
    S.PROTECTION: {S.INTEGRATION: "team", S.CLOSED: "supervisor"},
    S.INTEGRATION: {S.CLOSED: "supervisor"},
    S.CLOSED: {},  # reopening is its own action, with a reason
}
NEEDS: dict[str, tuple[str, ...]] = {
    S.IDENTIFIED: ("decided_on", "decision_panel", "decision_reasons"),
    S.NOT_IDENTIFIED: ("decided_on", "decision_panel", "decision_reasons"),
    S.CLOSED: ("close_reason",),
}
