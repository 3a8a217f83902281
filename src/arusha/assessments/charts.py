"""Charts drawn on the server as inline SVG: a radar of the ten key factors and a risk heat map.

Offline by construction (no script, no library), styled only with presentation attributes (the
CSP forbids style attributes), and labelled with <title> and <desc>; each page also shows the
numbers in a table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from arusha.assessments.risks import rating_band

# Colours that stay apart for the common colour-vision deficiencies; dashes tell them apart too.
PALETTE = [("#0b5cad", ""), ("#d55e00", "6 4"), ("#7b3294", "2 3"), ("#1b7837", "10 3 2 3")]
BAND_FILL = {"low": "#cfe8cf", "medium": "#fff3a8", "high": "#ffc57a", "critical": "#f19a9a"}


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # 0..1, one per axis; None is drawn at the centre


def _point(cx: float, cy: float, radius: float, index: int, count: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _n(number: float) -> str:
    return f"{number:.1f}"


def _polygon(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def radar_svg(axes: Sequence[str], series: Sequence[Series], title: str, desc: str) -> SafeString:
    """A radar chart: one axis per label (drawn as its number), one polygon per series."""
    count, cx, cy, radius = len(axes), 200.0, 190.0, 150.0
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 {}" role="img" '
            'aria-labelledby="radar-title radar-desc" class="chart radar">'
            '<title id="radar-title">{}</title><desc id="radar-desc">{}</desc>',
            380 + 22 * len(series),
            title,
            desc,
        )
    ]
    for step in (0.25, 0.5, 0.75, 1.0):
        ring = [_point(cx, cy, radius * step, i, count) for i in range(count)]
        parts.append(
            format_html(
                '<polygon points="{}" fill="none" stroke="#b0b7c0" stroke-width="1"/>',
                _polygon(ring),
            )
        )
    for i, _label in enumerate(axes):
        x, y = _point(cx, cy, radius, i, count)
        lx, ly = _point(cx, cy, radius + 16, i, count)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#b0b7c0" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="middle" dominant-baseline="middle" '
                'font-size="13" fill="#333">{}</text>',
                _n(cx),
                _n(cy),
                _n(x),
                _n(y),
                _n(lx),
                _n(ly),
                i + 1,
            )
        )
    for n, item in enumerate(series):
        colour, dash = PALETTE[n % len(PALETTE)]
        shape = [_point(cx, cy, radius * (v or 0), i, count) for i, v in enumerate(item.values)]
        parts.append(
            format_html(
                '<polygon points="{}" fill="{}" fill-opacity="0.12" stroke="{}" '
                'stroke-width="2.5" stroke-dasharray="{}"><title>{}</title></polygon>',
                _polygon(shape),
                colour,
                colour,
                dash or "none",
                item.name,
            )
        )
        ly = 380 + 22 * n
        parts.append(
            format_html(
                '<line x1="20" y1="{}" x2="60" y2="{}" stroke="{}" stroke-width="3" '
                'stroke-dasharray="{}"/><text x="68" y="{}" font-size="13" '
                'dominant-baseline="middle" fill="#333">{}</text>',
                ly,
                ly,
                colour,
                dash or "none",
                ly,
                item.name,
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped by format_html


def heatmap_svg(
    counts: dict[tuple[int, int], int],
    ident: str,
    title: str,
    desc: str,
    likelihood: str,
    impact: str,
) -> SafeString:
    """A 5 × 5 grid of likelihood (rows, 5 at the top) by impact (columns), with the number of
    risks in each cell, coloured by the rating band of likelihood × impact."""
    size, left, top = 52, 44, 10
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
            'aria-labelledby="{}-t {}-d" class="chart heatmap"><title id="{}-t">{}</title>'
            '<desc id="{}-d">{}</desc>',
            left + 5 * size + 10,
            top + 5 * size + 44,
            ident,
            ident,
            ident,
            title,
            ident,
            desc,
        )
    ]
    for row in range(5):
        like = 5 - row
        parts.append(_axis_label(left - 12, top + row * size + size / 2, str(like)))
        for col in range(5):
            imp = col + 1
            count = counts.get((like, imp), 0)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#fff" '
                    'stroke-width="2"><title>{} {} × {} {}: {}</title></rect>',
                    left + col * size,
                    top + row * size,
                    size,
                    size,
                    BAND_FILL[rating_band(like * imp)],
                    likelihood,
                    like,
                    impact,
                    imp,
                    count,
                )
            )
            if count:
                parts.append(
                    _axis_label(
                        left + col * size + size / 2, top + row * size + size / 2, count, 18
                    )
                )
    for col in range(5):
        parts.append(_axis_label(left + col * size + size / 2, top + 5 * size + 12, str(col + 1)))
    parts.append(_axis_label(left + 2.5 * size, top + 5 * size + 32, impact))
    parts.append(
        format_html(
            '<text x="12" y="{}" font-size="12" fill="#333" text-anchor="middle" '
            'transform="rotate(-90 12 {})">{}</text>',
            top + 2.5 * size,
            top + 2.5 * size,
            likelihood,
        )
    )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped by format_html


def _axis_label(x: float, y: float, text: object, font_size: int = 12) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" text-anchor="middle" dominant-baseline="middle" '
        'font-size="{}" fill="#222">{}</text>',
        _n(x),
        _n(y),
        font_size,
        escape(str(text)),
    )
