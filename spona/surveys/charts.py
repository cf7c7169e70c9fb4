"""Server-side SVG charts: horizontal bars with 95% confidence-interval whiskers.

``bar_chart`` places every element (small dataclasses of formatted numbers) and draws them
through the Django template ``surveys/bar_chart.svg``: text autoescaped, presentation
attributes only (the site's CSP forbids inline styles), no script. The same SVG goes into
the page and into the PDF report.

Each row is its label, whole, wrapped onto as many lines as it needs, with the bar under it
across the full width: in any script no label is cut, and the chart stays readable when it
is scaled down to a phone (it has a ``viewBox`` and no fixed width; the page's CSS sizes
it). Lines are wrapped by character count at a width that holds even wide Cyrillic text.
Numbers are in the reader's format (spona.core.numbers).
"""

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string

from spona.core import numbers

TEMPLATE = "surveys/bar_chart.svg"
PALETTE = ["#0b5394", "#e69138", "#6aa84f", "#a64d79"]
WIDTH, PAD = 480, 12  # narrow enough that text stays legible when scaled to a phone
BAR_X, BAR_W, BAR_H = PAD, 410, 14  # the bar's scale; the value is written after its end
LINE = 15  # height of a label line (12-unit text)
TITLE_LINE = 18  # height of a title line (14-unit text)
GAP = 8  # between rows
# Characters per line: at most 0.7 em each on average, even in wide Cyrillic text.
LABEL_CHARS = int((WIDTH - 2 * PAD) / (12 * 0.7))
TITLE_CHARS = int((WIDTH - 2 * PAD) / (14 * 0.7))
LEGEND_CHARS = int((WIDTH - 2 * PAD - 18) / (11 * 0.7))
TICKS = (0, 0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # a share in [0, 1]; None when hidden (too few respondents)
    low: float | None = None
    high: float | None = None
    series: int = 0  # which wave or municipality, for grouped bars


@dataclass(frozen=True)
class _Text:
    """A text placed at ``x``, ``y`` (formatted numbers)."""

    x: str
    y: str
    text: str


@dataclass(frozen=True)
class _Whisker:
    """The interval: a line from ``low`` to ``high`` at ``mid``, with end ticks."""

    low: str
    high: str
    mid: str
    top: str
    bottom: str


@dataclass(frozen=True)
class _Shown:
    """A bar with its value: ``width`` from the start of the scale, its title and whisker."""

    y: str
    width: str
    colour: str
    title: str
    whisker: _Whisker | None
    value: _Text


@dataclass(frozen=True)
class _Row:
    lines: list[_Text]  # the label, wrapped
    full_label: str
    shown: _Shown | None
    hidden: _Text | None  # instead of the bar, when too few respondents answered


@dataclass(frozen=True)
class _Tick:
    x: str
    top: str
    bottom: str
    label: _Text


@dataclass(frozen=True)
class _Swatch:
    x: str
    y: str
    colour: str
    lines: list[_Text]


@dataclass(frozen=True)
class _Chart:
    width: str
    height: str
    bar_x: str  # where the bars start
    title: list[_Text]
    ticks: list[_Tick]
    rows: list[_Row]
    legend: list[_Swatch]


def _x(share: float) -> float:
    return round(BAR_X + BAR_W * min(max(share, 0.0), 1.0), 1)


def _wrap(text: str, chars: int) -> list[str]:
    """``text`` in lines of at most ``chars`` characters, every character kept."""
    return textwrap.wrap(text, chars, break_on_hyphens=False) or ([text] if text else [])


def _lines(text: str, chars: int, x: float, first_baseline: float, step: int) -> list[_Text]:
    return [
        _Text(str(x), str(first_baseline + step * i), line)
        for i, line in enumerate(_wrap(text, chars))
    ]


def _row(bar: Bar, y: int, hidden_text: str) -> tuple[_Row, int]:
    """The row drawn from ``y`` down, and the ``y`` where the next row starts."""
    lines = _lines(bar.label, LABEL_CHARS, PAD, y + 12, LINE)
    top = y + LINE * len(lines) + 2  # the bar's top
    baseline = top + 11
    if bar.value is None:
        hidden = _Text(str(BAR_X), str(baseline), hidden_text)
        return _Row(lines, bar.label, None, hidden), top + BAR_H + GAP
    whisker = None
    if bar.low is not None and bar.high is not None:
        mid = top + BAR_H // 2
        whisker = _Whisker(
            str(_x(bar.low)), str(_x(bar.high)), str(mid), str(mid - 5), str(mid + 5)
        )
    end = _x(bar.high if bar.high is not None else bar.value)
    value = numbers.share(bar.value)
    shown = _Shown(
        y=str(top),
        width=str(round(_x(bar.value) - BAR_X, 1)),
        colour=PALETTE[bar.series % len(PALETTE)],
        title=f"{bar.label}: {value}" if bar.label else value,
        whisker=whisker,
        value=_Text(str(end + 6), str(baseline), value),
    )
    return _Row(lines, bar.label, shown, None), top + BAR_H + GAP


def bar_chart(
    bars: Sequence[Bar], *, title: str, legend: Sequence[str] = (), hidden_text: str = "n < 11"
) -> str:
    """Bars with whiskers, one row each; ``legend`` names the series of grouped bars."""
    heading = _lines(title, TITLE_CHARS, PAD, PAD + 8, TITLE_LINE)
    top = PAD + TITLE_LINE * len(heading)
    rows, y = [], top
    for bar in bars:
        row, y = _row(bar, y, hidden_text)
        rows.append(row)
    bottom = y
    y = bottom + 24
    swatches = []
    for i, name in enumerate(legend):
        lines = _lines(name, LEGEND_CHARS, PAD + 18, y + 10, 14)
        swatches.append(_Swatch(str(PAD), str(y), PALETTE[i % len(PALETTE)], lines))
        y += 14 * max(len(lines), 1) + 6
    chart = _Chart(
        width=str(WIDTH),
        height=str(y + PAD),
        bar_x=str(BAR_X),
        title=heading,
        ticks=[
            _Tick(
                str(_x(t)),
                str(top),
                str(bottom),
                _Text(str(_x(t)), str(bottom + 14), numbers.percent(100 * t, 0)),
            )
            for t in TICKS
        ],
        rows=rows,
        legend=swatches,
    )
    return render_to_string(TEMPLATE, {"chart": chart}).strip()
