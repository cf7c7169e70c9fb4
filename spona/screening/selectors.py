"""Reads of screenings and protocol steps (person-level: audited), the outcome as the pages
and the API show it, re-screening under the current rules, and the catalogue's warning signs."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit, audit_listed
from spona.core.prepared import Prepared, Shaped
from spona.core.roles import PERSON_ROLES
from spona.core.work import Counted, counted, nothing_counted, read_counted
from spona.policy import active, can, require, visible
from spona.screening.access import (
    PROTOCOL_OVERSEE,
    SCREENING_VIEW,
    screened_at,
    screened_by,
)
from spona.screening.catalogue import localized
from spona.screening.engine import RULES_VERSION, evaluate
from spona.screening.explanations import (
    NOT_TRAFFICKING_REASONS,
    OUTCOME_NOTE,
    OUTCOME_TITLES,
    ROUTES,
    UNVERIFIED_CATALOGUE,
    explain,
)
from spona.screening.models import IndicatorCatalogue, ProtocolStep, Screening
from spona.screening.protocol import STEPS, protocol_for
from spona.screening.services import active_catalogue, explanation_of, facts_of
from spona.screening.vocabulary import (
    ACTS,
    ELEMENTS,
    FACT_NAMES,
    MEANS,
    OFFENCES,
    RISK_FACTORS,
)


def screening_list(*, user: User) -> QuerySet[Screening]:
    """The screenings this user may see; the list read is audited (persons by code only)."""
    require(user, SCREENING_VIEW)
    listed = visible(user, Screening).select_related("person", "institution")
    audit(AuditAction.READ, user=user, details={"persons": [s.person.code for s in listed]})
    return listed


def screening_get(*, user: User, pk: int) -> Screening:
    screening = (
        visible(user, Screening)
        .select_related("person", "catalogue", "signal", "institution")
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


def _steps_overdue(
    oversees: bool, *, screener: int | None, institution: int | None, now: datetime
) -> QuerySet[ProtocolStep]:
    """First-contact steps past their deadline, the most overdue first, as the home page
    counts and shows them: of the one screenings' scope the user answers for (``oversees``:
    ``institution_screenings``, the screenings at ``institution``; else ``own_screenings``,
    those by ``screener``)."""
    mine = screened_at(institution) if oversees else screened_by(cast(int, screener))
    steps = ProtocolStep.objects.filter(
        screening__in=Screening.objects.filter(mine), done_at__isnull=True, due_at__lt=now
    )
    shown = steps.select_related("screening", "screening__person").order_by("due_at", "pk")
    return counted(shown.only("code", "due_at", "screening__person__code"))


#: The home page's overdue steps: compiled once per process for each shape of user.
_STEPS_OVERDUE = Shaped(_steps_overdue)


def steps_overdue_for(*, user: User) -> Counted[ProtocolStep]:
    """The first first-contact steps past their deadline that this user answers for (a
    supervisor's whole institution, anyone else's own screenings), the most overdue first;
    how many in all, twice (every one is overdue: ``read_counted``)."""
    if user.role not in PERSON_ROLES or not active(user):
        return nothing_counted()
    oversees = can(user, PROTOCOL_OVERSEE)
    return _STEPS_OVERDUE.later(
        oversees,
        screener=None if oversees else user.pk,
        institution=user.institution_id if oversees else None,
        now=timezone.now(),
    ).then(read_counted)


def steps_shown(*, user: User, steps: Iterable[ProtocolStep]) -> list[ProtocolStep]:
    """The first steps of a list, as the home page shows them (persons by code): audited."""
    shown = list(steps)
    if shown:
        persons = sorted({step.screening.person.code for step in shown})
        audit(AuditAction.READ, user=user, details={"persons": persons})
    return shown


def overdue_steps_page(*, user: User) -> list[ProtocolStep]:
    """The overdue page: each step names its person; one audited read naming the persons."""
    steps = list(overdue_steps(user=user))
    audit_listed(user=user, purpose="overdue steps", persons=[s.screening.person for s in steps])
    return steps


def names(catalogue: Mapping[str, Any]) -> dict[str, str]:
    """The display name, in the active language, of every code an explanation may carry."""
    shown: dict[str, str] = {}
    for choices in (ACTS, MEANS, OFFENCES, RISK_FACTORS):
        shown |= {code: str(label) for code, label in choices}
    shown |= {code: str(label) for code, label in FACT_NAMES.items()}
    shown |= {code: str(label) for code, label in ELEMENTS.items()}
    shown |= {i["code"]: localized(i["text"]) for i in catalogue["indicators"]}
    shown |= {d["code"]: localized(d["title"]) for d in catalogue["dimensions"]}
    shown |= {f["code"]: localized(f["title"]) for f in catalogue["exploitation_forms"]}
    return shown


def explained(explanation: Mapping[str, Any], catalogue: Mapping[str, Any]) -> dict[str, Any]:
    """A stored explanation as sentences and titles in the active language."""
    shown = names(catalogue)
    return {
        "route": str(ROUTES.get(explanation.get("route", ""), "")),
        "forms": [shown.get(code, code) for code in explanation.get("forms", [])],
        "reasons": [explain(r["code"], r["values"], shown) for r in explanation.get("reasons", [])],
        "dimensions": [
            {
                "title": shown[d["code"]],
                "positive": d["positive"],
                "indicators": [shown.get(c, c) for c in d["indicators"]],
            }
            for d in explanation.get("dimensions", [])
        ],
        "ask_about": [shown[c] for c in explanation.get("ask_about", [])],
    }


def result_view_model(screening: Screening) -> dict[str, Any]:
    """Everything the result page (and the API) shows, in the active language."""
    catalogue = screening.catalogue
    now = timezone.now()
    steps = [
        {
            "step": step,
            "overdue": step.done_at is None and step.due_at is not None and step.due_at < now,
        }
        for step in screening.steps.all()
    ]
    closures = (screening.explanation or {}).get("closures") or (
        [screening.not_trafficking_reason] if screening.not_trafficking_reason else []
    )
    return {
        "outcome_title": OUTCOME_TITLES.get(screening.outcome, ""),
        "not_trafficking_reason": ", ".join(
            str(NOT_TRAFFICKING_REASONS[code])
            for code in closures
            if code in NOT_TRAFFICKING_REASONS
        ),
        "note": OUTCOME_NOTE,
        "caveat": ""
        if catalogue.verified
        else UNVERIFIED_CATALOGUE % {"version": catalogue.version},
        "rules_version": screening.rules_version,
        "catalogue_version": catalogue.version,
        "follow_up": screening.prevention_follow_ups.select_related(
            "risk_group", "campaign"
        ).first(),
        "steps": steps,
        **explained(screening.explanation or {}, catalogue.data),
    }


def rescreen(*, user: User, pk: int) -> dict[str, Any]:
    """What the screening would be under the current rules and the active catalogue, beside
    what was decided; nothing is written but the audited read."""
    screening = screening_get(user=user, pk=pk)
    current = active_catalogue()
    facts = facts_of(screening)
    outcome = evaluate(current.data, facts)
    stored = screening.explanation or {}
    then = {
        "outcome": screening.outcome,
        "not_trafficking_reason": screening.not_trafficking_reason,
        "route": stored.get("route", ""),
        "forms": stored.get("forms", []),
        "prevention": stored.get("prevention", screening.outcome == "at_risk"),
        "steps": sorted({step.code for step in screening.steps.all()}),
    }
    now = {
        "outcome": outcome.code.value,
        "not_trafficking_reason": outcome.not_trafficking_reason,
        "route": outcome.route,
        "forms": list(outcome.forms),
        "prevention": outcome.prevention,
        "steps": sorted(step.code for step in protocol_for(outcome, facts)),
    }
    return {
        "screening": screening,
        "then": _shown(then, screening.catalogue.data),
        "now": _shown(now, current.data),
        "changed": [key for key in then if then[key] != now[key]],
        "rules": {"then": screening.rules_version or "1", "now": RULES_VERSION},
        "catalogues": {"then": screening.catalogue.version, "now": current.version},
        "why": explained(explanation_of(outcome), current.data)["reasons"],
    }


def _shown(side: Mapping[str, Any], catalogue: Mapping[str, Any]) -> dict[str, Any]:
    shown = names(catalogue)
    return {
        **side,
        "outcome_title": str(OUTCOME_TITLES.get(side["outcome"], "")),
        "reason_title": str(NOT_TRAFFICKING_REASONS.get(side["not_trafficking_reason"], "")),
        "route_title": str(ROUTES.get(side["route"], "")),
        "form_titles": [shown.get(code, code) for code in side["forms"]],
        "step_titles": [str(STEPS[code].title) for code in side["steps"] if code in STEPS],
    }


def _warning_signs_of_active() -> QuerySet[IndicatorCatalogue, Any]:
    active = IndicatorCatalogue.objects.filter(is_active=True)
    return active.values_list("data__warning_signs", flat=True)[:1]


#: the same SQL on every use (no values): built and compiled once per process
_WARNING_SIGNS_OF_ACTIVE = Prepared(_warning_signs_of_active)


def _active_warning_signs() -> dict[str, list[dict[str, Any]]]:
    """The active catalogue's warning signs (institution type -> its signs), read alone: the
    signal form and the signal's page need them, not the indicators and rules around them
    (the whole document is read and decoded otherwise); none without a catalogue."""
    signs: list[dict[str, list[dict[str, Any]]] | None] = _WARNING_SIGNS_OF_ACTIVE()
    return (signs[0] if signs else None) or {}


def warning_signs(institution_type: str) -> list[tuple[str, str]]:
    """The active catalogue's warning signs for an institution type (its own list, else the
    default list), as (code, text) in the active language; none without a catalogue."""
    signs = _active_warning_signs()
    listed = signs.get(institution_type) or signs.get("default", [])
    language = get_language()
    return [(sign["code"], localized(sign["text"], language)) for sign in listed]


def warning_sign_texts(codes: list[str]) -> list[str]:
    """The texts of recorded warning signs, from the active catalogue (codes are kept)."""
    signs = _active_warning_signs()
    language = get_language()
    texts = {s["code"]: localized(s["text"], language) for listed in signs.values() for s in listed}
    return [texts.get(code, code) for code in codes]
