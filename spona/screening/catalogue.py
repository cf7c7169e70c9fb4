"""Reading and checking an indicator catalogue document (the format of ``data/README.md``).

A system administrator can load a new version without a code change; a document is
checked whole before anything is stored, and every error names where it is.
"""

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spona.core.translit import to_latin
from spona.screening.engine import STRENGTH_KEYS

FORMAT = "spona-indicator-catalogue/2"
DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "catalogue_ilo_2009.json"
STRENGTHS = {"S", "M", "W", None}
AGES = ("adult", "child")
ELEMENTS = ("act", "means", "purpose")
KEYS = (
    "version",
    "title",
    "provenance",
    "dimensions",
    "lists",
    "indicators",
    "exploitation_forms",
    "warning_signs",
    "rule",
)


class CatalogueError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def localized(text: Mapping[str, str], language: str | None = None) -> str:
    """A catalogue text in the active language (``language``: the active one, asked once by
    a caller that localizes many texts); Serbian Latin is made from the Cyrillic."""
    language = language or get_language() or "sr"
    if language == "en":
        return text.get("en") or text.get("sr", "")
    serbian = text.get("sr") or text.get("en", "")
    return to_latin(serbian) if language == "sr-latn" else serbian


def parse(raw: bytes | str) -> dict[str, Any]:
    try:
        document = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CatalogueError(
            [_("The file is not valid JSON: %(error)s") % {"error": error}]
        ) from error
    except RecursionError as error:
        raise CatalogueError(
            [_("The file is not a catalogue: its JSON is nested far too deeply.")]
        ) from error
    if not isinstance(document, dict):
        raise CatalogueError([_("The file must hold one JSON object.")])
    problems = validate(document)
    if problems:
        raise CatalogueError(problems)
    return document


def _texts_missing(where: str, text: Any) -> list[str]:
    if not isinstance(text, dict) or not text.get("en") or not text.get("sr"):
        return [
            _("%(where)s: a text in English (en) and Serbian (sr) is required.") % {"where": where}
        ]
    return []


def validate(document: Mapping[str, Any]) -> list[str]:
    """Every problem of the document; an empty list means it can be loaded."""
    try:
        return _validate(document)
    except (TypeError, AttributeError, KeyError, ValueError, IndexError) as error:
        # A part holds the wrong kind of value (a number where a list belongs...).
        return [
            _(
                "The file does not have the structure of a catalogue: a part holds the wrong "
                "kind of value (%(error)s). Start from the shipped catalogue file."
            )
            % {"error": type(error).__name__}
        ]


def _validate(document: Mapping[str, Any]) -> list[str]:
    errors: list[str] = []
    if document.get("format") != FORMAT:
        errors.append(_("Unknown format: expected %(format)s.") % {"format": FORMAT})
    for key in KEYS:
        if key not in document:
            errors.append(_("The key “%(key)s” is missing.") % {"key": key})
    if errors:
        return errors
    errors += _texts_missing("title", document["title"])
    dimensions = {d.get("code") for d in document["dimensions"]}
    for d in document["dimensions"]:
        errors += _texts_missing(f"dimension {d.get('code')}", d.get("title"))
    lists = {entry.get("code"): entry for entry in document["lists"]}
    errors += _list_errors(document["lists"], lists)
    kinds = {entry.get("kind") for entry in document["lists"]}
    seen: set[str] = set()
    for i, indicator in enumerate(document["indicators"], start=1):
        errors += _indicator_errors(i, indicator, dimensions, set(lists), kinds, seen)
    for form in document["exploitation_forms"]:
        if form.get("kind") not in kinds:
            errors.append(
                _("Form %(code)s: its kind has no indicator list.") % {"code": form.get("code")}
            )
        errors += _texts_missing(f"form {form.get('code')}", form.get("title"))
    errors += _warning_sign_errors(document["warning_signs"])
    errors += _rule_errors(document["rule"], dimensions)
    return errors


