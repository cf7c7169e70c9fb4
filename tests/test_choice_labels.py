"""A choice field's label (``get_FOO_display``) is read from a dict built once per field
(issue 18: Django builds it anew at every call); it says what Django's says, in the page's
language, and a value outside the choices as itself."""

from typing import Any

import pytest
from django.db.models import Model
from django.utils import translation

from spona.accounts.models import User
from spona.cases.models import CaseEvent, CaseEventKind, Referral
from spona.core.roles import Role


@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
def test_choice_labels_are_djangos_in_every_language(language: str) -> None:
    rows: list[tuple[Model, str]] = [
        *((CaseEvent(kind=kind), "kind") for kind in CaseEventKind),
        *(
            (Referral(status="sent", urgency=urgency), "urgency")
            for urgency in ["urgent", "normal"]
        ),
        *((User(role=role), "role") for role in Role),
        (CaseEvent(kind="no_such_kind"), "kind"),
    ]
    with translation.override(language):
        for row, field in rows:
            ours = getattr(row, f"get_{field}_display")()
            djangos = Model._get_FIELD_display(row, row._meta.get_field(field))  # type: ignore[attr-defined]

            assert ours == djangos


def test_the_labels_are_translated_at_each_call() -> None:
    event = CaseEvent(kind=CaseEventKind.STATUS_CHANGED)
    with translation.override("en"):
        assert event.get_kind_display() == "Status changed"
    with translation.override("sr"):
        assert event.get_kind_display() == "Статус промењен"
    with translation.override("sr-latn"):
        assert event.get_kind_display() == "Status promenjen"
    assert type(CaseEvent.__dict__["get_kind_display"]).__name__ == "function"  # not Django's


def test_a_label_is_translated_once_per_language_and_again_when_the_catalogues_change(
    settings: Any,
) -> None:
    from spona.core import display

    event = CaseEvent(kind=CaseEventKind.STATUS_CHANGED)
    with translation.override("en"):
        event.get_kind_display()
    assert any("en" in translated for translated in display._TRANSLATED)

    settings.LOCALE_PATHS = []

    assert not any(translated for translated in display._TRANSLATED)
