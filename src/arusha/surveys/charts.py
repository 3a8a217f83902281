"""Horizontal bar charts drawn on the server as inline SVG, with 95 % interval whiskers.

Offline by construction (no script, no library), coloured with presentation attributes only
(the CSP forbids style attributes), labelled with <title> and <desc>; every chart sits beside
a table of the same numbers. A suppressed value is drawn as no bar and the words from `hidden`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from arusha.assessments.charts import PALETTE


@dataclass(frozen=True)
class Bar:
    value: float | None  # 0..100; None when suppressed or missing
    low: float | None = None
    high: float | None = None
    suppressed: bool = False  # None because too few answered: say so, rather than nothing


@dataclass(frozen=True)
class Row:
    label: str
    bars: Sequence[Bar]


LABEL_WIDTH, PLOT_WIDTH, BAR_HEIGHT, GAP = 290, 300, 14, 10
LABEL_CHARACTERS = 42


def _x(value: float) -> float:
    return LABEL_WIDTH + PLOT_WIDTH * max(0.0, min(100.0, value)) / 100


def bar_chart(
    ident: str,
    title: str,
    desc: str,
    rows: Sequence[Row],
    series: Sequence[str],
    hidden: str,
) -> SafeString:
    """One group of bars per row, one bar per series, on a 0 to 100 axis."""
    per_row = len(series) * BAR_HEIGHT + GAP
    height = 30 + per_row * len(rows) + 22 * len(series)
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
            'aria-labelledby="{}-t {}-d" class="chart bars"><title id="{}-t">{}</title>'
            '<desc id="{}-d">{}</desc>',
            LABEL_WIDTH + PLOT_WIDTH + 20,
            height,
            ident,
            ident,
            ident,
            title,
            ident,
            desc,
        )
    ]
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            format_html(
                '<line x1="{}" y1="18" x2="{}" y2="{}" stroke="#d0d5db" stroke-width="1"/>'
                '<text x="{}" y="12" font-size="11" text-anchor="middle" fill="#333">{}</text>',
                _x(tick),
                _x(tick),
                height - 22 * len(series),
                _x(tick),
                tick,
            )
        )
    for r, row in enumerate(rows):
        top = 24 + r * per_row
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" text-anchor="end" '
                'dominant-baseline="middle" fill="#222">{}</text>',
                LABEL_WIDTH - 8,
                top + len(series) * BAR_HEIGHT / 2,
                _short(row.label),
            )
        )
        for s, bar in enumerate(row.bars):
            parts.append(_bar(bar, top + s * BAR_HEIGHT, s, series[s], hidden))
    legend_top = height - 22 * len(series) + 8
    for s, name in enumerate(series):
        colour = PALETTE[s % len(PALETTE)][0]
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="14" height="12" fill="{}"/>'
                '<text x="{}" y="{}" font-size="12" dominant-baseline="middle" '
                'fill="#333">{}</text>',
                LABEL_WIDTH,
                legend_top + 22 * s,
                colour,
                LABEL_WIDTH + 20,
                legend_top + 22 * s + 6,
                name,
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped by format_html


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def _bar(bar: Bar, top: float, index: int, name: str, hidden: str) -> SafeString:
    colour = PALETTE[index % len(PALETTE)][0]
    middle = top + BAR_HEIGHT / 2
    if bar.value is None and not bar.suppressed:
        return SafeString("")
    if bar.value is None:
        return format_html(
            '<text x="{}" y="{}" font-size="11" dominant-baseline="middle" fill="#666" '
            'font-style="italic">{}</text>',
            LABEL_WIDTH + 4,
            middle,
            hidden,
        )
    out = format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>',
        LABEL_WIDTH,
        top + 1,
        f"{_x(bar.value) - LABEL_WIDTH:.1f}",
        BAR_HEIGHT - 2,
        colour,
        name,
        f"{bar.value:.0f}",
    )
    if bar.low is not None and bar.high is not None:
        out += format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#111" stroke-width="1.5"/>',
            f"{_x(bar.low):.1f}",
            middle,
            f"{_x(bar.high):.1f}",
            middle,
        )
    return mark_safe(out)  # noqa: S308 - both parts are escaped by format_html