def _list_errors(entries: list[Mapping[str, Any]], lists: Mapping[str, Any]) -> list[str]:
    """Every list names its age, kind, source and whether it is verified; a list extends
    only a list of the same age; each age has its general (labour) list."""
    errors = []
    for entry in entries:
        where = _("list %(code)s") % {"code": entry.get("code")}
        errors += _texts_missing(where, entry.get("title"))
        extends = lists.get(entry.get("extends", ""))
        wrong = (
            entry.get("age") not in AGES
            or not entry.get("kind")
            or not entry.get("source")
            or not isinstance(entry.get("verified"), bool)
            or ("extends" in entry and (extends is None or extends.get("age") != entry.get("age")))
        )
        if wrong:
            errors.append(
                _(
                    "%(where)s: age (adult or child), kind, source and verified are required; it "
                    "may extend only a list of the same age."
                )
                % {"where": where}
            )
    if len(lists) != len(entries):
        errors.append(_("Two lists have the same code."))
    for age in AGES:
        if f"{age}_labour" not in lists:
            errors.append(_("The list %(code)s is missing.") % {"code": f"{age}_labour"})
    return errors


def _indicator_errors(
    number: int,
    indicator: Mapping[str, Any],
    dimensions: set[str],
    lists: set[str],
    kinds: set[str],
    seen: set[str],
) -> list[str]:
    where = _("indicator %(number)s (%(code)s)") % {"number": number, "code": indicator.get("code")}
    errors = _texts_missing(where, indicator.get("text"))
    if indicator.get("code") in seen:
        errors.append(_("%(where)s: the code is used twice.") % {"where": where})
    seen.add(indicator.get("code", ""))
    if indicator.get("dimension") not in dimensions:
        errors.append(_("%(where)s: unknown dimension.") % {"where": where})
    strength = indicator.get("strength")
    if (
        not isinstance(strength, dict)
        or not strength
        or set(strength) - lists
        or set(strength.values()) - STRENGTHS
    ):
        errors.append(
            _("%(where)s: strengths must be S, M, W or null, for known lists.") % {"where": where}
        )
    if "form" in indicator and indicator["form"] not in kinds:
        errors.append(_("%(where)s: unknown form.") % {"where": where})
    return errors


def _warning_sign_errors(signs: Any) -> list[str]:
    from spona.institutions.models import InstitutionType

    allowed = {*InstitutionType.values, "default"}
    if not isinstance(signs, dict) or "default" not in signs or set(signs) - allowed:
        return [
            _("Warning signs: one list per institution type, and a default list, are required.")
        ]
    entries = [entry for listed in signs.values() for entry in listed]
    errors = []
    for entry in entries:
        errors += _texts_missing(f"warning sign {entry.get('code')}", entry.get("text"))
    codes = [entry.get("code") for entry in entries]
    if len(codes) != len(set(codes)):
        errors.append(_("Warning signs: a code is used twice."))
    return errors


def _rule_errors(rule: Mapping[str, Any], dimensions: set[str]) -> list[str]:
    errors = []
    for clause in rule.get("dimension_positive", []):
        keys = list(clause)
        overlapping = any(STRENGTH_KEYS[a] & STRENGTH_KEYS[b] for a in keys for b in keys if a < b)
        if set(keys) - set(STRENGTH_KEYS) or overlapping:
            errors.append(
                _(
                    "Rule: each clause counts strong, medium, weak or medium_or_weak, without overlap."
                )
            )
    if not rule.get("dimension_positive"):
        errors.append(_("Rule: dimension_positive is missing."))
    for key in ("adult_presumed", "child_presumed"):
        groups = rule.get(key)
        if not groups or any(code not in dimensions for group in groups for code in group):
            errors.append(_("Rule: %(key)s must list groups of known dimensions.") % {"key": key})
    elements = rule.get("elements")
    if (
        not isinstance(elements, dict)
        or set(elements) != set(ELEMENTS)
        or any(not codes or set(codes) - dimensions for codes in elements.values())
    ):
        errors.append(
            _(
                "Rule: elements must name the dimensions that show the act, the means and the purpose."
            )
        )
    return errors
