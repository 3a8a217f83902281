"""Inline SVG charts built on the server: no script, no style attribute (the CSP forbids both).

Colours are SVG presentation attributes; every chart has a title and a table next to it for
people who cannot see it. Suppressed cells are drawn hatched-grey and labelled "<5". Each chart
states its natural size, which a phone shows as is, scrolling sideways inside the chart's own box
(cases.css), rather than shrinking the labels out of legibility.
"""

from __future__ import annotations

from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from arusha.cases.statistics import Heatmap

CELL, LABEL_WIDTH, HEADER = 44, 200, 28
SUPPRESSED_FILL = "#d0d4d9"


def _shade(value: int, peak: int) -> str:
    # From pale to deep blue; 0 stays white.
    if value == 0 or peak == 0:
        return "#ffffff"
    level = value / peak
    red, green = int(225 - 190 * level), int(236 - 150 * level)
    return f"#{red:02x}{green:02x}e0"


def _month(day: date) -> str:
    return day.strftime("%Y-%m")


def heatmap_svg(data: Heatmap, title: str) -> SafeString:
    width = LABEL_WIDTH + CELL * len(data.months)
    height = HEADER + CELL * len(data.rows)
    header = format_html_join(
        "",
        '<text x="{}" y="18" font-size="10" text-anchor="middle">{}</text>',
        ((LABEL_WIDTH + CELL * i + CELL // 2, _month(m)[2:]) for i, m in enumerate(data.months)),
    )
    cells = []
    for row, (office, values, _total) in enumerate(data.rows):
        y = HEADER + CELL * row
        cells.append(format_html('<text x="4" y="{}" font-size="12">{}</text>', y + 27, office))
        for col, value in enumerate(values):
            x = LABEL_WIDTH + CELL * col
            fill = SUPPRESSED_FILL if value is None else _shade(value, data.peak)
            text = "<5" if value is None else str(value)
            cells.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#8a94a0"/>'
                    '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>',
                    x,
                    y,
                    CELL,
                    CELL,
                    fill,
                    x + CELL // 2,
                    y + 27,
                    text,
                )
            )
    body = mark_safe("".join(cells))  # noqa: S308 - every piece above went through format_html
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" class="chart heatmap" aria-labelledby="heatmap-title">'
        '<title id="heatmap-title">{}</title>{}{}</svg>',
        width,
        height,
        width,
        height,
        title,
        header,
        body,
    )


def trend_svg(points: list[tuple[date, int | None]], title: str) -> SafeString:
    width, height, pad = max(320, 48 * len(points) + 40), 180, 30
    peak = max((v or 0 for _m, v in points), default=0) or 1
    step = (width - 2 * pad) / max(1, len(points) - 1)

    def xy(index: int, value: int) -> tuple[float, float]:
        return pad + step * index, height - pad - (height - 2 * pad) * value / peak

    segments: list[list[tuple[float, float]]] = [[]]
    marks = []
    for index, (month, value) in enumerate(points):
        x, _y = xy(index, 0)
        marks.append(
            format_html(
                '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
                round(x, 1),
                height - 8,
                _month(month)[2:],
            )
        )
        if value is None:  # suppressed: the line breaks instead of drawing a guessable value
            segments.append([])
            continue
        segments[-1].append(xy(index, value))
        px, py = xy(index, value)
        marks.append(
            format_html(
                '<circle cx="{}" cy="{}" r="3" fill="#1f5fa8"/>'
                '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
                round(px, 1),
                round(py, 1),
                round(px, 1),
                round(py - 6, 1),
                value,
            )
        )
    lines = format_html_join(
        "",
        '<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="{}"/>',
        ((" ".join(f"{x:.1f},{y:.1f}" for x, y in seg),) for seg in segments if len(seg) > 1),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" class="chart trend" aria-labelledby="trend-title">'
        '<title id="trend-title">{}</title>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#8a94a0"/>{}{}</svg>',
        width,
        height,
        width,
        height,
        title,
        pad,
        height - pad,
        width - pad,
        height - pad,
        lines,
        mark_safe("".join(marks)),  # noqa: S308 - every mark went through format_html
    )
