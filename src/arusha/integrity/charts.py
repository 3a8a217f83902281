"""Inline SVG bars for the drill-down page: no script and no style attributes, for the CSP.

The templates draw what these dataclasses place; colours come from classes in integrity.css.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.template.defaultfilters import floatformat

from arusha.integrity.drilldown import Share
from arusha.integrity.models import PairCell

CAP = 10.0  # a contribution is a z-score capped at 10
# Paired bars put each label on its own line above its two bars, so the chart stays narrow
# enough to read on a phone without scrolling sideways.
PAIRED_WIDTH = 400
PAIRED_BAR = 300
# A contribution's bar sits under its indicator's title, which is HTML so that it wraps in any
# language; the bar's own SVG, on the paired charts' scale, holds only the bar and its value.
CONTRIBUTION_BAR = PAIRED_BAR
PAIRED_ROW = 60
PAIRED_TOP = 6  # the legend is HTML above the chart, where it can wrap in any language


@dataclass(frozen=True)
class Bar:
    indicator: str
    value: float
    width: int

    @property
    def text_x(self) -> int:
        return 4 + self.width + 6


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int = PAIRED_WIDTH


def contribution_chart(contributions: dict[str, float]) -> BarChart:
    """One bar per computed indicator, its contribution to the score, largest first."""
    items = sorted(contributions.items(), key=lambda item: -item[1])
    bars = [
        Bar(indicator, value, round(CONTRIBUTION_BAR * min(max(value, 0.0), CAP) / CAP))
        for indicator, value in items
    ]
    return BarChart(bars)


@dataclass(frozen=True)
class PairedBars:
    """One label with two bars under it: the entity's value, then what it is compared with."""

    label: str
    value: float
    reference: float
    value_text: str
    reference_text: str
    flagged: bool
    y: int  # baseline of the label; the bars follow below it
    width: int
    reference_width: int

    @property
    def bar_y(self) -> int:
        return self.y + 6

    @property
    def reference_y(self) -> int:
        return self.y + 24

    @property
    def text_x(self) -> int:
        return 4 + self.width + 6

    @property
    def reference_text_x(self) -> int:
        return 4 + self.reference_width + 6


@dataclass(frozen=True)
class PairedChart:
    rows: list[PairedBars]
    height: int
    width: int = PAIRED_WIDTH


def _paired(items: Sequence[tuple[str, float, float, str, str, bool]]) -> PairedChart:
    # Both bars of every row share one scale from zero, so lengths compare across rows too.
    peak = max([max(i[1], i[2]) for i in items] + [0.0])
    rows = []
    for n, (label, value, reference, value_text, reference_text, flagged) in enumerate(items):
        rows.append(
            PairedBars(
                label=label,
                value=value,
                reference=reference,
                value_text=value_text,
                reference_text=reference_text,
                flagged=flagged,
                y=PAIRED_TOP + 16 + PAIRED_ROW * n,
                width=_length(value, peak),
                reference_width=_length(reference, peak),
            )
        )
    return PairedChart(rows, height=PAIRED_TOP + 8 + PAIRED_ROW * len(rows))


def _length(value: float, peak: float) -> int:
    if peak <= 0 or value <= 0:
        return 0
    return max(1, round(PAIRED_BAR * value / peak))


def percent(share: float) -> str:
    return f"{_decimal(100 * share)} %"


def mix_chart(shares: Sequence[Share]) -> PairedChart:
    """Shares of the entity's declarations against the office's, in the order given."""
    return _paired(
        [
            (s.partner, s.share, s.reference, percent(s.share), percent(s.reference), s.flagged)
            for s in shares
        ]
    )


def observed_chart(cells: Sequence[PairCell]) -> PairedChart:
    """A pair's declarations in each quarter against the count random assignment predicts."""
    return _paired(
        [
            (c.period, float(c.n), c.expected, str(c.n), _decimal(c.expected), c.flagged)
            for c in cells
        ]
    )


def _decimal(value: float) -> str:
    """One decimal, rounded and localised as the tables beside the charts show it."""
    return str(floatformat(value, 1))
