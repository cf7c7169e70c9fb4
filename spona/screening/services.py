"""Writes for screenings: drafts, completion (outcome, protocol, case, prevention follow-up),
amendments, steps, and the indicator catalogue."""

from collections.abc import Mapping
from dataclasses import asdict
from datetime import timedelta
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
from spona.prevention.services import follow_up_open
from spona.screening import catalogue as catalogue_io
from spona.screening.access import CATALOGUE_MANAGE, SCREENING_EDIT, SCREENING_START
from spona.screening.engine import RULES_VERSION, AgeGroup, Facts, Outcome, Rank, evaluate
from spona.screening.models import (
    IndicatorCatalogue,
    ProtocolStep,
    Screening,
    ScreeningRevision,
    ScreeningStatus,
)
from spona.screening.protocol import STEPS, protocol_for
from spona.screening.reminders import schedule_overdue_reminders
from spona.screening.vocabulary import ACTS, DISTINCTIONS, MEANS, NEEDS, OFFENCES, RISK_FACTORS
from spona.signals.access import SIGNAL_TRIAGE
from spona.signals.models import Signal
from spona.signals.services import signal_screening_started

INPUT_FIELDS = [
    "age_group",
    "indicators",
    "acts",
    "means",
    "purposes",
    "risk_factors",
    "offences",
    "flags",
    "notes",
]
FLAG_NAMES = [code for code, _label in DISTINCTIONS + NEEDS]
CODE_LISTS = ["indicators", "acts", "means", "purposes", "risk_factors", "offences"]


