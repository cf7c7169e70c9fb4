"""Server-side SVG choropleth maps of Serbia's municipalities.

No Django models: ``load_boundaries`` reads the municipal boundaries once and keys them by
official municipality code; ``render`` computes where everything goes (small dataclasses of
formatted numbers and cleaned text) and draws a ``Layer`` of values through the Django
template ``prevention/risk_map.svg`` (autoescaped) as an SVG string that can be inlined in
a page.

Projection: equirectangular, x scaled by the cosine of the latitude at the middle of the
data's bounding box (about 44° N), north up. Over Serbia's 4°×4° the difference from a
conformal projection is small, and the output is deterministic and needs no GIS library.
Coordinates are projected once, into a fixed frame in which the whole extent (the
municipalities and the Kosovo and Metohija outline) is ``FRAME_WIDTH`` units wide, and
rounded to 1 decimal. ``render`` then chooses a window on that frame (the map's
``viewBox``): the whole country, or the focus municipalities plus a 15 % margin.

Colour classes are quantile breaks over all known non-None values (also in a focus view, so
a municipality has the same colour on its own map and on the country map). Colours are
ColorBrewer YlOrRd (Cynthia A. Brewer, The Pennsylvania State University; Apache-2.0), a
sequential scheme marked colour-blind safe.

The SVG uses presentation attributes only: no ``style`` attribute, no ``<style>`` element,
no script, so it works under a Content-Security-Policy without ``'unsafe-inline'``.
"""

import csv
import hashlib
import json
import math
import re
import statistics
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from django.template.loader import render_to_string

from spona.core import numbers

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_PATH = DATA_DIR / "opstine-osm.geojson"
CROSSWALK_PATH = (
    Path(__file__).resolve().parent.parent
    / "institutions"
    / "data"
    / "serbia_municipalities_crosswalk_derived.csv"
)
ATTRIBUTION = "© OpenStreetMap contributors, geoBoundaries"
OUTLINE_SLUG = "kim"

FRAME_WIDTH = 1000.0  # map units across the whole extent
FOCUS_MARGIN = 0.15  # of the focus bounding box, on every side
COUNTRY_MARGIN = 0.01
MIN_VIEW = 5.0  # map units: the smallest window, for a tiny focus
MIN_ASPECT, MAX_ASPECT = 0.6, 1.6  # map height / width; a focus window is widened to fit

NO_DATA_FILL = "#e0e0e0"
ZERO_FILL = "#ffffff"  # with ``zero_apart``: a true 0, drawn apart from the classes
OUTLINE_FILL = "#f5f5f5"
OUTLINE_STROKE = "#9e9e9e"
BORDER_STROKE = "#808080"
FOCUS_STROKE = "#000000"
TEXT_FILL = "#222222"
ATTRIBUTION_FILL = "#555555"
BACKGROUND = "#ffffff"
BORDER_PX, FOCUS_PX, OUTLINE_PX = 0.5, 2.5, 0.8
OUTLINE_DASH_PX = (4.0, 3.0)

MARGIN_PX = 12.0
HEADING_FONT, LEGEND_TITLE_FONT, LEGEND_FONT, ATTRIBUTION_FONT = 16.0, 14.0, 12.0, 10.0
LINE_GAP = 1.3  # line height / font size
LEGEND_ROW = LEGEND_FONT * 1.6
SWATCH_W, SWATCH_H, SWATCH_GAP = 18.0, 12.0, 6.0
CHAR_WIDTH = 0.6  # a generous estimate of a character's width / font size
MIN_WIDTH = 240

# ColorBrewer YlOrRd, light to dark, by number of classes.
YLORRD: Mapping[int, tuple[str, ...]] = MappingProxyType(
    {
        1: ("#feb24c",),
        2: ("#ffeda0", "#f03b20"),
        3: ("#ffeda0", "#feb24c", "#f03b20"),
        4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
        5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
        6: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"),
        7: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
        8: (
            "#ffffcc",
            "#ffeda0",
            "#fed976",
            "#feb24c",
            "#fd8d3c",
            "#fc4e2a",
            "#e31a1c",
            "#b10026",
        ),
        9: (
            "#ffffcc",
            "#ffeda0",
            "#fed976",
            "#feb24c",
            "#fd8d3c",
            "#fc4e2a",
            "#e31a1c",
            "#bd0026",
            "#800026",
        ),
    }
)
MAX_CLASSES = max(YLORRD)

