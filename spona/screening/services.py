"""Writes for screenings: drafts, completion (outcome, protocol, case), amendments, steps."""

from dataclasses import asdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.cases.models import Case
from spona.cases.services import case_open_for_presumed_victim
from spona.core.locking import save_versioned
from spona.people.models import Person
from spona.people.services import person_register
from spona.policy import require
from spona.screening import catalogue as catalogue_io
from spona.screening.access import CATALOGUE_MANAGE, SCREENING_EDIT, SCREENING_START
from spona.screening.engine import AgeGroup, Facts, Outcome, Rank, evaluate
from spona.screening.models import (
    IndicatorCatalogue,
    ProtocolStep,
    Screening,
    ScreeningRevision,
    ScreeningStatus,
)
from spona.screening.protocol import protocol_for
from spona.signals.access import SIGNAL_TRIAGE
from spona.signals.models import Signal
from spona.signals.services import signal_screening_started

INPUT_FIELDS = ["age_group", "indicators", "acts", "means", "purposes", "flags", "notes"]
FLAG_NAMES = [
    "consented_to_movement",
    "ended_on_arrival",
    "free_after_arrival",
    "holds_own_documents",
    "control_continues",
    "begging",
    "third_party_organises_or_profits",
    "domestic_violence",
    "immediate_danger",
    "medical_needs",
    "needs_interpreter",
    "needs_accommodation",
]


class NoActiveCatalogueError(Exception):
    """No indicator catalogue is loaded: the system administrator must load one."""


def active_catalogue() -> IndicatorCatalogue:
    catalogue = IndicatorCatalogue.objects.filter(is_active=True).first()
    if catalogue is None:
        raise NoActiveCatalogueError
    return catalogue


@transaction.atomic
def catalogue_load(*, document: dict[str, Any], user: User | None) -> IndicatorCatalogue:
    """Store a checked catalogue document as the new active version."""
    if user is not None:
        require(user, CATALOGUE_MANAGE)
    problems = catalogue_io.validate(document)
    if problems:
        raise catalogue_io.CatalogueError(problems)
    if IndicatorCatalogue.objects.filter(version=document["version"]).exists():
        raise catalogue_io.CatalogueError(
            [_("Version %(version)s is already loaded.") % {"version": document["version"]}]
        )
    IndicatorCatalogue.objects.filter(is_active=True).update(is_active=False)
    catalogue = IndicatorCatalogue.objects.create(
        version=document["version"],
        data=document,
        is_active=True,
        verified=bool(document["provenance"].get("verified")),
        loaded_by=user,
    )
    audit(AuditAction.CREATE, catalogue, user=user, details={"version": catalogue.version})
    return catalogue


def catalogue_load_default() -> IndicatorCatalogue:
    """The shipped catalogue, unless some catalogue is active already."""
    existing = IndicatorCatalogue.objects.filter(is_active=True).first()
    if existing:
        return existing
    document = catalogue_io.parse(catalogue_io.DEFAULT_PATH.read_text(encoding="utf-8"))
    return catalogue_load(document=document, user=None)


def facts_of(screening: Screening) -> Facts:
    flags = {name: bool(screening.flags.get(name)) for name in FLAG_NAMES}
    return Facts(
        age_group=AgeGroup(screening.age_group),
        indicators=frozenset(screening.indicators),
        acts=frozenset(screening.acts),
        means=frozenset(screening.means),
        purposes=frozenset(screening.purposes),
        **flags,
    )


@transaction.atomic
def screening_start(
    *, user: User, signal: Signal | None = None, person: Person | None = None
) -> Screening:
    """A new draft, for the signal's person (registered unnamed if unknown) or a given person."""
    require(user, SCREENING_START)
    if signal is not None:
        require(user, SIGNAL_TRIAGE, signal)
        person = person or signal.person
    if person is None:
        municipality = (
            signal.municipality
            if signal
            else (user.institution.municipality if user.institution else None)
        )
        person = person_register(user=user, municipality=municipality)
    if signal is not None:
        signal_screening_started(signal=signal, person=person)
    assert user.institution is not None  # noqa: S101 - required by SCREENING_START
    screening = Screening.objects.create(
        person=person,
        signal=signal,
        catalogue=active_catalogue(),
        institution=user.institution,
        screened_by=user,
        age_group=AgeGroup.CHILD if signal and signal.child_involved == "yes" else AgeGroup.ADULT,
    )
    audit(AuditAction.CREATE, screening, user=user)
    return screening


def _apply(screening: Screening, data: dict[str, Any]) -> None:
    for name in INPUT_FIELDS:
        if name in data:
            setattr(screening, name, data[name])


