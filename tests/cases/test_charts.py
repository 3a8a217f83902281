"""The statistics charts state their natural size, so that a phone shows them legible and
scrolling inside their own box instead of shrunk to the screen."""

from __future__ import annotations

from datetime import date

from arusha.cases.charts import heatmap_svg, trend_svg
from arusha.cases.statistics import Heatmap


def test_the_trend_chart_states_its_natural_size() -> None:
    points = [(date(2026, month, 1), 5 + month) for month in range(1, 13)]
    svg = trend_svg(points, "Cases per month")
    assert 'viewBox="0 0 616 180" width="616" height="180"' in svg


def test_the_heatmap_states_its_natural_size() -> None:
    months = [date(2026, month, 1) for month in range(1, 4)]
    data = Heatmap(months=months, rows=[("Port", [5, None, 7], None)])
    svg = heatmap_svg(data, "Reports per office and month")
    assert 'viewBox="0 0 332 72" width="332" height="72"' in svg
