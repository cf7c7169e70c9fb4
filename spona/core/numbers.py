"""One number format per language, for pages, charts, PDF reports and spreadsheets.

Every number a reader sees goes through here, so that "94,6%" (sr, sr-latn) or "94.6%" (en)
reads the same in a table, on a chart's bar and in the printed report. The separators are
Django's own formats for the active language (``django/conf/locale/<lang>/formats.py``:
decimal comma and thousands dot in Serbian, point and comma in English); grouping is asked
for here rather than switched on for the whole site with ``USE_THOUSAND_SEPARATOR``, which
would also group the years, record versions and identifiers that templates print as plain
integers (a hidden ``version`` of 1.204 would no longer match).

The forms, one per kind of number:

- counts and money: grouped in thousands: 16.991 · 250.000,00 (en: 16,991 · 250,000.00);
- decimals: a fixed number of places: 0,93;
- percentages: one decimal and the sign without a space, as CLDR writes it for both
  languages: 94,6%;
- differences of shares: in percentage points, signed: +5,2 п. п.;
- intervals of shares: as percentages, like the estimate they belong to, joined by an en
  dash: 92,5–96,1% (with spaces around the dash when a bound is negative: −1,2 – 3,4%);
- moments in the recent past: "just now" under a minute, otherwise "5 minutes ago".

Spreadsheets keep numbers as numbers and say how to show them (``XLSX_*`` below, Excel's
own codes, which the reader's spreadsheet shows in the reader's locale).
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.worksheet.worksheet import Worksheet

Number = int | float | Decimal

XLSX_COUNT = "#,##0"
XLSX_MONEY = "#,##0.00"
XLSX_PERCENT = "0.0%"  # the cell holds the share (0.946), shown as 94.6%
XLSX_ONE_DECIMAL = "0.0"
XLSX_DECIMAL = "0.000"

_DASH, _MINUS = "–", "−"


def decimal(value: Number, places: int) -> str:
    """``value`` with ``places`` decimals, separators of the active language.

    Rounded half up from the shortest decimal that gives the float back (Django's
    ``number_format`` cuts digits off: 94.39999… would show as 94,3).
    """
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = formats.number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)
    return _MINUS + text[1:] if text.startswith("-") else text


def count(value: Number) -> str:
    """A whole number grouped in thousands: 16.991."""
    return decimal(value, 0)


def money(value: Number) -> str:
    """An amount in dinars with two decimals, grouped in thousands: 250.000,00."""
    return decimal(value, 2)


def percent(value: Number, places: int = 1) -> str:
    """``value`` given in percent (94.6): "94,6%"."""
    return f"{decimal(value, places)}%"


def share(value: Number, places: int = 1) -> str:
    """A share in [0, 1] (0.946) as a percentage: "94,6%"."""
    return percent(100 * float(value), places)


def points(difference: Number, places: int = 1) -> str:
    """A difference of two shares in percentage points, signed: "+5,2 п. п." / "−0,4 pp"."""
    text = decimal(100 * float(difference), places)
    sign = "" if text.startswith(_MINUS) or text.strip("0,.") == "" else "+"
    unit = pgettext("percentage points", "pp")
    return f"{sign}{text}\N{NO-BREAK SPACE}{unit}"


def share_interval(low: Number, high: Number, places: int = 1) -> str:
    """An interval of shares, as percentages like its estimate: "92,5–96,1%"."""
    low_text, high_text = decimal(100 * float(low), places), decimal(100 * float(high), places)
    return f"{range_text(low_text, high_text)}%"


def range_text(low: str, high: str) -> str:
    """Two formatted bounds joined by an en dash, spaced when one of them is negative."""
    negative = any(t.startswith(("-", _MINUS)) for t in (low, high))
    return f"{low} {_DASH} {high}" if negative else f"{low}{_DASH}{high}"


def ago(moment: datetime, now: datetime | None = None) -> str:
    """How long ago ``moment`` was: "just now" within the minute, else "5 minutes ago"."""
    now = now or timezone.now()
    if (now - moment).total_seconds() < 60:
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(moment, now, depth=1)}


def xlsx_append(sheet: Worksheet, values: Sequence[Any], formats: Sequence[str | None]) -> None:
    """Append a row to ``sheet``, each number shown in its column's format (``XLSX_*``).

    Texts (such as a suppressed count's "<11") and empty cells are left as they are.
    """
    sheet.append(list(values))
    for cell, number_format in zip(sheet[sheet.max_row], formats, strict=False):
        value = cell.value
        if (
            number_format
            and isinstance(value, int | float | Decimal)
            and not isinstance(value, bool)
        ):
            cell.number_format = number_format
