"""A wave's results as its page shows them: the charts and the table of estimates.

Computing the weighted estimates reads every response of the wave, and drawing and writing
them out was most of the page's work, so the rendered results are kept in the cache for
``RESULTS_SECONDS``, per wave, ``SurveyWave.estimates_stamp`` (drawn anew at every change
of the wave's responses or their weights), language and names of the wave's municipalities
(read on every view, they name the table's rows): a page never shows results older than
their data. What is kept are aggregate numbers that have passed disclosure control (fewer
than 11 respondents: not shown), the same for everyone who may see the wave; whether the
reader may is checked on every view.
"""

import hashlib
import json

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spona.accounts.models import User
from spona.core.stacking import labelled_once
from spona.ops.early import cached, keep
from spona.policy import require
from spona.surveys import selectors
from spona.surveys.access import SURVEY_VIEW
from spona.surveys.charts import Bar, bar_chart
from spona.surveys.jobs import overall_chart
from spona.surveys.models import SurveyWave

RESULTS_SECONDS = 3600  # also how long a new release's look of them may wait


def _key(wave: SurveyWave, levels: dict[str, str]) -> str:
    names = hashlib.sha256(json.dumps(sorted(levels.items())).encode()).hexdigest()[:16]
    return f"surveys:results:{wave.pk}:{wave.estimates_stamp.hex}:{get_language()}:{names}"


def _render(*, user: User, wave: SurveyWave) -> str:
    shown = selectors.wave_estimates(user=user, wave=wave)
    municipal = [
        Bar(f"{s.title} · {s.level}", s.estimate, s.ci_low, s.ci_high, series=i % 2)
        for i, s in enumerate(x for x in shown if x.domain == "municipality")
    ]
    context = {
        "rows": selectors.by_indicator(shown),
        "chart": overall_chart(wave, shown),
        "municipal_chart": bar_chart(municipal, title=_("By municipality")) if municipal else "",
    }
    # labelled here, once, not by the base template's filter on every view
    return labelled_once(render_to_string("surveys/wave_results.html", context))


def wave_results(*, user: User, wave: SurveyWave) -> SafeString:
    """The wave's charts and table of estimates, rendered (see the module's docstring)."""
    require(user, SURVEY_VIEW, wave)
    key = _key(wave, selectors.level_names(wave))
    # the key needs the wave's stamp, read from the database: the page's next request reads
    # it with its session (``spona.ops.early``), where it was a round trip of its own
    html: str | None = cached(key, hint=True)
    if html is None:
        html = _render(user=user, wave=wave)
        keep(key, html, RESULTS_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our template, every text autoescaped
