"""Who refers, how fast: reads behind the referral statistics page.

The study counted who referred victims (police 72.2%, social welfare 21.2%, schools and health
care none) and found that institutions act late. This page answers both from the referral
records: referrals by the type of the sending institution, the median time from a signal to
the first referral of its case and from a referral to its answer and to the identification
decision, and the referrals past their due time.

Scope: a coordinator sees the referrals of cases in their municipality, the Centre and
analysts the whole country. Coordinators and Centre officers see cases, so they get exact
numbers and the list of overdue referrals (by case code); analysts never see a case, so
their counts from 1 to 10 are suppressed (``spona.disclosure``), medians of fewer than 11
durations are withheld and the overdue list is not shown.
"""

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from spona.accounts.models import Role, User
from spona.cases.models import CaseEvent, CaseEventKind, CaseStatus, Referral, ReferralStatus
from spona.disclosure import K, protect_vector
from spona.institutions.models import InstitutionType
from spona.signals.models import Signal

DECISIONS = [CaseStatus.IDENTIFIED, CaseStatus.NOT_IDENTIFIED]


@dataclass(frozen=True)
class SourceRow:
    label: Promise
    count: int | None  # None: suppressed
    share: float | None  # percent of all referrals, when both are shown


@dataclass(frozen=True)
class Duration:
    median: timedelta | None  # None: no data, or too few to show
    n: int | None

    @property
    def hours(self) -> float | None:
        return None if self.median is None else round(self.median.total_seconds() / 3600, 1)


@dataclass(frozen=True)
class ReferralStatistics:
    sources: list[SourceRow]
    total: int | None
    signal_to_referral: Duration
    referral_to_answer: Duration
    referral_to_decision: Duration
    overdue_count: int | None
    overdue: list[Referral] | None  # None: this role does not see cases
    exact: bool


def _in_scope(user: User) -> QuerySet[Referral]:
    referrals = Referral.objects.exclude(status=ReferralStatus.REVOKED)
    if user.role == Role.COORDINATOR:
        municipality = user.institution.municipality_id if user.institution else None
        return referrals.filter(case__municipality=municipality)
    return referrals


def _duration(durations: list[timedelta], exact: bool) -> Duration:
    if not durations or (not exact and len(durations) < K):
        return Duration(None, len(durations) if exact or not durations else None)
    seconds = statistics.median(d.total_seconds() for d in durations)
    return Duration(timedelta(seconds=seconds), len(durations))


def _sources(referrals: QuerySet[Referral], exact: bool) -> tuple[list[SourceRow], int | None]:
    counted = Counter(referrals.values_list("from_institution__type", flat=True))
    counts = [counted.get(kind.value, 0) for kind in InstitutionType]
    cells, total = (tuple(counts), sum(counts)) if exact else protect_vector(counts)
    rows = [
        SourceRow(
            kind.label,
            cell,
            round(100 * cell / total, 1) if cell is not None and total else None,
        )
        for kind, cell in zip(InstitutionType, cells, strict=True)
    ]
    return rows, total


def _signal_to_referral(referrals: QuerySet[Referral]) -> list[timedelta]:
    """For each case opened from a signal: from the signal to the case's first referral."""
    first: dict[int, datetime] = {}
    for case_id, sent_at in referrals.order_by("sent_at").values_list("case", "sent_at"):
        first.setdefault(case_id, sent_at)
    opened = CaseEvent.objects.filter(
        kind=CaseEventKind.OPENED, case__in=list(first), details__has_key="signal"
    ).values_list("case", "details")
    signal_of = {case_id: details["signal"] for case_id, details in opened}
    raised = dict(Signal.objects.filter(pk__in=signal_of.values()).values_list("pk", "created_at"))
    return [
        first[case_id] - raised[signal] for case_id, signal in signal_of.items() if signal in raised
    ]


def _referral_to_decision(referrals: QuerySet[Referral]) -> list[timedelta]:
    """From the referral to the Centre (or guardianship authority) to the identification."""
    # the reason is encrypted (issue 14): the automatic reasons are told apart after reading
    automatic = {"identification_adult", "identification_child"}
    sent = {
        r.case_id: r.sent_at
        for r in referrals.only("case", "sent_at", "reason").order_by("-sent_at")
        if r.reason in automatic
    }
    decided = CaseEvent.objects.filter(
        kind=CaseEventKind.STATUS_CHANGED, case__in=list(sent), details__to__in=DECISIONS
    ).values_list("case", "at")
    return [at - sent[case_id] for case_id, at in decided]


def referral_statistics(*, user: User) -> ReferralStatistics:
    exact = user.role != Role.ANALYST
    referrals = _in_scope(user)
    sources, total = _sources(referrals, exact)
    answered = [
        (sent, at)
        for sent, at in referrals.filter(answered_at__isnull=False).values_list(
            "sent_at", "answered_at"
        )
        if at is not None
    ]
    overdue = referrals.filter(status=ReferralStatus.SENT, due_at__lt=timezone.now())
    overdue_count = overdue.count()
    if not exact and 0 < overdue_count < K:
        overdue_count_shown: int | None = None
    else:
        overdue_count_shown = overdue_count
    return ReferralStatistics(
        sources=sources,
        total=total,
        signal_to_referral=_duration(_signal_to_referral(referrals), exact),
        referral_to_answer=_duration([a - s for s, a in answered], exact),
        referral_to_decision=_duration(_referral_to_decision(referrals), exact),
        overdue_count=overdue_count_shown,
        overdue=list(
            overdue.select_related("case", "from_institution", "to_institution").order_by("due_at")[
                :200
            ]
        )
        if exact
        else None,
        exact=exact,
    )
