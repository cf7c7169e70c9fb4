"""The SVG choropleth renderer (spona.prevention.maps): pure Python, no database."""

import csv
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from spona.prevention import maps

NS = "{http://www.w3.org/2000/svg}"
PIROT, SMEDEREVO, SREMSKA_MITROVICA = "70939", "71099", "80403"
SUPPRESSED = "<11 or no data"


@pytest.fixture(scope="module")
def boundaries() -> maps.Boundaries:
    return maps.load_boundaries()


@pytest.fixture(scope="module")
def crosswalk() -> dict[str, str]:
    with maps.CROSSWALK_PATH.open(encoding="utf-8", newline="") as handle:
        return {row["opstina_sifra"]: row["naziv_lat"] for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def all_values(crosswalk: Mapping[str, str]) -> dict[str, float | None]:
    """A distinct value for every municipality: 0.5, 1.87, 3.24, …"""
    return {code: round(0.5 + 1.37 * i, 2) for i, code in enumerate(sorted(crosswalk))}


def make_layer(
    values: Mapping[str, float | None], labels: Mapping[str, str] | None = None, **kw: Any
) -> maps.Layer:
    fields: dict[str, Any] = {
        "value_label": "Unemployed women 20–30 per 1,000",
        "suppressed_label": SUPPRESSED,
        "attribution": maps.ATTRIBUTION,
    } | kw
    return maps.Layer(values=values, labels=labels or {}, **fields)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it is well formed


def paths(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{NS}path"))


def coloured(root: ET.Element) -> dict[str, ET.Element]:
    return {p.attrib["data-code"]: p for p in paths(root) if "data-code" in p.attrib}


def map_view_box(root: ET.Element) -> tuple[float, float, float, float]:
    inner = root.find(f"{NS}svg")
    assert inner is not None
    x, y, w, h = (float(v) for v in inner.attrib["viewBox"].split())
    return x, y, w, h


def legend_entries(root: ET.Element) -> list[tuple[str, str]]:
    """(swatch fill, text) of every legend entry, in order."""
    entries = []
    for group in root.iter(f"{NS}g"):
        if group.get("data-part") == "legend-entry":
            rect, text = group.find(f"{NS}rect"), group.find(f"{NS}text")
            assert rect is not None
            assert text is not None
            entries.append((rect.attrib["fill"], text.text or ""))
    return entries


def title_of(element: ET.Element) -> str:
    title = element.find(f"{NS}title")
    assert title is not None
    return title.text or ""


def path_points(d: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def test_boundaries_are_keyed_by_official_code_with_the_kim_outline_apart(
    boundaries: maps.Boundaries, crosswalk: Mapping[str, str]
) -> None:
    assert len(boundaries.municipalities) == 161
    assert set(boundaries.municipalities) == set(crosswalk)  # every code has geometry
    assert list(boundaries.municipalities) == sorted(crosswalk)
    for code, shape in boundaries.municipalities.items():
        assert shape.key == code
        assert shape.name == crosswalk[code]
        assert shape.d.startswith("M")
        assert shape.d.endswith("Z")
    assert boundaries.outline is not None
    assert boundaries.outline.key == "kim"
    assert "kim" not in boundaries.municipalities
    assert boundaries.municipalities[PIROT].name == "Pirot"
    assert maps.load_boundaries() is maps.load_boundaries()  # parsed once


def test_north_is_up_and_east_is_right(boundaries: maps.Boundaries) -> None:
    subotica = boundaries.municipalities["80438"].bbox  # far north
    presevo = boundaries.municipalities["70963"].bbox  # far south
    pirot = boundaries.municipalities[PIROT].bbox  # east
    loznica = boundaries.municipalities["70734"].bbox  # west
    assert subotica[3] < presevo[1]  # y grows southwards
    assert loznica[2] < pirot[0]
    assert boundaries.extent[0] == 0
    assert boundaries.extent[2] == pytest.approx(maps.FRAME_WIDTH)


def _write_variant(tmp_path: Path, change: Any) -> Path:
    document = json.loads(maps.DEFAULT_PATH.read_text(encoding="utf-8"))
    change(document["features"])
    path = tmp_path / "variant.geojson"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_multipolygons_and_holes_are_drawn(tmp_path: Path) -> None:
    def make_pirot_multipart(features: list[dict[str, Any]]) -> None:
        pirot = next(f for f in features if f["properties"]["name"] == "Pirot")
        square = [[22.9, 43.0], [22.95, 43.0], [22.95, 43.05], [22.9, 43.05], [22.9, 43.0]]
        polygon = pirot["geometry"]["coordinates"]
        pirot["geometry"] = {"type": "MultiPolygon", "coordinates": [polygon, [square]]}

    boundaries = maps.load_boundaries(_write_variant(tmp_path, make_pirot_multipart))
    assert boundaries.municipalities[PIROT].d.count("M") == 2
    assert boundaries.municipalities["70971"].d.count("M") == 2  # Priboj has a hole
    svg = maps.render(boundaries, make_layer({}), focus={PIROT})
    group = parse(svg).find(f"{NS}svg/{NS}g")
    assert group is not None
    assert group.attrib["fill-rule"] == "evenodd"


def test_a_name_missing_from_the_register_fails_loudly(tmp_path: Path) -> None:
    def rename(features: list[dict[str, Any]]) -> None:
        next(f for f in features if f["properties"]["name"] == "Pirot")["properties"]["name"] = (
            "Pirott"
        )

    with pytest.raises(ValueError, match=r"'Pirott'.*no geometry for municipality codes 70939"):
        maps.load_boundaries(_write_variant(tmp_path, rename))


def test_other_geometry_types_are_refused(tmp_path: Path) -> None:
    def to_point(features: list[dict[str, Any]]) -> None:
        features[0]["geometry"] = {"type": "Point", "coordinates": [20.0, 45.0]}

    with pytest.raises(ValueError, match="unsupported geometry type 'Point'"):
        maps.load_boundaries(_write_variant(tmp_path, to_point))


def test_whole_country_map(
    boundaries: maps.Boundaries, all_values: dict[str, float | None], capsys: Any
) -> None:
    svg = maps.render(boundaries, make_layer(all_values), classes=5)
    root = parse(svg)

    assert root.tag == f"{NS}svg"
    assert root.attrib["role"] == "img"
    title_id, desc_id = root.attrib["aria-labelledby"].split()
    assert root.find(f"{NS}title") is not None
    assert root.find(f"{NS}title").attrib["id"] == title_id  # type: ignore[union-attr]
    assert root.find(f"{NS}desc").attrib["id"] == desc_id  # type: ignore[union-attr]
    assert title_of(root) == "Unemployed women 20–30 per 1,000"

    assert len(paths(root)) == 162
    by_code = coloured(root)
    assert set(by_code) == set(boundaries.municipalities)
    outline = [p for p in paths(root) if p.get("data-outline") == "kim"]
    assert len(outline) == 1
    assert outline[0].attrib["fill"] == maps.OUTLINE_FILL
    palette = maps.YLORRD[5]
    assert {p.attrib["fill"] for p in by_code.values()} == set(palette)
    assert title_of(by_code[PIROT]) == f"Pirot: {all_values[PIROT]:.1f}"

    entries = legend_entries(root)
    assert len(entries) == 5 + 1
    assert [fill for fill, _ in entries] == [*palette, maps.NO_DATA_FILL]
    assert entries[-1][1] == SUPPRESSED
    assert entries[0][1].startswith("0.5–")
    assert entries[4][1].endswith(f"–{max(v for v in all_values.values() if v):.1f}")
    assert all(re.fullmatch(r"\d+\.\d–\d+\.\d", text) for _, text in entries[:5])

    texts = [t.text for t in root.iter(f"{NS}text")]
    assert maps.ATTRIBUTION in texts
    for element in root.iter():
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
        assert element.tag not in (f"{NS}style", f"{NS}script", f"{NS}foreignObject")
    assert "<style" not in svg
    assert "<script" not in svg

    size = len(svg.encode("utf-8"))
    with capsys.disabled():
        print(f"\nwhole-country SVG: {size:,} bytes ({size / 1024:.1f} KiB)")  # noqa: T201
    assert size < 400_000


def test_coordinates_have_at_most_one_decimal(boundaries: maps.Boundaries) -> None:
    svg = maps.render(boundaries, make_layer({}))
    for path in paths(parse(svg)):
        assert re.fullmatch(r"(M[\d. ]+L[\d. ]+Z)+", path.attrib["d"])
        assert not re.search(r"\.\d\d", path.attrib["d"])


def test_suppressed_values_are_grey_and_never_leak(
    boundaries: maps.Boundaries, all_values: dict[str, float | None]
) -> None:
    secret = 43210.9  # the largest value by far; map coordinates stay below 2000
    with_secret = {**all_values, PIROT: secret}
    shown = maps.render(boundaries, make_layer(with_secret))
    assert "43210.9" in shown  # the check below would catch a leak

    values = {**all_values, PIROT: None, SMEDEREVO: None}
    svg = maps.render(boundaries, make_layer(values, {PIROT: "Пирот"}))
    assert "43210.9" not in svg
    root = parse(svg)
    by_code = coloured(root)
    for code in (PIROT, SMEDEREVO):
        assert by_code[code].attrib["fill"] == maps.NO_DATA_FILL
    assert title_of(by_code[PIROT]) == f"Пирот: {SUPPRESSED}"
    assert title_of(by_code[SMEDEREVO]) == f"Smederevo: {SUPPRESSED}"  # default: Latin name
    greys = [c for c, p in by_code.items() if p.attrib["fill"] == maps.NO_DATA_FILL]
    assert sorted(greys) == sorted([PIROT, SMEDEREVO])
    # the classes come from the values shown only
    top = max(v for c, v in all_values.items() if v is not None and c not in (PIROT, SMEDEREVO))
    assert legend_entries(root)[4][1].endswith(f"{top:.1f}")
    desc = root.find(f"{NS}desc")
    assert desc is not None
    assert f"{SUPPRESSED} (2)" in (desc.text or "")


def test_missing_and_non_finite_values_count_as_no_data(boundaries: maps.Boundaries) -> None:
    values = {PIROT: 1.0, SMEDEREVO: float("nan"), SREMSKA_MITROVICA: float("inf"), "99999": 5.0}
    root = parse(maps.render(boundaries, make_layer(values)))
    by_code = coloured(root)
    assert by_code[PIROT].attrib["fill"] != maps.NO_DATA_FILL
    greys = [c for c, p in by_code.items() if p.attrib["fill"] == maps.NO_DATA_FILL]
    assert len(greys) == 160
    assert [text for _, text in legend_entries(root)] == ["1.0", SUPPRESSED]


def test_no_values_at_all_gives_a_grey_map_with_the_suppressed_entry(
    boundaries: maps.Boundaries,
) -> None:
    root = parse(maps.render(boundaries, make_layer({})))
    assert {p.attrib["fill"] for p in coloured(root).values()} == {maps.NO_DATA_FILL}
    assert legend_entries(root) == [(maps.NO_DATA_FILL, SUPPRESSED)]


def test_equal_breaks_are_merged(
    boundaries: maps.Boundaries, all_values: dict[str, float | None]
) -> None:
    assert maps.class_edges([1.0, 1.0, 1.0, 1.0, 2.0, 9.0], 5) == [1.0, 2.0, 9.0]
    assert maps.class_edges([3.0, 3.0], 5) == [3.0, 3.0]
    assert maps.class_edges([], 5) == []
    values = {code: (0.0 if i < 120 else float(i)) for i, code in enumerate(all_values)}
    root = parse(maps.render(boundaries, make_layer(values), classes=5))
    entries = legend_entries(root)
    assert len(entries) < 6
    assert [fill for fill, _ in entries[:-1]] == list(maps.YLORRD[len(entries) - 1])


def test_zeros_apart_keep_the_colours_for_the_few_places_with_counts(
    boundaries: maps.Boundaries, all_values: dict[str, float | None]
) -> None:
    """Counts where almost every place has none (the statistics map): without ``zero_apart``
    the quantiles fall on 0 and 12 and 34 get one colour; with it, 0 is white and apart."""
    values = dict.fromkeys(all_values, 0.0) | {PIROT: 34.0, SMEDEREVO: 12.0}
    together = coloured(parse(maps.render(boundaries, make_layer(values))))
    assert together[PIROT].attrib["fill"] == together[SMEDEREVO].attrib["fill"]
    root = parse(maps.render(boundaries, make_layer(values), zero_apart=True))
    by_code = coloured(root)
    assert by_code[PIROT].attrib["fill"] != by_code[SMEDEREVO].attrib["fill"]
    assert by_code[SREMSKA_MITROVICA].attrib["fill"] == maps.ZERO_FILL
    assert maps.ZERO_FILL not in {by_code[PIROT].attrib["fill"], by_code[SMEDEREVO].attrib["fill"]}
    entries = legend_entries(root)
    assert entries[0] == (maps.ZERO_FILL, "0.0")
    assert entries[-1] == (maps.NO_DATA_FILL, SUPPRESSED)


def test_class_index_puts_breaks_in_the_upper_class() -> None:
    edges = [0.0, 1.0, 2.0, 3.0]
    assert [maps.class_index(v, edges) for v in (0.0, 0.5, 1.0, 2.5, 3.0)] == [0, 0, 1, 2, 2]


def test_number_format_is_used_for_legend_and_titles(
    boundaries: maps.Boundaries, all_values: dict[str, float | None]
) -> None:
    svg = maps.render(
        boundaries, make_layer(all_values), number_format=lambda v: f"{v:.2f}".replace(".", ",")
    )
    root = parse(svg)
    assert legend_entries(root)[0][1].startswith("0,50–")
    assert title_of(coloured(root)[PIROT]) == f"Pirot: {all_values[PIROT]:.2f}".replace(".", ",")


def test_negative_ranges_stay_readable(boundaries: maps.Boundaries) -> None:
    values = {PIROT: -3.0, SMEDEREVO: -1.0, SREMSKA_MITROVICA: 2.0}
    root = parse(maps.render(boundaries, make_layer(values), classes=2))
    assert legend_entries(root)[0][1] == "-3.0 – -1.0"


def test_text_is_escaped(boundaries: maps.Boundaries) -> None:
    nasty = "<script>alert(\"x\")</script> & 'q' ]]>\x07"
    layer = make_layer(
        {PIROT: 1.0},
        {PIROT: nasty},
        value_label=f"Label {nasty}",
        suppressed_label=f"None {nasty}",
        attribution=f"{maps.ATTRIBUTION} & <b>",
    )
    svg = maps.render(boundaries, layer, title=nasty, focus={PIROT})
    root = parse(svg)
    clean = nasty.replace("\x07", "")
    assert title_of(root) == clean
    assert title_of(coloured(root)[PIROT]) == f"{clean}: 1.0"
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert f"{maps.ATTRIBUTION} & <b>" in texts
    assert f"None {clean}" in texts
    assert not list(root.iter(f"{NS}script"))
    assert not list(root.iter(f"{NS}b"))


def test_blank_attribution_still_prints_the_licence_attribution(
    boundaries: maps.Boundaries,
) -> None:
    root = parse(maps.render(boundaries, make_layer({}, attribution=" ")))
    assert maps.ATTRIBUTION in [t.text for t in root.iter(f"{NS}text")]


@pytest.mark.parametrize("code", [PIROT, SMEDEREVO, SREMSKA_MITROVICA])
def test_focus_zooms_to_one_municipality(
    boundaries: maps.Boundaries, all_values: dict[str, float | None], code: str
) -> None:
    country = map_view_box(parse(maps.render(boundaries, make_layer(all_values))))
    root = parse(maps.render(boundaries, make_layer(all_values), focus={code}))
    x, y, w, h = map_view_box(root)
    assert w * h < country[2] * country[3] / 20

    x0, y0, x1, y1 = boundaries.municipalities[code].bbox
    assert x <= x0
    assert y <= y0
    assert x + w >= x1
    assert y + h >= y1
    by_code = coloured(root)
    for px, py in path_points(by_code[code].attrib["d"]):
        assert x <= px <= x + w
        assert y <= py <= y + h

    focus_path = by_code[code]
    group = root.find(f"{NS}svg/{NS}g")
    assert group is not None
    assert float(focus_path.attrib["stroke-width"]) > 3 * float(group.attrib["stroke-width"])
    assert focus_path.attrib["stroke"] == maps.FOCUS_STROKE
    assert paths(root)[-1] is focus_path  # drawn last, on top
    neighbours = [c for c, p in by_code.items() if c != code]
    assert neighbours  # neighbours stay drawn ...
    assert all("stroke-width" not in by_code[c].attrib for c in neighbours)
    assert len(by_code) < 161  # ... but what lies outside the window is left out


def test_focus_accepts_several_codes_and_a_single_string(
    boundaries: maps.Boundaries, all_values: dict[str, float | None]
) -> None:
    layer = make_layer(all_values)
    one = maps.render(boundaries, layer, focus=PIROT)
    assert one == maps.render(boundaries, layer, focus={PIROT})
    both = map_view_box(parse(maps.render(boundaries, layer, focus=[PIROT, SMEDEREVO])))
    pirot = map_view_box(parse(one))
    assert both[2] * both[3] > pirot[2] * pirot[3]
    with pytest.raises(ValueError, match="99999"):
        maps.render(boundaries, layer, focus={"99999"})


def test_bad_arguments_are_refused(boundaries: maps.Boundaries) -> None:
    with pytest.raises(ValueError, match="classes"):
        maps.render(boundaries, make_layer({}), classes=10)
    with pytest.raises(ValueError, match="classes"):
        maps.render(boundaries, make_layer({}), classes=1)
    with pytest.raises(ValueError, match="width"):
        maps.render(boundaries, make_layer({}), width=100)


def test_width_sets_the_pixel_size_keeping_the_aspect_ratio(
    boundaries: maps.Boundaries, all_values: dict[str, float | None]
) -> None:
    small = parse(maps.render(boundaries, make_layer(all_values), width=400))
    large = parse(maps.render(boundaries, make_layer(all_values), width=1200))
    assert small.attrib["width"] == "400"
    assert large.attrib["width"] == "1200"
    assert map_view_box(small) == map_view_box(large)
    inner_small, inner_large = small.find(f"{NS}svg"), large.find(f"{NS}svg")
    assert inner_small is not None
    assert inner_large is not None
    ratio_small = float(inner_small.attrib["height"]) / float(inner_small.attrib["width"])
    ratio_large = float(inner_large.attrib["height"]) / float(inner_large.attrib["width"])
    view = map_view_box(small)
    assert ratio_small == pytest.approx(view[3] / view[2], rel=1e-3)
    assert ratio_large == pytest.approx(view[3] / view[2], rel=1e-3)


def test_output_is_deterministic(
    boundaries: maps.Boundaries, all_values: dict[str, float | None]
) -> None:
    layer = make_layer(all_values, {PIROT: "Пирот"})
    first = maps.render(boundaries, layer, title="Map")
    assert (
        maps.render(boundaries, make_layer(dict(all_values), {PIROT: "Пирот"}), title="Map")
        == first
    )
    maps.load_boundaries.cache_clear()
    try:
        assert maps.render(maps.load_boundaries(), layer, title="Map") == first
    finally:
        maps.load_boundaries.cache_clear()
    focused = maps.render(boundaries, layer, focus={SMEDEREVO})
    assert maps.render(boundaries, layer, focus={SMEDEREVO}) == focused


def test_different_maps_get_different_ids(
    boundaries: maps.Boundaries, all_values: dict[str, float | None]
) -> None:
    a = parse(maps.render(boundaries, make_layer(all_values)))
    b = parse(maps.render(boundaries, make_layer(all_values), focus={PIROT}))
    assert a.attrib["aria-labelledby"] != b.attrib["aria-labelledby"]
