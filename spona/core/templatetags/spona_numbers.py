"""Template filters for spona.core.numbers; built into every template (settings.TEMPLATES).

``{{ n|count }}``, ``{{ amount|money }}``, ``{{ x|decimal:2 }}``, ``{{ p|percent }}`` (p in
percent), ``{{ s|share }}`` (s in [0, 1]), ``{{ d|points }}`` (a difference of shares), ``{{ low|share_interval:high }}``,
``{{ moment|ago }}``. ``None`` shows as an em dash; a text (a published mark such as
"<11") is shown as it is.
"""

from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django import template

from spona.core import numbers

register = template.Library()
NONE = "—"
Shown = numbers.Number | str | None


def _tolerant(show: Callable[..., str]) -> Callable[..., str]:
    """``show`` for numbers; an em dash for None; texts as they are."""

    @wraps(show)
    def filter_(value: Shown, *args: object) -> str:
        if value is None:
            return NONE
        if isinstance(value, str):
            return value
        return show(value, *args)

    return filter_


register.filter("count", _tolerant(numbers.count))
register.filter("money", _tolerant(numbers.money))
register.filter("percent", _tolerant(numbers.percent))
register.filter("share", _tolerant(numbers.share))
register.filter("points", _tolerant(numbers.points))


@register.filter
@_tolerant
def decimal(value: numbers.Number, places: int = 2) -> str:
    return numbers.decimal(value, int(places))


@register.filter
def share_interval(low: numbers.Number | None, high: numbers.Number | None) -> str:
    return NONE if low is None or high is None else numbers.share_interval(low, high)


@register.filter
def percent_interval(low: numbers.Number | None, high: numbers.Number | None) -> str:
    """An interval given in percent (92.5, 96.1), written like ``share_interval``."""
    if low is None or high is None:
        return NONE
    return numbers.share_interval(float(low) / 100, float(high) / 100)


@register.filter
def ago(value: datetime | None) -> str:
    return NONE if value is None else numbers.ago(value)
