"""The survey bar chart (spona.surveys.charts): bars with interval whiskers, drawn as SVG."""

import xml.etree.ElementTree as ET

import pytest

from spona.surveys.charts import LABEL_CHARS, Bar, bar_chart

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it is well formed


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def test_a_bar_shows_its_share_and_its_interval() -> None:
    root = parse(bar_chart([Bar("Aware", 0.944, 0.91, 0.97)], title="Awareness"))
    (bar,) = root.iter(f"{NS}rect")
    assert float(bar.attrib["width"]) == pytest.approx(339.8)  # 94.4% of 360
    assert bar.find(f"{NS}title").text == "Aware: 94.4%"  # type: ignore[union-attr]
    whisker, low_end, high_end = [
        line for line in root.iter(f"{NS}line") if line.get("stroke") == "#111"
    ]
    assert float(whisker.attrib["x1"]) == float(low_end.attrib["x1"]) == pytest.approx(400 + 327.6)
    assert float(whisker.attrib["x2"]) == float(high_end.attrib["x1"]) == pytest.approx(400 + 349.2)
    assert "94.4%" in texts(root)
    assert root.attrib["aria-label"] == "Awareness"


def test_a_hidden_share_is_a_note_without_a_bar() -> None:
    root = parse(bar_chart([Bar("Few", None)], title="T", hidden_text="fewer than 11"))
    assert list(root.iter(f"{NS}rect")) == []
    assert texts(root) == ["T", "0%", "25%", "50%", "75%", "100%", "Few", "fewer than 11"]


def test_long_labels_are_shortened_and_kept_whole_in_the_title() -> None:
    label = "A very long indicator title " * 5
    root = parse(bar_chart([Bar(label, 0.5)], title="T"))
    shown = next(t for t in root.iter(f"{NS}text") if t.get("text-anchor") == "end")
    assert len(shown.text or "") == LABEL_CHARS
    assert (shown.text or "").endswith("…")
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
