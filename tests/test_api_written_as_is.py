"""The API's pages written for less (issue 18, h34signal): a value its field would write
unchanged is not handed to the field, a time is written by DRF's steps without the field's.
The output is DRF's, value by value."""

from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone as django_timezone
from rest_framework.exceptions import ValidationError

from spona.api.serializers import SignalSerializer


def _row(**values: object) -> SimpleNamespace:
    """A row of the API's signal list as the serializer reads it (``spona.api.views._listed``)."""
    row = {
        "code": "S-ACDEFHJ",
        "what_seen": "Дете проси",
        "municipality": SimpleNamespace(code="70939"),
        "settlement": "",
        "who": None,
        "urgency": "normal",
        "child_involved": "yes",
        "contact": "064 123 4567",
        "status": "new",
        "created_at": datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
    }
    return SimpleNamespace(**{**row, **values})


#: values DRF writes changed, unchanged, or not at all: texts that are no choice, a number in
#: a text field, an empty choice, times naive, in summer and winter, at UTC, with microseconds
ROWS = [
    _row(),
    _row(urgency="urgent", child_involved="no", status="dismissed", who="Ana"),
    _row(urgency="", child_involved="maybe", status=None, settlement=17, contact=""),
    _row(created_at=datetime(2026, 10, 25, 1, 30, 5, 120, tzinfo=UTC)),
    _row(created_at=datetime(2026, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=-5)))),
    _row(created_at=datetime(2026, 1, 1, 12, 0, 0, 999999)),  # noqa: DTZ001 - naive
    _row(created_at=None),
]


@pytest.mark.parametrize("zone", ["Europe/Belgrade", "UTC", "America/New_York", "Asia/Kolkata"])
def test_a_page_is_written_as_drf_writes_each_row_alone(zone: str) -> None:
    with django_timezone.override(ZoneInfo(zone)):
        page = SignalSerializer(ROWS, many=True).data
        assert page == [SignalSerializer(row).data for row in ROWS]
    written = [row["created_at"] for row in page]
    if zone == "UTC":
        assert written[0] == "2026-03-29T00:30:00Z"
    if zone == "Europe/Belgrade":  # the night the clocks go forward, and back
        assert written[0] == "2026-03-29T01:30:00+01:00"
        assert written[3] == "2026-10-25T02:30:05.000120+01:00"


def test_a_time_that_overflows_its_zone_is_refused_as_drf_refuses_it() -> None:
    row = _row(created_at=datetime(1, 1, 1, 0, 0, tzinfo=UTC))
    with django_timezone.override(ZoneInfo("America/New_York")):
        with pytest.raises(ValidationError) as alone:
            _ = SignalSerializer(row).data
        with pytest.raises(ValidationError) as in_a_page:
            _ = SignalSerializer([row], many=True).data
    assert in_a_page.value.detail == alone.value.detail


def test_a_choice_read_as_it_is_is_the_same_text_as_drfs_choice() -> None:
    """A choice is written as read only where DRF would write an equal ``str``: the texts of
    the field's choices; anything else goes to the field."""
    page = SignalSerializer([_row()], many=True).data[0]
    drf = SignalSerializer(_row()).data
    for name in ("urgency", "child_involved", "status"):
        assert page[name] == drf[name]
        assert type(page[name]) is str
