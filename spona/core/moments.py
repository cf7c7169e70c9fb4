"""Moments (and days) written as the ``date`` filter writes them in local time, for a page's
many rows.

``dateformat.format`` splits its format with a regular expression and calls a method per
format character, for every moment: about thirty Python calls a moment, and ``localtime``
asks the current time zone each time. A page that writes dozens of moments in one format
(the case page's timeline, referrals and consents) asks for a writer once: the format is
read once per process into a ``%`` template of the moment's fields, and the time zone once
per writer; a month's name (``F``, ``N``: the case page's days in every language) is put
in the template once per language and month. A format with a character this module does
not write from the fields alone (a day's name, ``a.m.``, a time zone) is written by Django's
``dateformat`` as before.
"""

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from operator import attrgetter
from typing import Any

from django.utils.dateformat import format as date_format
from django.utils.dateformat import re_formatchars
from django.utils.dates import MONTHS, MONTHS_AP
from django.utils.formats import get_format
from django.utils.timezone import get_current_timezone, localtime
from django.utils.translation import get_language

from spona.core.caching import forget_when_catalogues_change

#: format characters written from one field of the moment, as ``DateFormat`` writes them
_FIELDS = {
    "j": ("day", "%d"),
    "d": ("day", "%02d"),
    "n": ("month", "%d"),
    "m": ("month", "%02d"),
    "Y": ("year", "%04d"),
    "G": ("hour", "%d"),
    "H": ("hour", "%02d"),
    "i": ("minute", "%02d"),
    "s": ("second", "%02d"),
}

#: format characters written as the month's name, as ``DateFormat`` writes them (translated);
#: in a template, a mark (``_NAMED``) and the character until ``_by_month`` puts the name in
_NAMES = {"F": MONTHS, "N": MONTHS_AP}
_NAMED = "\0"


@lru_cache(maxsize=32)
def _template(pattern: str) -> tuple[str, Callable[[date], Any]] | None:
    """``pattern`` as a ``%`` template and the getter of its fields (one field: the value,
    more: a tuple), a month's name marked (``_NAMES``), or ``None`` where it has a character
    written otherwise, an escape, or no field at all."""
    if "\\" in pattern:
        return None
    template, fields = [], []
    for place, piece in enumerate(re_formatchars.split(pattern)):
        if place % 2 == 0:
            template.append(piece.replace("%", "%%"))
        elif piece in _FIELDS:
            field, form = _FIELDS[piece]
            template.append(form)
            fields.append(field)
        elif piece in _NAMES:
            template.append(_NAMED + piece)
        else:
            return None
    return ("".join(template), attrgetter(*fields)) if fields else None


@lru_cache(maxsize=32)
def _by_month(template: str, language: str | None) -> tuple[str, ...]:
    """``template`` with the months' names (in ``language``, the current one) put in for its
    marks, one for each month (by its number; the first unused)."""
    return (
        "",
        *(
            _put_names(template, {char: str(names[month]) for char, names in _NAMES.items()})
            for month in range(1, 13)
        ),
    )


def _put_names(template: str, names: dict[str, str]) -> str:
    for char, name in names.items():
        template = template.replace(_NAMED + char, name.replace("%", "%%"))
    return template


forget_when_catalogues_change(_by_month.cache_clear)


def _monthly(template: str) -> tuple[str, ...] | None:
    """The template for each month if ``template`` names months, else ``None``."""
    return _by_month(template, get_language()) if _NAMED in template else None


def writer(format_name: str) -> Callable[[datetime], str]:
    """What ``{{ moment|date:format_name }}`` writes of an aware ``moment`` in local time
    (``localtime``), the format looked up and the time zone asked once for all the moments
    the writer is given (in the current language and time zone)."""
    pattern = get_format(format_name)
    compiled = _template(pattern)
    if compiled is None:
        return lambda moment: date_format(localtime(moment), pattern)
    template, fields = compiled
    zone = get_current_timezone()
    by_month = _monthly(template)
    if by_month is None:
        return lambda moment: template % fields(localtime(moment, zone))

    def write(moment: datetime) -> str:
        local = localtime(moment, zone)
        written: str = by_month[local.month] % fields(local)
        return written

    return write


#: format characters of a time of day: Django refuses them for a day (a ``date``)
_TIME_OF_DAY = frozenset("aABefgGhHiIOPrsTuUZ")


def day_writer(format_name: str) -> Callable[[date], str]:
    """What ``{{ day|date:format_name }}`` writes of a ``day`` (a date without a time), the
    format looked up once for all the days the writer is given (in the current language)."""
    pattern = get_format(format_name)
    compiled = _template(pattern)
    if compiled is None or _TIME_OF_DAY.intersection(re_formatchars.findall(pattern)):
        return lambda day: date_format(day, pattern)
    template, fields = compiled
    by_month = _monthly(template)
    if by_month is None:
        return lambda day: template % fields(day)
    return lambda day: by_month[day.month] % fields(day)