BBox = tuple[float, float, float, float]  # min x, min y, max x, max y (map units)
Point = tuple[float, float]
Ring = Sequence[Point]
NumberFormat = Callable[[float], str]


@dataclass(frozen=True)
class Shape:
    """One drawable unit: ``key`` is the official code, or ``"kim"`` for the outline."""

    key: str
    name: str  # the Latin name in the boundary file
    d: str  # SVG path data in map units
    bbox: BBox


@dataclass(frozen=True)
class Boundaries:
    municipalities: Mapping[str, Shape]  # by official code, in code order
    outline: Shape | None  # Kosovo and Metohija: grey, never coloured, no data
    extent: BBox  # everything above


@dataclass(frozen=True)
class Layer:
    """What to colour."""

    values: Mapping[str, float | None]  # code -> value; None = no data or suppressed
    labels: Mapping[str, str]  # code -> display name, already localised by the caller
    value_label: str  # legend title
    suppressed_label: str  # legend text for suppressed or missing values
    attribution: str  # always printed; ATTRIBUTION when blank


@dataclass(frozen=True)
class LegendEntry:
    fill: str
    text: str
    count: int


@dataclass(frozen=True)
class _Projection:
    lon0: float
    lat1: float
    kx: float
    ky: float

    def __call__(self, lon: float, lat: float) -> Point:
        return (lon - self.lon0) * self.kx, (self.lat1 - lat) * self.ky


@dataclass(frozen=True)
class _Layout:
    width: float
    height: float
    map_box: BBox  # x, y, width, height in pixels
    heading_y: float
    legend_y: float
    attribution_y: float


def one_decimal(value: float) -> str:
    return f"{value:.1f}"


# Loading -------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def load_boundaries(path: Path | str = DEFAULT_PATH) -> Boundaries:
    """Parse the boundary file once; municipalities keyed by official code via the crosswalk."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    features = _keyed_features(document, _codes_by_latin_name(CROSSWALK_PATH))
    points = [p for _, polygons in features.values() for poly in polygons for r in poly for p in r]
    projection = _fit_projection(points)
    shapes = {
        key: _shape(key, name, polygons, projection) for key, (name, polygons) in features.items()
    }
    outline = shapes.pop(OUTLINE_SLUG, None)
    municipalities = MappingProxyType(dict(sorted(shapes.items())))
    boxes = [s.bbox for s in municipalities.values()] + ([outline.bbox] if outline else [])
    return Boundaries(municipalities, outline, _union(boxes))


def _codes_by_latin_name(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["naziv_lat"]: row["opstina_sifra"] for row in csv.DictReader(handle)}


def _keyed_features(
    document: Mapping[str, Any], codes: Mapping[str, str]
) -> dict[str, tuple[str, list[list[Ring]]]]:
    """Feature geometry by code (or ``"kim"``); every problem is reported at once."""
    keyed: dict[str, tuple[str, list[list[Ring]]]] = {}
    errors: list[str] = []
    for index, feature in enumerate(document.get("features") or []):
        properties = feature.get("properties") or {}
        name = str(properties.get("name", ""))
        key = OUTLINE_SLUG if properties.get("slug") == OUTLINE_SLUG else codes.get(name)
        if key is None:
            errors.append(f"feature {index} ({name!r}): no municipality with this Latin name")
        elif key in keyed:
            errors.append(f"feature {index} ({name!r}): {key} appears twice")
        else:
            try:
                keyed[key] = (name, _polygons(feature.get("geometry") or {}))
            except ValueError as error:
                errors.append(f"feature {index} ({name!r}): {error}")
    missing = sorted(set(codes.values()) - set(keyed))
    if missing:
        errors.append(f"no geometry for municipality codes {', '.join(missing)}")
    if errors:
        raise ValueError("; ".join(errors))
    return keyed


def _polygons(geometry: Mapping[str, Any]) -> list[list[Ring]]:
    """A Polygon or MultiPolygon as a list of polygons, each a list of (lon, lat) rings."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        polygons: list[Any] = [coordinates]
    elif kind == "MultiPolygon":
        polygons = list(coordinates)
    else:
        raise ValueError(f"unsupported geometry type {kind!r}")
    parsed: list[list[Ring]] = [
        [[(float(p[0]), float(p[1])) for p in ring] for ring in poly] for poly in polygons
    ]
    if not any(len(ring) >= 3 for poly in parsed for ring in poly):
        raise ValueError("empty geometry")
    return parsed


