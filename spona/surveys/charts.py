"""Server-side SVG charts: horizontal bars with 95% confidence-interval whiskers.

``bar_chart`` places every element (small dataclasses of formatted numbers) and draws them
through the Django template ``surveys/bar_chart.svg``: text autoescaped, presentation
attributes only (the site's CSP forbids inline styles), no script. The same SVG goes into
the page and into the PDF report.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string

TEMPLATE = "surveys/bar_chart.svg"
PALETTE = ["#0b5394", "#e69138", "#6aa84f", "#a64d79"]
ROW, LABEL_W, BAR_W, PAD = 26, 400, 360, 12
LABEL_CHARS = 62  # longer labels are shortened; the full text stays in the bar's title
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
    """A bar with its value: ``width`` from the label column, its title and whisker."""

    y: str
    width: str
    colour: str
    title: str
    whisker: _Whisker | None
    value: _Text


@dataclass(frozen=True)
class _Row:
    label: _Text  # shortened to LABEL_CHARS
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
    y: str
    colour: str
    label: _Text


@dataclass(frozen=True)
class _Chart:
    width: str
    height: str
    label_x: str  # where the bars start
    title: _Text
    ticks: list[_Tick]
    rows: list[_Row]
    legend: list[_Swatch]


def _x(share: float) -> float:
    return round(LABEL_W + BAR_W * min(max(share, 0.0), 1.0), 1)


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


def _row(bar: Bar, y: int, hidden_text: str) -> _Row:
    label = bar.label if len(bar.label) <= LABEL_CHARS else bar.label[: LABEL_CHARS - 1] + "…"
    row = _Text(str(LABEL_W - 8), str(y + 15), label)
    if bar.value is None:
        return _Row(row, bar.label, None, _Text(str(LABEL_W + 4), str(y + 15), hidden_text))
    whisker = None
    if bar.low is not None and bar.high is not None:
        mid = y + 11
        whisker = _Whisker(
            str(_x(bar.low)), str(_x(bar.high)), str(mid), str(mid - 5), str(mid + 5)
        )
    end = _x(bar.high if bar.high is not None else bar.value)
    shown = _Shown(
        y=str(y + 4),
        width=str(_x(bar.value) - LABEL_W),
        colour=PALETTE[bar.series % len(PALETTE)],
        title=f"{bar.label}: {_percent(bar.value)}",
        whisker=whisker,
        value=_Text(str(end + 6), str(y + 15), _percent(bar.value)),
    )
    return _Row(row, bar.label, shown, None)


def bar_chart(
    bars: Sequence[Bar], *, title: str, legend: Sequence[str] = (), hidden_text: str = "n < 11"
) -> str:
    """Bars with whiskers, one row each; ``legend`` names the series of grouped bars."""
    top = PAD * 2 + 8
    bottom = top + ROW * len(bars)
    chart = _Chart(
        width=str(LABEL_W + BAR_W + 90),
        height=str(PAD * 3 + ROW * len(bars) + 20 * len(legend) + 24),
        label_x=str(LABEL_W),
        title=_Text(str(PAD), str(PAD + 8), title),
        ticks=[
            _Tick(
                str(_x(t)),
                str(top),
                str(bottom),
                _Text(str(_x(t)), str(bottom + 14), f"{int(t * 100)}%"),
            )
            for t in TICKS
        ],
        rows=[_row(bar, top + ROW * i, hidden_text) for i, bar in enumerate(bars)],
        legend=[
            _Swatch(
                str(bottom + 24 + 20 * i),
                PALETTE[i % len(PALETTE)],
                _Text(str(LABEL_W + 18), str(bottom + 24 + 20 * i + 10), name),
            )
            for i, name in enumerate(legend)
        ],
    )
    return render_to_string(TEMPLATE, {"chart": chart}).strip()
