"""Sections that other apps add to the case page (conferences today, plans next), so that the
cases app, which sits below them, need not know them.

An app registers a ``Panel`` when it is ready; the case page renders each panel's template with
the context its function returns for this user and case (``None``: nothing to show).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from spona.cases.models import Case

if TYPE_CHECKING:
    from spona.accounts.models import User


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[["User", Case], dict[str, Any] | None]


_PANELS: list[Panel] = []


def add_panel(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def panels_for(user: "User", case: Case) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every panel that has something to show this user."""
    shown = ((panel.template, panel.context(user, case)) for panel in _PANELS)
    return [(template, context) for template, context in shown if context is not None]