def _fit_projection(points: Sequence[Point]) -> _Projection:
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    lon0, lat0, lon1, lat1 = min(lons), min(lats), max(lons), max(lats)
    cos_mid = math.cos(math.radians((lat0 + lat1) / 2))
    ky = FRAME_WIDTH / ((lon1 - lon0) * cos_mid)
    return _Projection(lon0=lon0, lat1=lat1, kx=ky * cos_mid, ky=ky)


def _shape(key: str, name: str, polygons: list[list[Ring]], projection: _Projection) -> Shape:
    projected = [[projection(lon, lat) for lon, lat in ring] for poly in polygons for ring in poly]
    subpaths = (_subpath(ring) for ring in projected)
    d = "".join(s for s in subpaths if s)
    xs = [x for ring in projected for x, _ in ring]
    ys = [y for ring in projected for _, y in ring]
    return Shape(key, name, d, (min(xs), min(ys), max(xs), max(ys)))


def _subpath(ring: Ring) -> str:
    """One closed ring as ``M x yL x y … Z`` with 1-decimal coordinates, repeats dropped."""
    points: list[str] = []
    for x, y in ring:
        point = f"{_coord(x)} {_coord(y)}"
        if not points or points[-1] != point:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        return ""
    return f"M{points[0]}L{' '.join(points[1:])}Z"


def _coord(value: float) -> str:
    text = f"{value:.1f}"
    text = text.removesuffix(".0")
    return "0" if text == "-0" else text


# Classes -------------------------------------------------------------------------------------


def class_edges(values: Collection[float], classes: int) -> list[float]:
    """Quantile class edges ``[min, break…, max]``; equal breaks are merged. [] if no values."""
    if not values:
        return []
    low, high = min(values), max(values)
    if low == high or len(values) < 2 or classes < 2:
        return [low, high]
    cuts = statistics.quantiles(values, n=classes, method="inclusive")
    return [low, *sorted({c for c in cuts if low < c < high}), high]


def class_index(value: float, edges: Sequence[float]) -> int:
    """Class ``i`` holds ``edges[i] <= value < edges[i + 1]``; the last class includes its max."""
    return bisect_right(edges, value, 1, max(1, len(edges) - 1)) - 1


def legend_entries(
    values: Iterable[float | None],
    edges: Sequence[float],
    suppressed_label: str,
    number_format: NumberFormat,
) -> list[LegendEntry]:
    """One entry per class (light to dark), then the no-data entry, with counts."""
    palette = YLORRD[len(edges) - 1] if len(edges) > 1 else ()
    counts = [0] * len(palette)
    missing = 0
    for value in values:
        if value is None:
            missing += 1
        else:
            counts[class_index(value, edges)] += 1
    entries = [
        LegendEntry(fill, _range_text(edges[i], edges[i + 1], number_format), counts[i])
        for i, fill in enumerate(palette)
    ]
    return [*entries, LegendEntry(NO_DATA_FILL, suppressed_label, missing)]


def _range_text(low: float, high: float, number_format: NumberFormat) -> str:
    low_text, high_text = number_format(low), number_format(high)
    return low_text if low_text == high_text else numbers.range_text(low_text, high_text)