class ScreeningInputError(Exception):
    """Input that names an unknown field or code; ``errors`` maps each field to its problems."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _allowed_codes(catalogue: Mapping[str, Any]) -> dict[str, set[str]]:
    def codes(choices: list[tuple[str, Any]]) -> set[str]:
        return {code for code, _label in choices}

    return {
        "indicators": {i["code"] for i in catalogue["indicators"]},
        "acts": codes(ACTS),
        "means": codes(MEANS),
        "purposes": {f["code"] for f in catalogue["exploitation_forms"]},
        "risk_factors": codes(RISK_FACTORS),
        "offences": codes(OFFENCES),
    }


def clean_input(catalogue: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """The screener's input, checked whole against the vocabularies and the catalogue: every
    unknown field, code or flag is named, and nothing is stored unless all of it is known
    (there is no field for anything else, such as a person's origin)."""
    errors: dict[str, list[str]] = {
        name: [_("Unknown field.")] for name in sorted(set(data) - set(INPUT_FIELDS))
    }
    cleaned: dict[str, Any] = {}
    for name, allowed in _allowed_codes(catalogue).items():
        if name not in data:
            continue
        value = data[name]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            errors[name] = [_("A list of codes is expected.")]
        elif unknown := sorted(set(value) - allowed):
            errors[name] = [_("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}]
        else:
            cleaned[name] = sorted(set(value))
    if "flags" in data:
        flags = data["flags"]
        if not isinstance(flags, Mapping) or not all(isinstance(v, bool) for v in flags.values()):
            errors["flags"] = [_("The facts are expected as names with true or false.")]
        elif unknown := sorted(set(flags) - set(FLAG_NAMES)):
            errors["flags"] = [_("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}]
        else:
            cleaned["flags"] = {name: bool(flags.get(name)) for name in FLAG_NAMES}
    if "age_group" in data:
        if data["age_group"] in set(AgeGroup):
            cleaned["age_group"] = data["age_group"]
        else:
            errors["age_group"] = [_("Choose adult, child or uncertain.")]
    if "notes" in data:
        if isinstance(data["notes"], str):
            cleaned["notes"] = data["notes"]
        else:
            errors["notes"] = [_("Text is expected.")]
    if errors:
        raise ScreeningInputError(errors)
    return cleaned


class NoActiveCatalogueError(Exception):
    """No indicator catalogue is loaded: the system administrator must load one."""


def active_catalogue() -> IndicatorCatalogue:
    """The catalogue screenings are decided under now. One of an older format than the rules
    read is replaced by the shipped catalogue (an upgraded installation)."""
    catalogue = IndicatorCatalogue.objects.filter(is_active=True).first()
    if catalogue is None:
        raise NoActiveCatalogueError
    if catalogue.data.get("format") != catalogue_io.FORMAT:
        return catalogue_load_default()
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
    """The shipped catalogue, unless a catalogue of the current format is active already
    (one an administrator loaded stays active)."""
    existing = IndicatorCatalogue.objects.filter(is_active=True).first()
    if existing and existing.data.get("format") == catalogue_io.FORMAT:
        return existing
    document = catalogue_io.parse(catalogue_io.DEFAULT_PATH.read_text(encoding="utf-8"))
    shipped = IndicatorCatalogue.objects.filter(version=document["version"]).first()
    if shipped is None:
        return catalogue_load(document=document, user=None)
    IndicatorCatalogue.objects.filter(is_active=True).update(is_active=False)
    IndicatorCatalogue.objects.filter(pk=shipped.pk).update(is_active=True)
    shipped.is_active = True
    audit(AuditAction.UPDATE, shipped, details={"version": shipped.version, "active": True})
    return shipped


def facts_of(screening: Screening) -> Facts:
    flags = {name: bool(screening.flags.get(name)) for name in FLAG_NAMES}
    return Facts(
        age_group=AgeGroup(screening.age_group),
        indicators=frozenset(screening.indicators),
        acts=frozenset(screening.acts),
        means=frozenset(screening.means),
        purposes=frozenset(screening.purposes),
        risk_factors=frozenset(screening.risk_factors),
        offences=frozenset(screening.offences),
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


def _apply(screening: Screening, data: Mapping[str, Any]) -> IndicatorCatalogue:
    """Check the input against the active catalogue and put it on the screening, which is
    then decided (or saved) under that catalogue."""
    catalogue = active_catalogue()
    for name, value in clean_input(catalogue.data, data).items():
        setattr(screening, name, value)
    screening.catalogue = catalogue
    return catalogue


@transaction.atomic
def screening_save_draft(
    *, user: User, screening: Screening, expected_version: int, data: Mapping[str, Any]
) -> Screening:
    require(user, SCREENING_EDIT, screening)
    if screening.status != ScreeningStatus.DRAFT:
        raise PermissionDenied
    _apply(screening, data)
    save_versioned(
        screening,
        expected_version=expected_version,
        fields=[*INPUT_FIELDS, "catalogue", "updated_at"],
    )
    audit(AuditAction.UPDATE, screening, user=user, details={"fields": sorted(data)})
    return screening


OUTCOME_FIELDS = ["outcome", "not_trafficking_reason", "explanation", "rules_version", "catalogue"]


def explanation_of(outcome: Outcome) -> dict[str, Any]:
    """What is stored of an outcome beyond its code: enough to show it as it was decided."""
    return {
        "route": outcome.route,
        "weights": outcome.weights,
        "forms": list(outcome.forms),
        "closures": list(outcome.closures),
        "missing": list(outcome.missing),
        "prevention": outcome.prevention,
        "police": list(outcome.police),
        "dimensions": [asdict(d) for d in outcome.dimensions],
        "reasons": [{"code": r.code, "values": dict(r.values)} for r in outcome.reasons],
        "ask_about": list(outcome.ask_about),
    }


def _store_outcome(screening: Screening, outcome: Outcome) -> None:
    screening.outcome = outcome.code
    screening.not_trafficking_reason = outcome.not_trafficking_reason
    screening.explanation = explanation_of(outcome)
    screening.rules_version = RULES_VERSION


def _add_steps(screening: Screening, outcome: Outcome, facts: Facts) -> None:
    """Create the protocol steps not already on the screening (done steps stay done)."""
    now = timezone.now()
    existing = set(screening.steps.values_list("code", flat=True))
    steps = ProtocolStep.objects.bulk_create(
        ProtocolStep(
            screening=screening, code=spec.code, due_at=now + spec.due_in if spec.due_in else None
        )
        for spec in protocol_for(outcome, facts)
        if spec.code not in existing
    )
    schedule_overdue_reminders(steps)


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


def _open_follow_up_if_at_risk(user: User, screening: Screening, outcome: Outcome) -> None:
    """The at-risk track: a prevention follow-up on the date of the protocol's step, in the
    person's municipality (else the signal's, else the screening institution's)."""
    if not outcome.prevention or screening.prevention_follow_ups.exists():
        return
    due_in = STEPS["prevention_follow_up"].due_in or timedelta(days=7)
    municipality = (
        screening.person.municipality
        or (screening.signal.municipality if screening.signal else None)
        or screening.institution.municipality
    )
    follow_up_open(
        user=user,
        screening=screening,
        municipality=municipality,
        risk_factors=screening.risk_factors,
        due_on=timezone.localdate() + due_in,
    )


@transaction.atomic
def screening_complete(
    *, user: User, screening: Screening, expected_version: int, data: Mapping[str, Any]
) -> Outcome:
    """Evaluate, store the explained outcome, start the protocol, open the case if presumed."""
    require(user, SCREENING_EDIT, screening)
    if screening.status != ScreeningStatus.DRAFT:
        raise PermissionDenied
    catalogue = _apply(screening, data)
    facts = facts_of(screening)
    outcome = evaluate(catalogue.data, facts)
    _store_outcome(screening, outcome)
    screening.status, screening.completed_at = ScreeningStatus.COMPLETED, timezone.now()
    fields = [*INPUT_FIELDS, *OUTCOME_FIELDS, "status", "completed_at", "updated_at"]
    save_versioned(screening, expected_version=expected_version, fields=fields)
    _add_steps(screening, outcome, facts)
    _open_case_if_presumed(user, screening, outcome, facts)
    _open_follow_up_if_at_risk(user, screening, outcome)
    audit(AuditAction.UPDATE, screening, user=user, details={"completed": outcome.code})
    return outcome


@transaction.atomic
def screening_create(
    *,
    user: User,
    data: Mapping[str, Any],
    signal: Signal | None = None,
    person: Person | None = None,
    complete: bool = True,
) -> Screening:
    """A screening recorded in one go (as other systems send it): started, filled in and,
    unless ``complete`` is false, completed. The input is checked first; nothing is written
    unless all of it is known."""
    clean_input(active_catalogue().data, data)
    screening = screening_start(user=user, signal=signal, person=person)
    if complete:
        screening_complete(user=user, screening=screening, expected_version=1, data=data)
    else:
        screening_save_draft(user=user, screening=screening, expected_version=1, data=data)
    return screening


def _snapshot(screening: Screening) -> dict[str, Any]:
    """The screening as it was: its input, its outcome, and the rules and catalogue it was
    decided under."""
    kept = [*INPUT_FIELDS, "outcome", "not_trafficking_reason", "explanation", "rules_version"]
    return {
        **{name: getattr(screening, name) for name in kept},
        "catalogue_version": screening.catalogue.version,
    }


@transaction.atomic
def screening_amend(
    *, user: User, screening: Screening, expected_version: int, data: Mapping[str, Any], reason: str
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
    catalogue = _apply(screening, data)
    facts = facts_of(screening)
    outcome = evaluate(catalogue.data, facts)
    _store_outcome(screening, outcome)
    fields = [*INPUT_FIELDS, *OUTCOME_FIELDS, "updated_at"]
    save_versioned(screening, expected_version=expected_version, fields=fields)
    _add_steps(screening, outcome, facts)
    _open_case_if_presumed(user, screening, outcome, facts)
    _open_follow_up_if_at_risk(user, screening, outcome)
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
