"""Server-side SVG charts: horizontal bars with 95% confidence-interval whiskers.

Presentation attributes only (the site's CSP forbids inline styles), text escaped, no script.
The same SVG goes into the page and into the PDF report.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

PALETTE = ["#0b5394", "#e69138", "#6aa84f", "#a64d79"]
ROW, LABEL_W, BAR_W, PAD = 26, 400, 360, 12
LABEL_CHARS = 62  # longer labels are shortened; the full text stays in the bar's title


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # a share in [0, 1]; None when hidden (too few respondents)
    low: float | None = None
    high: float | None = None
    series: int = 0  # which wave or municipality, for grouped bars


def _x(share: float) -> float:
    return round(LABEL_W + BAR_W * min(max(share, 0.0), 1.0), 1)


def _bar(bar: Bar, y: float, hidden_text: str) -> list[str]:
    label = bar.label if len(bar.label) <= LABEL_CHARS else bar.label[: LABEL_CHARS - 1] + "…"
    parts = [
        f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end" font-size="12">{escape(label)}'
        f"<title>{escape(bar.label)}</title></text>"
    ]
    if bar.value is None:
        parts.append(
            f'<text x="{LABEL_W + 4}" y="{y + 15}" font-size="11" fill="#555">{escape(hidden_text)}</text>'
        )
        return parts
    colour = PALETTE[bar.series % len(PALETTE)]
    parts.append(
        f'<rect x="{LABEL_W}" y="{y + 4}" width="{_x(bar.value) - LABEL_W}" height="14" fill="{colour}"><title>{escape(bar.label)}: {100 * bar.value:.1f}%</title></rect>'
    )
    if bar.low is not None and bar.high is not None:
        lo, hi, mid = _x(bar.low), _x(bar.high), y + 11
        parts += [
            f'<line x1="{lo}" y1="{mid}" x2="{hi}" y2="{mid}" stroke="#111" stroke-width="1.5"/>',
            f'<line x1="{lo}" y1="{mid - 5}" x2="{lo}" y2="{mid + 5}" stroke="#111" stroke-width="1.5"/>',
            f'<line x1="{hi}" y1="{mid - 5}" x2="{hi}" y2="{mid + 5}" stroke="#111" stroke-width="1.5"/>',
        ]
    parts.append(
        f'<text x="{_x(bar.high if bar.high is not None else bar.value) + 6}" y="{y + 15}" font-size="11">{100 * bar.value:.1f}%</text>'
    )
    return parts


def bar_chart(
    bars: Sequence[Bar], *, title: str, legend: Sequence[str] = (), hidden_text: str = "n < 11"
) -> str:
    """Bars with whiskers, one row each; ``legend`` names the series of grouped bars."""
    height = PAD * 3 + ROW * len(bars) + 20 * len(legend) + 24
    width = LABEL_W + BAR_W + 90
    body = [
        f'<text x="{PAD}" y="{PAD + 8}" font-size="14" font-weight="bold">{escape(title)}</text>'
    ]
    top = PAD * 2 + 8
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = _x(tick)
        body.append(
            f'<line x1="{x}" y1="{top}" x2="{x}" y2="{top + ROW * len(bars)}" stroke="#ddd" stroke-width="1"/>'
        )
        body.append(
            f'<text x="{x}" y="{top + ROW * len(bars) + 14}" text-anchor="middle" font-size="10" fill="#555">{int(tick * 100)}%</text>'
        )
    for i, bar in enumerate(bars):
        body += _bar(bar, top + ROW * i, hidden_text)
    for i, name in enumerate(legend):
        y = top + ROW * len(bars) + 24 + 20 * i
        body.append(
            f'<rect x="{LABEL_W}" y="{y}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        body.append(f'<text x="{LABEL_W + 18}" y="{y + 10}" font-size="11">{escape(name)}</text>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'role="img" aria-label="{escape(title, {chr(34): "&quot;"})}">' + "".join(body) + "</svg>"
    )