def _clean_values(
    boundaries: Boundaries, values: Mapping[str, float | None]
) -> dict[str, float | None]:
    """A value for every municipality; unknown codes are ignored, NaN and ±inf count as None."""
    cleaned: dict[str, float | None] = {}
    for code in boundaries.municipalities:
        value = values.get(code)
        cleaned[code] = float(value) if value is not None and math.isfinite(value) else None
    return cleaned


# Rendering -----------------------------------------------------------------------------------

TEMPLATE = "prevention/risk_map.svg"


@dataclass(frozen=True)
class _Line:
    """A line of text placed at ``x``, ``y`` (pixels, formatted)."""

    x: str
    y: str
    text: str


@dataclass(frozen=True)
class _Area:
    """A municipality as drawn: its colour, the title shown on hover, focused or not."""

    code: str
    fill: str
    title: str
    d: str
    focus: bool


@dataclass(frozen=True)
class _Frame:
    """The map itself: a window (``view_box``, map units) placed at a box in pixels."""

    x: str
    y: str
    width: str
    height: str
    view_box: str
    border_width: str
    focus_width: str
    outline: Shape | None
    outline_width: str
    outline_dash: str
    areas: list[_Area]


@dataclass(frozen=True)
class _LegendRow:
    swatch_x: str
    swatch_y: str
    fill: str
    label: _Line


@dataclass(frozen=True)
class _Drawing:
    """Everything ``TEMPLATE`` draws, with numbers formatted and text cleaned."""

    id: str
    width: str
    height: str
    name: str
    description: str
    heading: list[_Line]
    frame: _Frame
    legend_title: list[_Line]
    legend: list[_LegendRow]
    attribution: _Line


@dataclass(frozen=True)
class _Colouring:
    """How a municipality gets its colour and its hover text."""

    layer: Layer
    values: Mapping[str, float | None]
    edges: Sequence[float]
    number_format: NumberFormat
    zero_apart: bool = False

    def area(self, shape: Shape, *, focus: bool) -> _Area:
        value = self.values[shape.key]
        palette = YLORRD[len(self.edges) - 1] if len(self.edges) > 1 else ()
        if value is None:
            fill = NO_DATA_FILL
        elif self.zero_apart and value == 0:
            fill = ZERO_FILL
        else:
            fill = palette[class_index(value, self.edges)]
        shown = self.layer.suppressed_label if value is None else self.number_format(value)
        label = self.layer.labels.get(shape.key) or shape.name
        return _Area(_clean(shape.key), fill, _clean(f"{label}: {shown}"), shape.d, focus)


