"""Charts drawn on the server as SVG: no JavaScript, no charting library.

Each chart is an `<svg role="img" aria-labelledby="…">` named by its `<title>` and described by
its `<desc>` (what it shows and where the same figures are as a table), with axis labels. Every
piece of text goes through `escape()`: dish names are written by people. Colours come from
classes styled in static/staff/reports.css (no inline style: the CSP forbids it).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 720
HEAT_LEVELS = 5
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar (or beside it), may be shortened
    value: Decimal | int | float
    text: str  # the bar's figure as people read it ("$120.50"), for its tooltip


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _nice_ceiling(value: float) -> tuple[float, float]:
    """An axis maximum at or above `value` and its step, in 1, 2, 2.5 or 5 × 10^n (four steps)."""
    if value <= 0:
        return 1.0, 0.25
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * 4, step


def _value_axis(values: list[float]) -> tuple[float, float, float]:
    """The value axis (lowest, highest, step): from zero up in four steps; when a value is
    negative, from a multiple of the step below it to one above the highest, through zero."""
    highest, lowest = max(values, default=0), min(values, default=0)
    if lowest >= 0:
        maximum, step = _nice_ceiling(highest)
        return 0.0, maximum, step
    _, step = _nice_ceiling(max(highest, 0) - lowest)
    return -step * math.ceil(-lowest / step), step * max(math.ceil(max(highest, 0) / step), 0), step


def _open(chart_id: str, title: str, description: str, height: int, css_class: str) -> list[str]:
    return [
        f'<svg class="chart {css_class}" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    x_label: str,
    y_label: str,
    y_format=_number,
) -> SafeString:
    """Vertical bars (e.g. sales by day); with many bars only every n-th one is labelled. A
    negative value (a day when refunds outweighed sales) hangs below the zero line."""
    height, left, right, top, bottom = 320, 72, 16, 16, 64
    plot_width, plot_height = WIDTH - left - right, height - top - bottom
    low, high, step = _value_axis([float(bar.value) for bar in bars])

    def y_of(value: float) -> float:
        return top + plot_height * (high - value) / (high - low)

    parts = _open(chart_id, title, description, height, "chart--bars")
    # The value axis: gridlines and their labels.
    for n in range(round((high - low) / step) + 1):
        value = low + step * n
        y = y_of(value)
        parts.append(f'<line class="chart__grid" x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="chart__tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(y_format(value))}</text>"
        )
    slot = plot_width / max(len(bars), 1)
    every = max(1, math.ceil(len(bars) / 12))
    zero = y_of(0)
    for index, bar in enumerate(bars):
        end = y_of(float(bar.value))
        x = left + slot * index + slot * 0.1
        parts.append(
            f'<rect class="chart__bar" x="{x:.1f}" y="{min(end, zero):.1f}" width="{slot * 0.8:.1f}" '
            f'height="{abs(zero - end):.1f}"><title>{escape(bar.label)}: {escape(bar.text)}</title></rect>'
        )
        if index % every == 0:
            parts.append(
                f'<text class="chart__tick" x="{x + slot * 0.4:.1f}" y="{top + plot_height + 18}" '
                f'text-anchor="middle">{escape(_shorten(bar.label, 12))}</text>'
            )
    parts.append(f'<line class="chart__axis" x1="{left}" x2="{WIDTH - right}" y1="{zero:.1f}" y2="{zero:.1f}"/>')
    parts.append(
        f'<text class="chart__label" x="{left + plot_width / 2:.1f}" y="{height - 12}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    parts.append(
        f'<text class="chart__label" x="16" y="{top + plot_height / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 16 {top + plot_height / 2:.1f})">{escape(y_label)}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def horizontal_bar_chart(
    *, chart_id: str, title: str, description: str, bars: Sequence[Bar], x_label: str, y_label: str
) -> SafeString:
    """Horizontal bars with their names beside them (e.g. top dishes)."""
    row, left, right, top, bottom = 28, 200, 96, 8, 48
    height = top + bottom + row * max(len(bars), 1)
    plot_width = WIDTH - left - right
    maximum = max((float(bar.value) for bar in bars), default=0) or 1.0
    parts = _open(chart_id, title, description, height, "chart--hbars")
    for index, bar in enumerate(bars):
        y = top + row * index
        length = plot_width * float(bar.value) / maximum
        parts.append(
            f'<text class="chart__tick" x="{left - 8}" y="{y + row * 0.65:.1f}" text-anchor="end">'
            f"{escape(_shorten(bar.label, 26))}</text>"
        )
        parts.append(
            f'<rect class="chart__bar" x="{left}" y="{y + 4}" width="{length:.1f}" height="{row - 8}">'
            f"<title>{escape(bar.label)}: {escape(bar.text)}</title></rect>"
        )
        parts.append(
            f'<text class="chart__value" x="{left + length + 6:.1f}" y="{y + row * 0.65:.1f}">{escape(bar.text)}</text>'
        )
    axis_y = top + row * max(len(bars), 1)
    parts.append(f'<line class="chart__axis" x1="{left}" x2="{left}" y1="{top}" y2="{axis_y}"/>')
    parts.append(
        f'<text class="chart__label" x="{left + plot_width / 2:.1f}" y="{axis_y + 32}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    parts.append(f'<text class="chart__label" x="8" y="{axis_y + 32}" text-anchor="start">{escape(y_label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def heat_level(count: int, busiest: int) -> int:
    """0 for none, else 1..HEAT_LEVELS by the share of the busiest hour."""
    if count <= 0 or busiest <= 0:
        return 0
    return max(1, math.ceil(HEAT_LEVELS * count / busiest))


def heat_map(*, chart_id: str, title: str, description: str, counts: Sequence[Sequence[int]]) -> SafeString:
    """A week (rows Monday to Sunday) by hour (columns 0 to 23), darker where busier."""
    left, top, cell, bottom = 48, 24, 26, 72
    height = top + cell * 7 + bottom
    busiest = max((count for row in counts for count in row), default=0)
    parts = _open(chart_id, title, description, height, "chart--heat")
    for hour in range(0, 24, 3):
        parts.append(
            f'<text class="chart__tick" x="{left + cell * hour + cell / 2:.1f}" y="{top - 8}" '
            f'text-anchor="middle">{hour:02d}</text>'
        )
    for weekday, row in enumerate(counts):
        y = top + cell * weekday
        parts.append(
            f'<text class="chart__tick" x="{left - 8}" y="{y + cell * 0.65:.1f}" text-anchor="end">'
            f"{WEEKDAYS[weekday]}</text>"
        )
        for hour, count in enumerate(row):
            level = heat_level(count, busiest)
            parts.append(
                f'<rect class="chart__heat chart__heat--{level}" x="{left + cell * hour + 1}" y="{y + 1}" '
                f'width="{cell - 2}" height="{cell - 2}"><title>{WEEKDAYS[weekday]} {hour:02d}:00: '
                f"{count} order{'' if count == 1 else 's'}</title></rect>"
            )
    legend_y = top + cell * 7 + 16
    parts.append(f'<text class="chart__label" x="{left}" y="{legend_y + 14}">Fewer</text>')
    for level in range(HEAT_LEVELS + 1):
        parts.append(
            f'<rect class="chart__heat chart__heat--{level}" x="{left + 56 + level * 22}" y="{legend_y}" '
            f'width="18" height="18"/>'
        )
    parts.append(f'<text class="chart__label" x="{left + 64 + (HEAT_LEVELS + 1) * 22}" y="{legend_y + 14}">More</text>')
    parts.append(
        f'<text class="chart__label" x="{left + cell * 12}" y="{height - 8}" text-anchor="middle">'
        "Hour of the day (local time)</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
