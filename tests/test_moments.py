"""Moments written for a page's many rows (``spona.core.moments``) are what the ``date``
filter writes of them in local time, in every language, format and time zone, across the
changes of daylight saving time; a format the writer does not write from the fields alone
is written by Django's code."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import get_format

from spona.core.moments import _template, day_writer, writer

#: every hour around the changes of daylight saving time in Belgrade, midnight and noon, one
#: early year (four digits with zeros), and a minute and second each side of a boundary
MOMENTS = [
    *(datetime(2026, 3, 29, 0, 0, tzinfo=UTC) + timedelta(minutes=37 * i) for i in range(12)),
    *(datetime(2026, 10, 25, 0, 0, tzinfo=UTC) + timedelta(minutes=41 * i) for i in range(12)),
    datetime(2026, 12, 31, 23, 0, tzinfo=UTC),
    datetime(2027, 1, 1, 11, 0, 59, tzinfo=UTC),
    datetime(999, 6, 5, 4, 3, 2, tzinfo=UTC),
]
FORMATS = [
    "SHORT_DATETIME_FORMAT",
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "d.m.Y H:i:s",
    "j/n/Y G %",
    r"\Y Y",
    "P",
]


@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
@pytest.mark.parametrize("zone", ["Europe/Belgrade", "America/New_York", "UTC"])
def test_a_writer_writes_what_the_date_filter_writes(language: str, zone: str) -> None:
    filtered = Template("{{ moment|date:format }}")
    with translation.override(language), timezone.override(zone):
        for format_name in FORMATS:
            write = writer(format_name)
            for moment in MOMENTS:
                expected = filtered.render(Context({"moment": moment, "format": format_name}))
                assert write(moment) == expected, (format_name, moment)


def test_the_serbian_short_format_is_written_from_the_fields() -> None:
    """The case page's format on Serbian pages, and its days (a month's name) in every
    language, are not handed back to Django's code."""
    for language in ("sr", "sr-latn"):
        with translation.override(language):
            assert _template(get_format("SHORT_DATETIME_FORMAT")) is not None
    for language in ("sr", "sr-latn", "en"):
        with translation.override(language):
            assert _template(get_format("DATE_FORMAT")) is not None
    assert _template("P") is None
    assert _template(r"\Y") is None


DAYS = [
    *(date(2026, month, 2 * month) for month in range(1, 13)),
    *[date(2026, 3, 29), date(2026, 12, 31), date(2027, 1, 1), date(999, 6, 5), date(2028, 2, 29)],
]


@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
def test_a_day_writer_writes_what_the_date_filter_writes(language: str) -> None:
    """Days (the home page's items due on a day): the fields, a name of a day or month by
    Django's code, and a time of day refused as Django refuses it."""
    filtered = Template("{{ day|date:format }}")
    with translation.override(language):
        for format_name in ["SHORT_DATE_FORMAT", "DATE_FORMAT", "d.m.Y", "j/n/Y %", r"\Y Y", "D"]:
            write = day_writer(format_name)
            for day in DAYS:
                expected = filtered.render(Context({"day": day, "format": format_name}))
                assert write(day) == expected, (format_name, day)
        with pytest.raises(TypeError):
            day_writer("j.n.Y. H:i")(DAYS[0])
