"""Inline SVG bars for the drill-down page: no script and no style attributes, for the CSP."""

from __future__ import annotations

from dataclasses import dataclass

CAP = 10.0  # a contribution is a z-score capped at 10
WIDTH = 360


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    width: int
    text_x: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    width: int = WIDTH + 200


def contribution_chart(contributions: dict[str, float]) -> BarChart:
    """One bar per computed indicator, its contribution to the score, largest first."""
    items = sorted(contributions.items(), key=lambda item: -item[1])
    bars = []
    for n, (label, value) in enumerate(items):
        width = round(WIDTH * min(max(value, 0.0), CAP) / CAP)
        bars.append(Bar(label, value, 8 + 26 * n, width, 170 + width + 6))
    return BarChart(bars, height=16 + 26 * len(bars))
