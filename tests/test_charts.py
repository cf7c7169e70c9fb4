"""The survey bar chart (spona.surveys.charts): bars with interval whiskers, drawn as SVG."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from spona.surveys.charts import BAR_W, BAR_X, LABEL_CHARS, WIDTH, Bar, bar_chart

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it is well formed


def text_of(element: ET.Element) -> str:
    """A text element's words: its own text or its lines (tspans) joined by spaces."""
    lines = [t.text or "" for t in element.iter(f"{NS}tspan")]
    return " ".join(lines) if lines else element.text or ""


def texts(root: ET.Element) -> list[str]:
    return [text_of(t) for t in root.iter(f"{NS}text")]


def test_a_bar_shows_its_share_and_its_interval() -> None:
    with translation.override("en"):
        root = parse(bar_chart([Bar("Aware", 0.944, 0.91, 0.97)], title="Awareness"))
    (bar,) = root.iter(f"{NS}rect")
    assert float(bar.attrib["width"]) == pytest.approx(BAR_W * 0.944, abs=0.1)
    assert bar.find(f"{NS}title").text == "Aware: 94.4%"  # type: ignore[union-attr]
    whisker, low_end, high_end = [
        line for line in root.iter(f"{NS}line") if line.get("stroke") == "#111"
    ]
    assert (
        float(whisker.attrib["x1"])
        == float(low_end.attrib["x1"])
        == pytest.approx(BAR_X + BAR_W * 0.91, abs=0.1)
    )
    assert (
        float(whisker.attrib["x2"])
        == float(high_end.attrib["x1"])
        == pytest.approx(BAR_X + BAR_W * 0.97, abs=0.1)
    )
    assert "94.4%" in texts(root)
    assert root.attrib["aria-label"] == "Awareness"


def test_the_chart_scales_it_has_a_view_box_and_no_fixed_width() -> None:
    root = parse(bar_chart([Bar("Aware", 0.5)], title="T"))
    assert "width" not in root.attrib
    assert root.attrib["viewBox"].startswith(f"0 0 {WIDTH} ")


def test_numbers_are_in_the_readers_format() -> None:
    with translation.override("sr"):
        root = parse(bar_chart([Bar("Свесни", 0.946)], title="T"))
    assert "94,6%" in texts(root)
    assert texts(root)[1:6] == ["0%", "25%", "50%", "75%", "100%"]


def test_a_hidden_share_is_a_note_without_a_bar() -> None:
    root = parse(bar_chart([Bar("Few", None)], title="T", hidden_text="fewer than 11"))
    assert list(root.iter(f"{NS}rect")) == []
    assert texts(root) == ["T", "0%", "25%", "50%", "75%", "100%", "Few", "fewer than 11"]


def test_long_labels_wrap_onto_lines_and_keep_every_word() -> None:
    label = "Свако може постати жртва трговине људима ако се нађе у тешкој ситуацији " * 3
    root = parse(bar_chart([Bar(label, 0.5)], title="T"))
    shown = next(t for t in root.iter(f"{NS}text") if t.get("data-part") == "label")
    lines = [t.text or "" for t in shown.iter(f"{NS}tspan")]
    assert len(lines) > 2
    assert all(len(line) <= LABEL_CHARS for line in lines)
    assert " ".join(lines) == " ".join(label.split())
    assert shown.find(f"{NS}title").text == label  # type: ignore[union-attr]


def test_series_get_their_colours_and_the_legend_names_them() -> None:
    bars = [Bar("Aware", 0.9, series=0), Bar("", 0.8, series=1)]
    root = parse(bar_chart(bars, title="T", legend=["2026", "2027"]))
    rects = list(root.iter(f"{NS}rect"))
    assert [r.attrib["fill"] for r in rects[:2]] == [r.attrib["fill"] for r in rects[2:]]
    assert rects[0].attrib["fill"] != rects[1].attrib["fill"]
    assert texts(root)[-2:] == ["2026", "2027"]


def test_text_is_escaped() -> None:
    nasty = "<script>alert(\"x\")</script> & 'q'"
    svg = bar_chart([Bar(nasty, None)], title=nasty, legend=[nasty], hidden_text=nasty)
    root = parse(svg)
    assert root.attrib["aria-label"] == nasty
    assert texts(root).count(nasty) >= 3
    assert not list(root.iter(f"{NS}script"))
    assert "<script" not in svg