def render(
    boundaries: Boundaries,
    layer: Layer,
    *,
    focus: Collection[str] = (),
    width: int = 800,
    classes: int = 5,
    title: str = "",
    number_format: NumberFormat = one_decimal,
    description: str = "",
    zero_apart: bool = False,
) -> str:
    """The layer as a standalone SVG document (a string; inline it or serve as image/svg+xml).

    ``zero_apart``: 0s get a class of their own (white, first in the legend) and the colour
    classes are computed over the other values, for counts where most places have none (else
    the quantiles all fall on 0 and every place gets one colour).

    ``focus``: municipality codes to zoom to (their bounding box plus 15 %), drawn with a
    thicker outline; neighbours inside the window stay drawn. ``title`` is shown above the
    map and names the image (default: the layer's value label); ``description`` replaces
    the generated ``<desc>`` (the value label and the count of municipalities per class).
    """
    if width < MIN_WIDTH:
        raise ValueError(f"width must be at least {MIN_WIDTH}")
    if not 2 <= classes <= MAX_CLASSES:
        raise ValueError(f"classes must be between 2 and {MAX_CLASSES}")
    focus_codes = _focus_codes(boundaries, focus)
    values = _clean_values(boundaries, layer.values)
    classed = [v for v in values.values() if v is not None and not (zero_apart and v == 0)]
    edges = class_edges(classed, classes)
    legend = legend_entries(
        [v for v in values.values() if not (zero_apart and v == 0)],
        edges,
        layer.suppressed_label,
        number_format,
    )
    if zero_apart:
        zeros = sum(1 for v in values.values() if v == 0)
        legend = [LegendEntry(ZERO_FILL, number_format(0), zeros), *legend]
    view = _view_box(boundaries, focus_codes)
    heading = _wrap(title, _chars_fitting(width, HEADING_FONT))
    legend_title = _wrap(layer.value_label, _chars_fitting(width, LEGEND_TITLE_FONT))
    layout = _layout(width, view, len(heading), len(legend_title), len(legend))
    colouring = _Colouring(layer, values, edges, number_format, zero_apart)
    drawing = _Drawing(
        id=_id_prefix(layer, title, focus_codes, width, classes),
        width=_px(layout.width),
        height=_px(layout.height),
        name=_clean(title or layer.value_label),
        description=_clean(description or _describe(layer.value_label, legend)),
        heading=_lines(heading, layout.heading_y, HEADING_FONT * LINE_GAP),
        frame=_frame(boundaries, colouring, view=view, focus=focus_codes, layout=layout),
        legend_title=_lines(legend_title, layout.legend_y, LEGEND_TITLE_FONT * LINE_GAP),
        legend=_legend_rows(
            legend, top=layout.legend_y + len(legend_title) * LEGEND_TITLE_FONT * LINE_GAP
        ),
        attribution=_Line(
            _px(layout.width - MARGIN_PX),
            _px(layout.attribution_y),
            _clean(layer.attribution.strip() or ATTRIBUTION),
        ),
    )
    return render_to_string(TEMPLATE, {"map": drawing, "style": _STYLE})


def _focus_codes(boundaries: Boundaries, focus: Collection[str]) -> tuple[str, ...]:
    codes = (focus,) if isinstance(focus, str) else tuple(focus)
    unknown = sorted(set(codes) - set(boundaries.municipalities))
    if unknown:
        raise ValueError(f"unknown municipality codes in focus: {', '.join(unknown)}")
    return tuple(sorted(set(codes)))


def _view_box(boundaries: Boundaries, focus: Sequence[str]) -> BBox:
    """The window on the map frame as ``(x, y, width, height)``."""
    if focus:
        box = _union([boundaries.municipalities[code].bbox for code in focus])
        margin = FOCUS_MARGIN
    else:
        box, margin = boundaries.extent, COUNTRY_MARGIN
    w = max(box[2] - box[0], MIN_VIEW) * (1 + 2 * margin)
    h = max(box[3] - box[1], MIN_VIEW) * (1 + 2 * margin)
    w, h = max(w, h / MAX_ASPECT), max(h, w * MIN_ASPECT)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return (cx - w / 2, cy - h / 2, w, h)


def _union(boxes: Iterable[BBox]) -> BBox:
    x0s, y0s, x1s, y1s = zip(*boxes, strict=True)
    return (min(x0s), min(y0s), max(x1s), max(y1s))


def _intersects(box: BBox, view: BBox) -> bool:
    x, y, w, h = view
    return box[0] <= x + w and box[2] >= x and box[1] <= y + h and box[3] >= y


def _layout(
    width: int, view: BBox, heading_lines: int, title_lines: int, legend_rows: int
) -> _Layout:
    heading_h = heading_lines * HEADING_FONT * LINE_GAP + (MARGIN_PX / 2 if heading_lines else 0)
    map_w = width - 2 * MARGIN_PX
    map_h = map_w * view[3] / view[2]
    map_y = MARGIN_PX + heading_h
    legend_y = map_y + map_h + MARGIN_PX
    legend_h = title_lines * LEGEND_TITLE_FONT * LINE_GAP + legend_rows * LEGEND_ROW
    attribution_y = legend_y + legend_h + ATTRIBUTION_FONT * LINE_GAP
    return _Layout(
        width=float(width),
        height=attribution_y + MARGIN_PX / 2,
        map_box=(MARGIN_PX, map_y, map_w, map_h),
        heading_y=MARGIN_PX,
        legend_y=legend_y,
        attribution_y=attribution_y,
    )


