"""Reads of screenings and protocol steps (person-level: audited)."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.policy import require, visible
from spona.screening.access import PROTOCOL_OVERSEE, SCREENING_VIEW
from spona.screening.catalogue import localized
from spona.screening.explanations import (
    NOT_TRAFFICKING_REASONS,
    OUTCOME_NOTE,
    OUTCOME_TITLES,
    explain,
)
from spona.screening.models import ProtocolStep, Screening


def screening_list(*, user: User) -> QuerySet[Screening]:
    require(user, SCREENING_VIEW)
    return visible(user, Screening).select_related("person", "institution")


def screening_get(*, user: User, pk: int) -> Screening:
    screening = (
        visible(user, Screening)
        .select_related("person", "catalogue", "signal")
        .filter(pk=pk)
        .first()
    )
    if screening is None:
        raise Http404
    audit(AuditAction.READ, screening, user=user)
    return screening


def overdue_steps(*, user: User) -> QuerySet[ProtocolStep]:
    """Steps past their deadline in the supervisor's institution."""
    require(user, PROTOCOL_OVERSEE)
    return (
        ProtocolStep.objects.filter(
            screening__institution=user.institution_id,
            done_at__isnull=True,
            due_at__lt=timezone.now(),
        )
        .select_related("screening", "screening__person", "screening__screened_by")
        .order_by("due_at")
    )


def result_view_model(screening: Screening) -> dict[str, Any]:
    """Everything the result page shows, in the active language."""
    catalogue = screening.catalogue.data
    dimension_titles = {d["code"]: localized(d["title"]) for d in catalogue["dimensions"]}
    indicator_texts = {i["code"]: localized(i["text"]) for i in catalogue["indicators"]}
    explanation = screening.explanation or {}
    now = timezone.now()
    steps = [
        {
            "step": step,
            "overdue": step.done_at is None and step.due_at is not None and step.due_at < now,
        }
        for step in screening.steps.all()
    ]
    return {
        "outcome_title": OUTCOME_TITLES.get(screening.outcome, ""),
        "not_trafficking_reason": NOT_TRAFFICKING_REASONS.get(screening.not_trafficking_reason, ""),
        "note": OUTCOME_NOTE,
        "reasons": [
            explain(r["code"], r["values"], dimension_titles)
            for r in explanation.get("reasons", [])
        ],
        "dimensions": [
            {
                "title": dimension_titles[d["code"]],
                "positive": d["positive"],
                "indicators": [indicator_texts[c] for c in d["indicators"]],
            }
            for d in explanation.get("dimensions", [])
        ],
        "ask_about": [dimension_titles[c] for c in explanation.get("ask_about", [])],
        "steps": steps,
    }
