"""Sections that other apps add to the case page (conferences today, plans next), so that the
cases app, which sits below them, need not know them.

An app registers a ``Panel`` when it is ready; the case page renders each panel's template with
the context its function makes for this user and case (``None``: nothing to show). The
function asks its reads and returns the context to be made of their rows (``Later``), so that
the case page reads every panel's rows with its own in one round trip (``read_together``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from spona.cases.models import Case
from spona.core.prepared import Later

if TYPE_CHECKING:
    from spona.accounts.models import User


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[["User", Case], Later[dict[str, Any] | None]]


_PANELS: list[Panel] = []


def add_panel(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def panels_for(user: "User", case: Case) -> Later[list[tuple[str, dict[str, Any]]]]:
    """(template, context) of every panel that has something to show this user, once read."""
    templates = [panel.template for panel in _PANELS]
    return Later.of(
        lambda *contexts: [
            (template, context)
            for template, context in zip(templates, contexts, strict=True)
            if context is not None
        ],
        *(panel.context(user, case) for panel in _PANELS),
    )
