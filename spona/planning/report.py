"""The year-end report of the local action plan, for the municipal assembly.

One set of tables (activities with their progress, indicators with baseline, target and
current value, the budget planned and spent, the coordinator's overrides with their reasons)
printed two ways: as PDF lines (the plan printer of ``spona.plans.pdf``) and as an XLSX
workbook, both in the reader's language and script. Indicator values bound to computed
numbers are shown as the report's owner may see them (``selectors.indicator_rows``: through
``spona.disclosure`` for roles without case access). "Spent" is the cost of each activity of
the plan times its recorded progress: Spona keeps no accounts, so it is an estimate, and the
report says so.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from spona.accounts.models import User
from spona.institutions.models import Municipality
from spona.planning import selectors
from spona.planning.models import Activity, Budget
from spona.planning.pdf import typed
from spona.plans.pdf import Line

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    title: str
    header: Sequence[str]
    rows: list[list[Cell]]


def _number(value: float | None) -> Cell:
    return "–" if value is None else value


def tables(
    *, user: User, municipality: Municipality, year: int, language: str
) -> tuple[str, list[Table]]:
    """The report's title and tables, in ``language`` (call inside its translation)."""
    activities = list(
        selectors.activities(user=user, year=year)
        .filter(municipality=municipality)
        .prefetch_related("indicators__updates")
        .order_by("title")
    )
    planned = [a for a in activities if a.status in selectors.IN_PLAN]
    heading = _("Year-end report of the local action plan")
    title = f"{heading} · {municipality} · {year}"
    rows_activities: list[list[Cell]] = [
        [
            typed(a.title, language),
            str(a.lead) if a.lead else "—",
            a.get_status_display(),
            a.progress,
            float(a.cost),
        ]
        for a in planned
    ]
    rows_indicators: list[list[Cell]] = []
    for a in planned:
        for row in selectors.indicator_rows(user=user, activity=a):
            rows_indicators.append(
                [
                    typed(a.title, language),
                    typed(row.indicator.name, language)
                    + (f" ({row.label})" if row.computed else ""),
                    _number(row.indicator.baseline),
                    row.indicator.target,
                    _number(row.current),
                ]
            )
    budget = selectors.budget_of(municipality.pk, year)
    return title, [
        Table(
            _("Activities"),
            [_("Activity"), _("Lead institution"), _("Status"), _("Progress (%)"), _("Cost")],
            rows_activities,
        ),
        Table(
            _("Indicators"),
            [_("Activity"), _("Indicator"), _("Baseline"), _("Target"), _("Current value")],
            rows_indicators,
        ),
        _budget(budget, planned),
        Table(
            _("Overrides"),
            [_("Activity"), _("Override"), _("Reason")],
            [
                [
                    typed(a.title, language),
                    a.get_override_display(),
                    typed(a.override_reason, language),
                ]
                for a in activities
                if a.override
            ],
        ),
    ]


def _budget(budget: Budget | None, planned: list[Activity]) -> Table:
    cost = sum((a.cost for a in planned), Decimal(0))
    spent = sum((a.cost * a.progress / 100 for a in planned), Decimal(0))
    return Table(
        _("Budget"),
        [_("Budget"), _("Amount")],
        [
            [_("Total budget"), float(budget.total) if budget else "–"],
            [_("Cost of the activities in the plan"), float(cost)],
            [_("Spent, estimated from the progress recorded"), round(float(spent), 2)],
        ],
    )


def pdf_lines(title: str, report: list[Table]) -> list[Line]:
    lines = [Line("h1", title)]
    for table in report:
        lines.append(Line("h2", table.title))
        if not table.rows:
            lines.append(Line("p", "—"))
        for row in table.rows:
            lines.append(
                Line("p", " · ".join(f"{h}: {v}" for h, v in zip(table.header, row, strict=True)))
            )
    return lines


def workbook(title: str, report: list[Table]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101
    sheet.title = _("Action plan")[:31]
    sheet.append([title])
    for table in report:
        sheet.append([])
        sheet.append([table.title])
        sheet.append(list(table.header))
        for row in table.rows:
            sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