@transaction.atomic
def screening_save_draft(
    *, user: User, screening: Screening, expected_version: int, data: dict[str, Any]
) -> Screening:
    require(user, SCREENING_EDIT, screening)
    if screening.status != ScreeningStatus.DRAFT:
        raise PermissionDenied
    _apply(screening, data)
    save_versioned(
        screening, expected_version=expected_version, fields=[*INPUT_FIELDS, "updated_at"]
    )
    audit(AuditAction.UPDATE, screening, user=user, details={"fields": sorted(data)})
    return screening


def _store_outcome(screening: Screening, outcome: Outcome) -> None:
    screening.outcome = outcome.code
    screening.not_trafficking_reason = outcome.not_trafficking_reason
    screening.explanation = {
        "weights": outcome.weights,
        "dimensions": [asdict(d) for d in outcome.dimensions],
        "reasons": [{"code": r.code, "values": dict(r.values)} for r in outcome.reasons],
        "ask_about": list(outcome.ask_about),
    }


def _add_steps(screening: Screening, outcome: Outcome, facts: Facts) -> None:
    """Create the protocol steps not already on the screening (done steps stay done)."""
    now = timezone.now()
    existing = set(screening.steps.values_list("code", flat=True))
    ProtocolStep.objects.bulk_create(
        ProtocolStep(
            screening=screening, code=spec.code, due_at=now + spec.due_in if spec.due_in else None
        )
        for spec in protocol_for(outcome, facts)
        if spec.code not in existing
    )


def _open_case_if_presumed(
    user: User, screening: Screening, outcome: Outcome, facts: Facts
) -> Case | None:
    if outcome.rank != Rank.PRESUMED_VICTIM or screening.person.cases.exists():
        return None
    origin = {
        "screening": screening.pk,
        **({"signal": screening.signal_id} if screening.signal_id else {}),
    }
    return case_open_for_presumed_victim(
        user=user, person=screening.person, is_child=facts.treated_as_child, origin=origin
    )


@transaction.atomic
def screening_complete(
    *, user: User, screening: Screening, expected_version: int, data: dict[str, Any]
) -> Outcome:
    """Evaluate, store the explained outcome, start the protocol, open the case if presumed."""
    require(user, SCREENING_EDIT, screening)
    if screening.status != ScreeningStatus.DRAFT:
        raise PermissionDenied
    _apply(screening, data)
    facts = facts_of(screening)
    outcome = evaluate(screening.catalogue.data, facts)
    _store_outcome(screening, outcome)
    screening.status, screening.completed_at = ScreeningStatus.COMPLETED, timezone.now()
    fields = [
        *INPUT_FIELDS,
        "outcome",
        "not_trafficking_reason",
        "explanation",
        "status",
        "completed_at",
        "updated_at",
    ]
    save_versioned(screening, expected_version=expected_version, fields=fields)
    _add_steps(screening, outcome, facts)
    _open_case_if_presumed(user, screening, outcome, facts)
    audit(AuditAction.UPDATE, screening, user=user, details={"completed": outcome.code})
    return outcome


def _snapshot(screening: Screening) -> dict[str, Any]:
    return {
        name: getattr(screening, name)
        for name in [*INPUT_FIELDS, "outcome", "not_trafficking_reason"]
    }


@transaction.atomic
def screening_amend(
    *, user: User, screening: Screening, expected_version: int, data: dict[str, Any], reason: str
) -> Outcome:
    """Change a completed screening: the previous version is kept, the outcome re-evaluated."""
    require(user, SCREENING_EDIT, screening)
    if screening.status != ScreeningStatus.COMPLETED:
        raise PermissionDenied
    number = screening.revisions.count() + 1
    ScreeningRevision.objects.create(
        screening=screening,
        number=number,
        snapshot=_snapshot(screening),
        reason=reason,
        created_by=user,
    )
    _apply(screening, data)
    facts = facts_of(screening)
    outcome = evaluate(screening.catalogue.data, facts)
    _store_outcome(screening, outcome)
    fields = [*INPUT_FIELDS, "outcome", "not_trafficking_reason", "explanation", "updated_at"]
    save_versioned(screening, expected_version=expected_version, fields=fields)
    _add_steps(screening, outcome, facts)
    _open_case_if_presumed(user, screening, outcome, facts)
    audit(
        AuditAction.UPDATE,
        screening,
        user=user,
        details={"amended": number, "outcome": outcome.code},
    )
    return outcome


@transaction.atomic
def protocol_step_done(*, user: User, step: ProtocolStep) -> None:
    require(user, SCREENING_EDIT, step.screening)
    ProtocolStep.objects.filter(pk=step.pk, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=user
    )
    audit(AuditAction.UPDATE, step.screening, user=user, details={"step_done": step.code})


def screenings_repoint_person(*, keep: Person, duplicate: Person) -> int:
    """A merge: the duplicate's screenings now concern ``keep``. Returns how many moved."""
    return Screening.objects.filter(person=duplicate).update(person=keep)
