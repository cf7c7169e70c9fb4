"""Reading uploaded tables (CSV in UTF-8, or XLSX) into rows, for every import.

XLSX cells holding formulas are refused: an import takes values only.
"""

import base64
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_BYTES = 5 * 1024 * 1024


class TabularError(Exception):
    """The file cannot be used; ``errors`` says why, in the user's language."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]


def encode_upload(name: str, content: bytes) -> dict[str, str]:
    return {"name": name, "content": base64.b64encode(content).decode()}


def _csv_rows(content: bytes) -> tuple[list[str], Iterator[Row]]:
    text = content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
    reader = csv.reader(io.StringIO(text), dialect)
    header = [h.strip().lower() for h in next(reader, [])]
    rows = (
        Row(n, dict(zip(header, (v.strip() for v in values), strict=False)))
        for n, values in enumerate(reader, start=2)
        if any(values)
    )
    return header, rows


def _xlsx_rows(content: bytes) -> tuple[list[str], Iterator[Row]]:
    sheet = load_workbook(io.BytesIO(content), read_only=False, data_only=False).worksheets[0]
    rows = list(sheet.iter_rows())
    formulas = [f"{c.coordinate}" for r in rows for c in r if c.data_type == "f"]
    if formulas:
        raise TabularError(
            [
                _("The sheet contains formulas (%(cells)s); upload values only.")
                % {"cells": ", ".join(formulas[:10])}
            ]
        )
    header = [str(c.value or "").strip().lower() for c in rows[0]] if rows else []

    def text(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value).strip()

    data = (
        Row(n, dict(zip(header, (text(c.value) for c in r), strict=False)))
        for n, r in enumerate(rows[1:], start=2)
        if any(c.value is not None for c in r)
    )
    return header, data


def read_rows(name: str, content: bytes) -> tuple[list[str], list[Row]]:
    """The header and the data rows of a CSV or XLSX file."""
    if len(content) > MAX_BYTES:
        raise TabularError([_("The file is larger than 5 MB.")])
    try:
        header, rows = _xlsx_rows(content) if name.lower().endswith(".xlsx") else _csv_rows(content)
        return header, list(rows)
    except (UnicodeDecodeError, csv.Error, ValueError, KeyError, OSError) as error:
        raise TabularError(
            [_("The file cannot be read as CSV (UTF-8) or XLSX: %(error)s") % {"error": error}]
        ) from error