def _lines(texts: Sequence[str], top: float, line_height: float) -> list[_Line]:
    """Lines of text under ``top``, each baseline at 0.8 of its line."""
    return [
        _Line(_px(MARGIN_PX), _px(top + (i + 0.8) * line_height), _clean(text))
        for i, text in enumerate(texts)
    ]


def _frame(
    boundaries: Boundaries,
    colouring: _Colouring,
    *,
    view: BBox,
    focus: Sequence[str],
    layout: _Layout,
) -> _Frame:
    """The municipalities inside the window (the focus last, on top) and the outline."""
    x, y, w, h = layout.map_box
    unit = view[2] / w  # map units per pixel
    outline = boundaries.outline
    visible = [
        colouring.area(shape, focus=False)
        for code, shape in boundaries.municipalities.items()
        if code not in focus and _intersects(shape.bbox, view)
    ]
    focused = [colouring.area(boundaries.municipalities[code], focus=True) for code in focus]
    return _Frame(
        x=_px(x),
        y=_px(y),
        width=_px(w),
        height=_px(h),
        view_box=" ".join(_coord(v) for v in view),
        border_width=_width(BORDER_PX * unit),
        focus_width=_width(FOCUS_PX * unit),
        outline=outline if outline is not None and _intersects(outline.bbox, view) else None,
        outline_width=_width(OUTLINE_PX * unit),
        outline_dash=" ".join(_width(v * unit) for v in OUTLINE_DASH_PX),
        areas=[*visible, *focused],
    )


def _legend_rows(entries: Sequence[LegendEntry], *, top: float) -> list[_LegendRow]:
    rows = []
    for i, entry in enumerate(entries):
        y = top + i * LEGEND_ROW
        label = _Line(
            _px(MARGIN_PX + SWATCH_W + SWATCH_GAP),
            _px(y + LEGEND_ROW / 2 + LEGEND_FONT * 0.35),
            _clean(entry.text),
        )
        rows.append(
            _LegendRow(_px(MARGIN_PX), _px(y + (LEGEND_ROW - SWATCH_H) / 2), entry.fill, label)
        )
    return rows


def _describe(value_label: str, entries: Sequence[LegendEntry]) -> str:
    return f"{value_label}: " + "; ".join(f"{e.text} ({e.count})" for e in entries)


def _id_prefix(layer: Layer, title: str, focus: Sequence[str], width: int, classes: int) -> str:
    """Deterministic, and different for different maps inlined on one page."""
    values = sorted((code, value) for code, value in layer.values.items())
    key = repr((title, layer.value_label, focus, width, classes, values))
    return "map-" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:10]


# Text ----------------------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(value: str) -> str:
    """Text without the characters XML cannot carry (the template escapes markup)."""
    return _NOT_XML.sub("", value)


def _wrap(text: str, limit: int) -> list[str]:
    """Greedy word wrap (a word longer than the limit keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _chars_fitting(width: int, font_size: float) -> int:
    return max(10, int((width - 2 * MARGIN_PX) / (font_size * CHAR_WIDTH)))


def _px(value: float) -> str:
    return _coord(value)


def _width(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "0") else "0.001"


# Colours and sizes the template uses, formatted.
_STYLE: Mapping[str, str] = MappingProxyType(
    {
        "background": BACKGROUND,
        "text_fill": TEXT_FILL,
        "attribution_fill": ATTRIBUTION_FILL,
        "border_stroke": BORDER_STROKE,
        "outline_fill": OUTLINE_FILL,
        "outline_stroke": OUTLINE_STROKE,
        "focus_stroke": FOCUS_STROKE,
        "legend_border_width": _width(BORDER_PX),
        "heading_font": _px(HEADING_FONT),
        "legend_title_font": _px(LEGEND_TITLE_FONT),
        "legend_font": _px(LEGEND_FONT),
        "attribution_font": _px(ATTRIBUTION_FONT),
        "swatch_width": _px(SWATCH_W),
        "swatch_height": _px(SWATCH_H),
    }
)
