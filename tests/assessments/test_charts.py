"""Charts are inline SVG: no script, no style attribute, titled for screen readers."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from arusha.assessments.charts import Series, heatmap_svg, radar_svg

SVG = "{http://www.w3.org/2000/svg}"


def test_the_radar_draws_one_polygon_per_series_and_is_labelled() -> None:
    svg = radar_svg(
        [f"Factor {n}" for n in range(1, 11)],
        [Series("2025", [0.5] * 10), Series("Median <b>", [1.0] * 9 + [None])],
        "Scores & levels",
        "Ten axes",
    )
    root = ElementTree.fromstring(svg)  # noqa: S314 - SVG this test just made
    assert root.find(f"{SVG}title").text == "Scores & levels"
    assert root.find(f"{SVG}desc").text == "Ten axes"
    polygons = root.findall(f"{SVG}polygon")
    assert len(polygons) == 4 + 2  # four rings, two series
    assert "style=" not in svg and "<script" not in svg
    assert "Median &lt;b&gt;" in svg
    # A value of 1 on the first axis reaches the outer ring, straight up from the centre.
    first = polygons[-1].get("points").split()[0]
    assert first == "200.0,40.0"


def test_the_heat_map_counts_risks_per_cell() -> None:
    svg = heatmap_svg({(5, 4): 2, (1, 1): 1}, "heat", "Inherent", "Risks", "Likelihood", "Impact")
    root = ElementTree.fromstring(svg)  # noqa: S314 - SVG this test just made
    assert len(root.findall(f"{SVG}rect")) == 25
    assert "Likelihood 5 × Impact 4: 2" in svg
    assert "style=" not in svg
    critical = [r for r in root.findall(f"{SVG}rect") if r.get("fill") == "#f19a9a"]
    assert len(critical) == len(
        [1 for lik in range(1, 6) for imp in range(1, 6) if lik * imp >= 17]
    )
    assert re.search(r">2</text>", svg)
