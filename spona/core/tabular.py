"""Reading uploaded tables (CSV in UTF-8, or XLSX) into rows, for every import.

The file is checked again first (``spona.core.uploads``), then read streaming (openpyxl's
read-only mode, the csv module over a text stream) and within the limits: rows, columns and
characters per cell. XLSX cells holding formulas, and text that a spreadsheet would take for
a formula (``=HYPERLINK(...)``, ``@SUM(...)``), are refused: an import takes values only.
Every refusal says where and what, in the user's language.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from spona.core.uploads import (
    TABLES,
    CheckedUpload,
    Kind,
    UploadError,
    checked_from_payload,
    limits,
)

#: at most this many problems are listed (the file is refused whole anyway)
MAX_ERRORS = 200


class TabularError(UploadError):
    """The file cannot be used; ``errors`` says why, in the user's language."""


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]


def _number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def looks_like_formula(value: str) -> bool:
    """Text a spreadsheet would run as a formula when the data is opened again (CSV
    injection): starting with = or @, or with + or - when it is not a number."""
    return bool(value) and (
        value[0] in "=@" or (value[0] in "+-" and len(value) > 1 and not _number(value))
    )


class _Reader:
    """Turns raw rows (lists of cell texts, with their formula flags) into checked rows."""

    def __init__(self) -> None:
        self.limits = limits()
        self.errors: list[str] = []
        self.formulas: list[str] = []

    def error(self, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)

    def cells(self, number: int, values: list[str]) -> list[str]:
        if len(values) > self.limits.max_columns:
            self.error(
                _("Row %(row)s has more than %(limit)s columns.")
                % {"row": number, "limit": self.limits.max_columns}
            )
            return []
        for index, value in enumerate(values, start=1):
            where = {"row": number, "column": get_column_letter(index)}
            if len(value) > self.limits.max_cell_chars:
                self.error(
                    _(
                        "Row %(row)s, column %(column)s: the cell holds more than %(limit)s "
                        "characters."
                    )
                    % {
                        **where,
                        "limit": number_format(self.limits.max_cell_chars, force_grouping=True),
                    }
                )
            elif looks_like_formula(value):
                self.error(
                    _(
                        "Row %(row)s, column %(column)s: “%(value)s” would be taken for a formula; "
                        "upload values only."
                    )
                    % {**where, "value": value if len(value) <= 60 else f"{value[:60]}…"}
                )
        return values

    def read(self, raw: Iterable[tuple[int, list[str]]]) -> tuple[list[str], list[Row]]:
        header: list[str] | None = None
        rows: list[Row] = []
        for number, values in raw:
            if number > self.limits.max_rows + 1:
                raise TabularError(
                    [
                        _(
                            "The file has more than %(limit)s rows; split it into smaller files "
                            "and upload them one by one."
                        )
                        % {"limit": number_format(self.limits.max_rows, force_grouping=True)}
                    ]
                )
            cells = self.cells(number, values)
            if header is None:
                header = [c.lower() for c in cells]
            elif any(cells) and not self.errors:
                rows.append(Row(number, dict(zip(header, cells, strict=False))))
            if len(self.errors) >= MAX_ERRORS:
                break
        if self.formulas:
            self.errors.insert(
                0,
                _("The sheet contains formulas (%(cells)s); upload values only.")
                % {"cells": ", ".join(self.formulas[:10])},
            )
        if self.errors:
            raise TabularError(self.errors)
        return header or [], rows


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
    first = text.readline()
    text.seek(0)
    reader = csv.reader(text, delimiter=_delimiter(first), strict=True)
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            yield number, [v.strip() for v in values]
    except csv.Error as error:
        line = reader.line_num or number + 1
        if "field larger than field limit" in str(error):
            message = _(
                "Line %(line)s of the CSV file: a cell holds more than %(limit)s characters."
            ) % {"line": line, "limit": number_format(limits().max_cell_chars, force_grouping=True)}
        else:
            message = _(
                "Line %(line)s of the CSV file cannot be read: a quotation mark is not closed, "
                "or stands inside a cell that is not quoted."
            ) % {"line": line}
        raise TabularError([message]) from error
    except UnicodeDecodeError as error:
        raise TabularError(
            [_("The file is not in the UTF-8 encoding; save it as “CSV UTF-8”.")]
        ) from error


def _xlsx_rows(content: bytes, reader: _Reader) -> Iterator[tuple[int, list[str]]]:
    limit = reader.limits
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except MemoryError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise TabularError([_damaged_sheet(error)]) from error
    try:
        if not book.worksheets:
            raise TabularError(
                [_("The workbook has no sheet. The data must be on its first sheet.")]
            )
        sheet = book.worksheets[0]
        # The sheet's own dimension is not believed (a forged "A1:XFD1048576" would have every
        # row padded to 16,384 cells): each row is as wide as its last cell, rows are bounded.
        sheet.reset_dimensions()
        cells = sheet.iter_rows(max_row=limit.max_rows + 2)
        for number, row in enumerate(_guarded(cells), start=1):
            if len(row) > limit.max_columns:
                yield number, [""] * (limit.max_columns + 1)  # refused by its width alone
                continue
            values = []
            for index, cell in enumerate(row, start=1):
                if cell.data_type == "f":
                    reader.formulas.append(f"{get_column_letter(index)}{number}")
                    values.append("")
                else:
                    values.append(_text(cell.value))
            while values and not values[-1]:
                values.pop()
            yield number, values
    finally:
        book.close()


def _guarded(rows: Iterator[Any]) -> Iterator[Any]:
    """openpyxl's rows, with any error of a damaged sheet turned into a plain message."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except MemoryError:
            raise
        except Exception as error:
            raise TabularError([_damaged_sheet(error)]) from error
        yield row


def _damaged_sheet(error: BaseException) -> str:
    return _(
        "The first sheet of the workbook cannot be read (%(error)s). Open the file in Excel "
        "and save it again, or upload it as “CSV UTF-8”."
    ) % {"error": type(error).__name__}


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def read_upload(upload: CheckedUpload) -> tuple[list[str], list[Row]]:
    """The header and the data rows of a checked CSV or XLSX upload."""
    reader = _Reader()
    if upload.kind == Kind.XLSX:
        return reader.read(_xlsx_rows(upload.content, reader))
    return reader.read(_csv_rows(upload.content))


def read_job_upload(payload: dict[str, Any]) -> tuple[list[str], list[Row]]:
    """The rows of the table a job carries, checked again first: a job queued by an older
    version, or put in the queue some other way, must not get round the checks."""
    return read_upload(checked_from_payload(payload, TABLES))
