"""charts.bar_chart with a negative value: a day when refunds outweighed sales."""

import re

import pytest

from littlelemon.reports import charts


def _rects(svg: str) -> list[tuple[float, float]]:
    return [
        (float(y), float(h))
        for y, h in re.findall(r'class="chart__bar" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', svg)
    ]


def _chart(*values):
    return charts.bar_chart(
        chart_id="c",
        title="t",
        description="d",
        bars=[charts.Bar(label=f"d{n}", value=value, text=str(value)) for n, value in enumerate(values)],
        x_label="Day",
        y_label="Sales",
    )


def test_a_negative_bar_hangs_below_the_zero_line():
    svg = _chart(40, -5, 0)
    zero = float(re.search(r'class="chart__axis" x1="\d+" x2="\d+" y1="([\d.]+)"', svg).group(1))

    (up_y, up_h), (down_y, down_h), (_, flat_h) = _rects(svg)

    assert up_y + up_h == pytest.approx(zero) and up_h > 0  # above the line
    assert down_y == zero and 0 < down_h < up_h  # below it, shorter
    assert flat_h == 0
    ticks = re.findall(r'text-anchor="end">(-?[\d.]+)</text>', svg)
    assert ticks == ["-20", "0", "20", "40"]  # steps of 20 over the 45 spanned


def test_without_negatives_the_axis_starts_at_zero_in_four_steps():
    svg = _chart(40, 10)

    assert re.findall(r'text-anchor="end">(-?[\d.]+)</text>', svg) == ["0", "10", "20", "30", "40"]
    assert all(h > 0 for _, h in _rects(svg))
