"""The risk map: drawn maps, and the national page's content kept between its views.

The national page (every municipality, one risk group and period) shows protected aggregates
only: the groups in use, the counting periods, each municipality's count after disclosure
control and its rate, the map and the municipalities' names. None of it depends on who reads
it (whether the reader may is checked on every view), and building it was about 10,000
Python calls and seven queries on every view. So the rendered content is kept per process
for each language, script prefix, group and period, under a stamp kept in the cache that
every save or delete of a count, a risk group, a settlement or a municipality draws anew
(``changed``, connected in ``apps.py``; at once and again at the commit, as
``spona.core.caching.forget``): a kept page is never staler than its data. The cache must be
the one every server process shares (as rate limits need it already, ``docs/security.md``).
"""

import uuid
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spona.accounts.models import User
from spona.core import numbers
from spona.core.caching import forget, forget_when_catalogues_change
from spona.core.stacking import labelled_once
from spona.institutions.filters import reference_choices
from spona.institutions.models import Municipality
from spona.ops.early import READ_WITH_SESSION, cached
from spona.policy import require
from spona.prevention import maps, selectors
from spona.prevention.access import PREVENTION_VIEW

STAMP_KEY = "prevention:risk-map:stamp"
READ_WITH_SESSION.append(STAMP_KEY)  # by every request, in the round trip that reads the session


def _number(value: float) -> str:
    return numbers.decimal(value, 1)


def drawn_map(
    values: list[selectors.MunicipalityValue], *, title: str, focus: tuple[str, ...] = ()
) -> str:
    """The map of ``values``' rates, with the municipalities' names of the page's language."""
    codes = dict(Municipality.objects.values_list("pk", "code"))
    return _drawn_map(
        tuple((v.municipality.code, v.rate) for v in values),
        tuple((codes[pk], name) for pk, name in reference_choices("municipality") if pk in codes),
        title,
        focus,
        get_language(),
    )


@lru_cache(maxsize=32)
def _drawn_map(
    rates: tuple[tuple[str, float | None], ...],
    labels: tuple[tuple[str, str], ...],
    title: str,
    focus: tuple[str, ...],
    language: str,
) -> str:
    """The map's SVG, drawn once per process for each different input: the protected rates
    (the same for everyone who may see them), the municipalities' names, the title, the zoom
    and the language (of the legend and the numbers). Drawing it was most of the page's work;
    what it shows is all in the key, so a kept map is never stale."""
    layer = maps.Layer(
        values=dict(rates),
        labels=dict(labels),
        value_label=_("per 1,000 inhabitants (census 2022)"),
        suppressed_label=_("fewer than 11 or no data"),
        attribution=maps.ATTRIBUTION,
    )
    return maps.render(
        maps.load_boundaries(), layer, focus=focus, title=title, number_format=_number
    )


def changed(**kwargs: Any) -> None:
    """What the national page shows changed: draw a new stamp (a ``post_save`` and
    ``post_delete`` receiver)."""
    forget(STAMP_KEY)


def _stamp() -> str:
    """The current stamp; a new one where the cache has none (first use, a write, eviction)."""
    current: str | None = cached(STAMP_KEY)
    if current is None:
        fresh = uuid.uuid4().hex
        current = fresh if cache.add(STAMP_KEY, fresh, None) else cache.get(STAMP_KEY, fresh)
    return current


def national_page(*, user: User, group: str, period: str) -> SafeString:
    """The national page's content for the asked ``group`` and ``period`` (the first of each
    where the asked one is not offered), kept (see the module's docstring)."""
    require(user, PREVENTION_VIEW)
    stamp = _stamp()
    groups, periods = _offered(stamp)
    codes = [code for code, _name in groups]
    group = chosen(group, codes)
    return mark_safe(  # noqa: S308 - rendered by our template, every text autoescaped
        _national_content(
            stamp, get_language(), get_script_prefix(), group, chosen(period, periods[group])
        )
    )


def chosen(value: str, options: list[str]) -> str:
    """``value`` if it is one of ``options``, else the first of them (``""``: none)."""
    return value if value in options else (options[0] if options else "")


@lru_cache(maxsize=4)
def _offered(stamp: str) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """The groups in use and each one's counting periods (``""``: no group, every period)."""
    groups = selectors.group_choices()
    codes = [code for code, _name in groups] or [""]
    return groups, {code: selectors.periods(group_code=code) for code in codes}


@lru_cache(maxsize=16)  # about 200 kB each, most of it the map
def _national_content(stamp: str, language: str, prefix: str, group: str, period: str) -> str:
    """The page's content, written once per process for each key; ``language`` and ``prefix``
    are those the rendering reads (``get_language``, ``get_script_prefix``)."""
    groups, periods = _offered(stamp)
    values = selectors.protected_layer(group_code=group, period=period) if period else []
    context = {
        "groups": groups,
        "group": group,
        "periods": periods[group],
        "period": period,
        "values": values,
        "map": drawn_map(values, title=dict(groups).get(group, "")),
        "municipalities": Municipality.objects.filter(settlements__isnull=False).distinct(),
    }
    # labelled here, once, not by the base template's filter on every view
    return labelled_once(render_to_string("prevention/overview_content.html", context))


forget_when_catalogues_change(_national_content.cache_clear)
