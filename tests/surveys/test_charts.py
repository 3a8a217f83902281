"""The SVG bar charts: offline, labelled, no style attributes, and honest about hidden values."""

from __future__ import annotations

from arusha.surveys.charts import Bar, Row, bar_chart


def test_a_chart_draws_bars_whiskers_and_says_which_values_are_hidden() -> None:
    svg = bar_chart(
        "t",
        "Title <b>",
        "Description",
        [
            Row("Importers", [Bar(60, 50, 70)]),
            Row("Brokers", [Bar(None, suppressed=True)]),
            Row("No data", [Bar(None)]),
        ],
        ["Mean"],
        "fewer than 5",
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert '<title id="t-t">Title &lt;b&gt;</title>' in svg
    assert svg.count("<rect") == 2  # one bar and the legend swatch
    assert svg.count("fewer than 5") == 1
    assert (
        " style=" not in svg
        and "<script" not in svg
        and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
