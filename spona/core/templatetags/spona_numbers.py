"""Template filters for spona.core.numbers; built into every template (settings.TEMPLATES).

``{{ n|count }}``, ``{{ amount|money }}``, ``{{ x|decimal:2 }}``, ``{{ p|percent }}`` (p in
percent), ``{{ s|share }}`` (s in [0, 1]), ``{{ low|share_interval:high }}``,
``{{ moment|ago }}``. ``None`` shows as an em dash.
"""

from datetime import datetime

from django import template

from spona.core import numbers

register = template.Library()
NONE = "—"


@register.filter(name="count")
def count(value: numbers.Number | None) -> str:
    return NONE if value is None else numbers.count(value)


@register.filter
def money(value: numbers.Number | None) -> str:
    return NONE if value is None else numbers.money(value)


@register.filter
def decimal(value: numbers.Number | None, places: int = 2) -> str:
    return NONE if value is None else numbers.decimal(value, int(places))


@register.filter
def percent(value: numbers.Number | None) -> str:
    return NONE if value is None else numbers.percent(value)


@register.filter
def share(value: numbers.Number | None) -> str:
    return NONE if value is None else numbers.share(value)


@register.filter
def share_interval(low: numbers.Number | None, high: numbers.Number | None) -> str:
    return NONE if low is None or high is None else numbers.share_interval(low, high)


@register.filter
def ago(value: datetime | None) -> str:
    return NONE if value is None else numbers.ago(value)
