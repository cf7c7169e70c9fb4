"""The plan and a review as PDF, in the reader's language and script.

The document is a list of lines (heading or paragraph); the PDF is that list set in DejaVu
Sans (embedded, so Cyrillic and Latin with diacritics print anywhere) by WeasyPrint, and
``document_text`` is the same list as plain text, which the tests compare with the text
extracted back from the PDF. Labels come from the catalogue; what was written about the
person is printed as typed on a Cyrillic copy and transliterated on a Latin (or English) one,
as institution names are.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _

from spona.core.translit import to_latin
from spona.plans.models import Plan, Review


@dataclass(frozen=True)
class Line:
    tag: str  # h1, h2, h3 or p
    text: str


def _data(text: str, language: str) -> str:
    return text if language == "sr" else to_latin(text)


def _pair(label: str, value: object) -> str:
    return f"{label}: {value}"


def _date(value: date | datetime | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def plan_document(plan: Plan, language: str, review: Review | None = None) -> list[Line]:
    """The plan (or one review of it) as lines, in ``language``."""
    with translation.override(language):
        lines = [
            Line("h1", f"{plan.get_kind_display()} {plan.code}"),
            Line("p", _pair(_("Case"), plan.case.code)),
            Line("p", _pair(_("Status"), plan.get_status_display())),
            Line("p", _pair(_("Lead institution"), plan.lead_institution)),
        ]
        if plan.coordinator is not None:
            name = plan.coordinator.get_full_name() or plan.coordinator.username
            lines.append(Line("p", _pair(_("Integration coordinator"), _data(name, language))))
        if plan.approved_at is not None:
            lines.append(Line("p", _pair(_("Approved"), _date(plan.approved_at))))
        if plan.guardianship_decision:
            text = _data(plan.guardianship_decision, language)
            lines.append(Line("p", _pair(_("Guardianship authority decision"), text)))
        if plan.summary:
            lines.append(Line("p", _data(plan.summary, language)))
        if review is None:
            lines += _goals(plan, language)
            outcomes = list(plan.outcomes.all())
            if outcomes:
                lines.append(Line("h2", _("Outcomes")))
                for outcome in outcomes:
                    text = f"{outcome.get_domain_display()}: {outcome.get_kind_display()}, {_date(outcome.on)}"
                    lines.append(Line("p", text))
        else:
            lines.append(
                Line(
                    "h2", _("Review of %(date)s") % {"date": _date(review.held_at or review.due_on)}
                )
            )
            if review.summary:
                lines.append(Line("p", _data(review.summary, language)))
            for number, progress in enumerate(review.progress.select_related("goal"), start=1):
                goal = progress.goal
                lines.append(
                    Line(
                        "h3", f"{number}. {goal.get_domain_display()}: {_data(goal.text, language)}"
                    )
                )
                lines.append(Line("p", _pair(_("Status"), progress.get_status_display())))
                if progress.note:
                    lines.append(Line("p", _data(progress.note, language)))
    return lines


def _goals(plan: Plan, language: str) -> list[Line]:
    lines = [Line("h2", _("Goals"))]
    for number, goal in enumerate(plan.goals.select_related("responsible_institution"), start=1):
        lines.append(
            Line("h3", f"{number}. {goal.get_domain_display()}: {_data(goal.text, language)}")
        )
        if goal.own_words:
            lines.append(
                Line("p", _pair(_("In the person's own words"), _data(goal.own_words, language)))
            )
        who = str(goal.responsible_institution) if goal.responsible_institution else "—"
        lines.append(Line("p", _pair(_("Responsible institution"), who)))
        lines.append(
            Line(
                "p",
                _pair(_("Target date"), _date(goal.target_date))
                + " · "
                + _pair(_("Status"), goal.get_status_display()),
            )
        )
    return lines


def document_text(lines: list[Line]) -> str:
    return " ".join(" ".join(line.text.split()) for line in lines)


def render_pdf(lines: list[Line], language: str, title: str) -> bytes:
    from weasyprint import HTML  # imported here: only printing needs Pango

    with translation.override(language):
        html = render_to_string(
            "plans/document.html", {"lines": lines, "title": title, "LANGUAGE_CODE": language}
        )
    return bytes(HTML(string=html).write_pdf())
