"""The phases of the local response: one definition, used by the navigation, the mandate matrix
and the case workflow.

The first four are the phases of the response itself (the mandate matrix has a column for
each); planning and statistics are the municipality's own work around them. Each app offers its
tools to a phase when it is ready (``offer``); a tool is listed only to users its permission
allows.
"""

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spona.policy import Permission, can


class Phase(models.TextChoices):
    PREVENTION = "prevention", _("Prevention")
    IDENTIFICATION = "identification", _("Identification")
    PROTECTION = "protection", _("Protection")
    INTEGRATION = "integration", _("Integration")
    PLANNING = "planning", _("Planning")
    STATISTICS = "statistics", _("Statistics")


#: The phases of the response: the mandate matrix's columns, the phases a case passes through.
RESPONSE_PHASES: tuple[Phase, ...] = (
    Phase.PREVENTION,
    Phase.IDENTIFICATION,
    Phase.PROTECTION,
    Phase.INTEGRATION,
)
RESPONSE_PHASE_CHOICES = [(phase.value, phase.label) for phase in RESPONSE_PHASES]


@dataclass(frozen=True, eq=False)
class Tool:
    """A page an app offers to a phase; each is declared once, and is known (compared and
    hashed) as that one object, so that a page's tools can key what is kept of them."""

    phase: Phase
    url_name: str
    title: Promise
    description: Promise
    permission: Permission[Any]


_TOOLS: list[Tool] = []


def offer(*tools: Tool) -> None:
    """Add an app's tools to the phase pages (in the order the apps are installed)."""
    _TOOLS.extend(tool for tool in tools if tool not in _TOOLS)


def tools_for(user: object, phase: Phase) -> list[Tool]:
    """The tools of ``phase`` this user may use."""
    return [tool for tool in _TOOLS if tool.phase == phase and can(user, tool.permission)]


def tools_by_phase(user: object) -> tuple[tuple[Phase, tuple[Tool, ...]], ...]:
    """The tools this user may use, by phase, in the phases' order; phases without any left
    out (the home page's list)."""
    granted = {permission: can(user, permission) for permission in {t.permission for t in _TOOLS}}
    allowed = [tool for tool in _TOOLS if granted[tool.permission]]
    by_phase = ((phase, tuple(t for t in allowed if t.phase == phase)) for phase in Phase)
    return tuple((phase, tools) for phase, tools in by_phase if tools)
