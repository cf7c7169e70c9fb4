"""The dashboard's map: a count per municipality (``dashboard.MunicipalityCounts``) drawn by
the prevention risk map's SVG code (``spona.prevention.maps``), zoomed to the district when
the area is one. A suppressed municipality is grey and labelled as suppressed, never 0."""

from django.utils import formats
from django.utils.translation import gettext as _

from spona.disclosure import K
from spona.prevention import maps
from spona.statistics.dashboard import DISTRICT, Area, MunicipalityCounts


def _whole(value: float) -> str:
    return formats.number_format(value, 0)


def svg(counts: MunicipalityCounts, area: Area, *, exact: bool) -> str:
    """The map of ``counts`` for ``area`` (an inline SVG string)."""
    hidden = _("no data") if exact else _("suppressed (fewer than %(k)s)") % {"k": K}
    if area.level == DISTRICT:
        hidden = _("%(hidden)s, or outside the district") % {"hidden": hidden}
    layer = maps.Layer(
        values={p.code: p.count for p in counts.places},
        labels={p.code: p.name for p in counts.places},
        value_label=_("%(title)s, %(area)s") % {"title": counts.title, "area": area.name},
        suppressed_label=hidden,
        attribution=maps.ATTRIBUTION,
    )
    focus = [p.code for p in counts.places] if area.level == DISTRICT else []
    return maps.render(
        maps.load_boundaries(),
        layer,
        focus=focus,
        title=counts.title,
        number_format=_whole,
        zero_apart=True,
    )
