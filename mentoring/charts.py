"""Small server-side SVG charts: no JavaScript and nothing from outside the closed network.

Each chart is an ``<svg role="img">`` with a title; the page shows the same figures as a
table for screen readers and for copying.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import count

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 40
_ids = count(1)


def _nice_top(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ at or above ``value``, so the axis reads round."""
    if value <= 0:
        return 1.0
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)


def bar_chart(title: str, bars: Sequence[tuple[str, Decimal | int | float]],
              fmt: Callable[[float], str], *, line: Decimal | float | None = None,
              line_label: str = "") -> Markup:
    """Vertical bars with value labels; ``line`` draws a horizontal reference (a budget)."""
    chart_id = f"chart-{next(_ids)}"
    values = [float(v) for _, v in bars]
    top = _nice_top(max([*values, float(line or 0), 0.0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(bars), 1)

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * value / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}" class="chart" font-family="sans-serif" font-size="11">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    for tick in (0.0, top / 2, top):
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y(tick) + 4:.1f}" text-anchor="end" '
                     f'fill="#555">{escape(fmt(tick))}</text>')
    for index, ((label, _), value) in enumerate(zip(bars, values, strict=True)):
        x = LEFT + index * slot + slot * 0.15
        width = slot * 0.7
        parts.append(f'<rect x="{x:.1f}" y="{y(value):.1f}" width="{width:.1f}" '
                     f'height="{max(y(0) - y(value), 0):.1f}" fill="#1d5fbf"/>')
        if value:
            parts.append(f'<text x="{x + width / 2:.1f}" y="{y(value) - 3:.1f}" '
                         f'text-anchor="middle" fill="#111">{escape(fmt(value))}</text>')
        parts.append(f'<text x="{x + width / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" '
                     f'text-anchor="middle" fill="#333">{escape(label)}</text>')
    if line is not None:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(float(line)):.1f}" '
                     f'y2="{y(float(line)):.1f}" stroke="#c0392b" stroke-width="2" '
                     f'stroke-dasharray="6 4"/>')
        parts.append(f'<text x="{WIDTH - RIGHT}" y="{y(float(line)) - 4:.1f}" '
                     f'text-anchor="end" fill="#c0392b">{escape(line_label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
