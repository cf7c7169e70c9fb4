"""The year's local action plan as PDF, in the reader's language and script.

The plan prints what the coordinator decides from: the readiness (stage per dimension and
overall), the five problems with their evidence, the budget, the chosen activities with their
lead institutions, and every override with its reason. The lines are set by the same printer
as the individual plans (``spona.plans.pdf``: DejaVu Sans embedded, so both scripts print
anywhere); what the coordinator typed (titles, reasons) is printed as typed on a Cyrillic copy
and transliterated on a Latin (or English) one. Every count comes from the evidence scores,
which are already published through ``spona.disclosure``.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from spona.core.translit import to_latin
from spona.institutions.models import Municipality
from spona.planning.evidence import five_problems
from spona.planning.models import Activity, Assessment, Budget
from spona.planning.readiness import Dimension
from spona.planning.selectors import IN_PLAN, assessment_readiness
from spona.plans.pdf import Line


def plan_lines(
    municipality: Municipality,
    year: int,
    activities: list[Activity],
    budget: Budget | None,
    language: str,
) -> list[Line]:
    """The plan of ``municipality`` for ``year`` as lines, in ``language``."""
    with translation.override(language):
        heading = _("Local action plan")
        lines = [Line("h1", f"{heading} · {municipality} · {year}")]
        lines += _readiness(municipality, year)
        lines.append(Line("h2", _("The five problems, from evidence")))
        for evidence in five_problems(municipality, year):
            score = "—" if evidence.score is None else f"{evidence.score} %"
            facts = "; ".join(f"{label}: {value}" for label, value in evidence.facts)
            lines.append(Line("p", f"{evidence.problem.label}: {score} ({facts})"))
        lines.append(Line("h2", _("Budget")))
        if budget is None:
            lines.append(Line("p", _("No budget is set for this year.")))
        else:
            funders = " · ".join(f"{f}: {a}" for f, a in budget.by_funder.items())
            total = _pair(_("Total"), budget.total)
            lines.append(Line("p", total + (f" · {funders}" if funders else "")))
        lines.append(Line("h2", _("Chosen activities")))
        chosen = [a for a in activities if a.status in IN_PLAN]
        for number, activity in enumerate(chosen, start=1):
            lines.append(Line("h3", f"{number}. {typed(activity.title, language)}"))
            lead = str(activity.lead) if activity.lead else "—"
            lines.append(Line("p", _pair(_("Lead institution"), lead)))
            cost = f"{activity.cost}" + (
                f" ({typed(activity.funder, language)})" if activity.funder else ""
            )
            lines.append(
                Line(
                    "p",
                    _pair(_("Cost"), cost)
                    + " · "
                    + _pair(_("Status"), activity.get_status_display()),
                )
            )
        overridden = [a for a in activities if a.override]
        if overridden:
            lines.append(Line("h2", _("Overrides")))
            for activity in overridden:
                text = f"{typed(activity.title, language)}: {activity.get_override_display()}"
                lines.append(Line("p", _pair(text, typed(activity.override_reason, language))))
    return lines


def typed(text: str, language: str) -> str:
    """What the coordinator typed, in the copy's script."""
    return text if language == "sr" else to_latin(text)


def _pair(label: str, value: object) -> str:
    return f"{label}: {value}"


def _readiness(municipality: Municipality, year: int) -> list[Line]:
    lines = [Line("h2", _("Community readiness"))]
    assessment = Assessment.objects.filter(municipality=municipality, year=year).first()
    result = assessment_readiness(assessment) if assessment else None
    if result is None:
        lines.append(Line("p", _("The readiness assessment is not scored yet.")))
        return lines
    overall = result.stage()
    lines.append(Line("p", _pair(_("Overall stage"), f"{overall.value}. {overall.label}")))
    for dimension in Dimension:
        stage = result.stage(dimension)
        mean = f"{result.dimensions[dimension]:.2f}"
        lines.append(Line("p", f"{dimension.label}: {mean} → {stage.value}. {stage.label}"))
    return lines
