"""Reading CTDC's public victim–perpetrator CSV: every row checked against CTDC's vocabulary
before anything is stored (``services.ctdc_import`` stores all rows or none)."""

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from spona.statistics.models import CTDC_COLUMNS

FLAG = frozenset({"", "1"})
REGIONS = frozenset({"Africa", "Americas", "Americas/Oceania", "Asia", "Europe", "Oceania"})
GENDERS = frozenset({"Female", "Male", "Transgender/NonConforming"})
RELATIONS = frozenset({"FamilyIntimatePartner", "FriendAcquaintance", "StrangerUnknownOther"})
YES_NO = frozenset({"Yes", "No"})
AGE_BAND = re.compile(r"^(\d+--\d+|\d+\+)$")
YEARS = re.compile(r"^\d{4}(-\d{4})?$")


def _one_of(allowed: frozenset[str]) -> Callable[[str], bool]:
    return lambda value: value in allowed or value == ""


def _several_of(allowed: frozenset[str]) -> Callable[[str], bool]:
    return lambda value: value == "" or all(part in allowed for part in value.split(";"))


def _several_bands(value: str) -> bool:
    return value == "" or all(AGE_BAND.match(part) for part in value.split(";"))


CHECKS: dict[str, Callable[[str], bool]] = {
    "yearRegister": lambda v: v == "" or bool(YEARS.match(v)),
    "gender": _one_of(GENDERS),
    "majorityStatus": _one_of(frozenset({"Adult", "Minor"})),
    "isForcedLabour": _one_of(FLAG),
    "isSexualExploit": _one_of(FLAG),
    "UN_COO_Region": _several_of(REGIONS),
    "UN_COE_Region": _several_of(REGIONS),
    "IP_Exploiter": _one_of(FLAG),
    "IP_Gender": _several_of(GENDERS),
    "IP_ageBroad": _several_bands,
    "IP_citizen_UNRegion": _several_of(REGIONS),
    "IP_Relation": _several_of(RELATIONS),
    "IP_PayMoney": _several_of(YES_NO),
    "IP_RecruiterBroker": _one_of(FLAG),
    "IP_TransactionProcess": _one_of(FLAG),
    "IP_ControlAbuseKidnap": _one_of(FLAG),
}


@dataclass(frozen=True)
class RowError:
    row: int  # the line in the file (the header is line 1)
    column: str
    value: str

    def __str__(self) -> str:
        return f"line {self.row}, {self.column}: {self.value!r} is not a CTDC value"


@dataclass(frozen=True)
class Parsed:
    rows: list[tuple[int, dict[str, str]]]
    errors: list[str]
    sha256: str


def parse(data: bytes) -> Parsed:
    """The file's rows, or why it cannot be loaded (an unknown header, bad values)."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Parsed([], ["the file is not UTF-8 text"], digest)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    if tuple(header) != CTDC_COLUMNS:
        return Parsed([], [f"the header is not CTDC's: expected {','.join(CTDC_COLUMNS)}"], digest)
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[str] = []
    for line, values in enumerate(reader, start=2):
        if not values:
            continue
        if len(values) != len(CTDC_COLUMNS):
            errors.append(f"line {line}: {len(values)} values, not {len(CTDC_COLUMNS)}")
            continue
        record = dict(zip(CTDC_COLUMNS, (v.strip() for v in values), strict=True))
        errors.extend(
            str(RowError(line, column, value))
            for column, value in record.items()
            if not CHECKS[column](value)
        )
        rows.append((line, record))
    return Parsed(rows, errors, digest)
