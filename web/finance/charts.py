"""Bar charts as inline SVG, drawn on the server (no chart library, no script): bars side by side or stacked,
a value axis with round ticks and grid lines, category labels, a legend. Right to left on Arabic pages (the
first category at the right, the value axis on the right). Accessible: ``role="img"`` with a title and a
description, and each bar's ``<title>`` says its series, category and value. Every bar carries its figures as
``data-`` attributes; the page puts the same numbers in a table under the chart."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f77b4", "#e67e22", "#27ae60", "#8e44ad", "#c0392b", "#16a085", "#d4ac0d", "#2c3e50", "#7f8c8d")
_IDS = count(1)


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[Decimal | float | int, ...]  # one per category
    colour: str = ""
    key: str = ""  # what data-series says (the label when empty)


def nice_step(top: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` steps up to ``top``."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power  # pragma: no cover


def number(value: float) -> str:
    """``12,500`` or ``12.5k``-free plain figures with thousands separators (Western digits, as the tables)."""
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.2f}"


def bar_chart(*, title: str, desc: str, categories: list[str], series: list[Series], stacked: bool = False,
              rtl: bool = False, unit: str = "", width: int = 760, height: int = 340,
              category_keys: list[str] | None = None) -> SafeString:
    """The chart as an ``<svg>`` element. ``categories``: labels along the axis (``category_keys``: their
    data-category values, the labels when omitted); each series has one value per category."""
    uid = next(_IDS)
    keys = category_keys or categories
    margin_axis, margin_side, top, bottom = 70, 16, 30, 50
    legend_h = 22 * math.ceil(len(series) / 4) if series else 0
    plot_w = width - margin_axis - margin_side
    plot_h = height - top - bottom - legend_h
    n = max(len(categories), 1)
    values = [[float(v) for v in s.values] for s in series]
    if stacked:
        peak = max((sum(vals[i] for vals in values) for i in range(len(categories))), default=0.0)
    else:
        peak = max((v for vals in values for v in vals), default=0.0)
    step = nice_step(peak)
    axis_max = step * max(1, math.ceil(peak / step)) if peak > 0 else step * 5
    scale = plot_h / axis_max
    plot_x0 = margin_side if rtl else margin_axis  # the plot's left edge
    baseline = top + plot_h

    def x_of_slot(i: int) -> float:  # the left edge of category i's slot, right to left on RTL pages
        slot = plot_w / n
        return plot_x0 + (n - 1 - i) * slot if rtl else plot_x0 + i * slot

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" role="img" '
           f'aria-labelledby="chart{uid}-title chart{uid}-desc" data-dir="{"rtl" if rtl else "ltr"}" '
           f'data-axis-max="{axis_max:g}" data-plot-height="{plot_h:g}">',
           f'<title id="chart{uid}-title">{escape(title)}</title><desc id="chart{uid}-desc">{escape(desc)}</desc>']
    # Value axis: grid lines and tick labels (on the right on RTL pages).
    axis_x = plot_x0 + plot_w if rtl else plot_x0
    label_x, anchor = (axis_x + 6, "start") if rtl else (axis_x - 6, "end")
    tick = 0.0
    while tick <= axis_max + step / 1000:
        y = baseline - tick * scale
        out.append(f'<line class="grid" x1="{plot_x0:.1f}" x2="{plot_x0 + plot_w:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="#d5d8dc" stroke-width="1"/>')
        out.append(f'<text class="tick" x="{label_x:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" font-size="11" '
                   f'fill="#34495e" direction="ltr">{number(tick)}</text>')
        tick += step
    text_dir = "rtl" if rtl else "ltr"  # each text's own base direction: anchors below are meant for it
    if unit:  # beside the value axis, away from the plot: its far edge (its end) at the axis's labels
        out.append(f'<text class="unit" x="{label_x:.1f}" y="12" text-anchor="end" font-size="11" '
                   f'fill="#34495e" direction="{text_dir}">{escape(unit)}</text>')
    out.append(f'<line class="axis" x1="{axis_x:.1f}" x2="{axis_x:.1f}" y1="{top}" y2="{baseline:.1f}" '
               f'stroke="#34495e"/>')
    out.append(f'<line class="axis" x1="{plot_x0:.1f}" x2="{plot_x0 + plot_w:.1f}" y1="{baseline:.1f}" '
               f'y2="{baseline:.1f}" stroke="#34495e"/>')
    # Bars.
    slot = plot_w / n
    inner = slot * 0.8
    bar_w = inner if stacked else inner / max(len(series), 1)
    for i, (label, key) in enumerate(zip(categories, keys, strict=True)):
        x_slot = x_of_slot(i) + (slot - inner) / 2
        y_top = baseline
        for j, s in enumerate(series):
            v = values[j][i]
            h = v * scale
            if stacked:
                x, y = x_slot, y_top - h
                y_top = y
            else:
                k = (len(series) - 1 - j) if rtl else j
                x, y = x_slot + k * bar_w, baseline - h
            colour = s.colour or PALETTE[j % len(PALETTE)]
            tip = f"{s.label} — {' '.join(label.split())}: {number(v)} {unit}".strip()
            out.append(f'<rect class="bar" x="{x:.2f}" y="{y:.2f}" width="{max(bar_w - 1, 1):.2f}" height="{h:.3f}" '
                       f'fill="{colour}" data-series="{escape(s.key or s.label)}" data-category="{escape(key)}" '
                       f'data-value="{s.values[i]}"><title>{escape(tip)}</title></rect>')
        # A label may have a second line (e.g. the year under the month): "\n" in it.
        cx = x_of_slot(i) + slot / 2
        tspans = "".join(f'<tspan x="{cx:.1f}" dy="{0 if k == 0 else 13}">{escape(part)}</tspan>'
                         for k, part in enumerate(label.split("\n")))
        out.append(f'<text class="category" x="{cx:.1f}" y="{baseline + 14:.1f}" text-anchor="middle" font-size="11" '
                   f'fill="#34495e" direction="{text_dir}">{tspans}</text>')
    # Legend under the plot, four entries a row, from the reading side.
    y0 = height - legend_h + 4
    for j, s in enumerate(series):
        row, col = divmod(j, 4)
        cell = (width - 2 * margin_side) / 4
        x = (width - margin_side - (col + 1) * cell) if rtl else margin_side + col * cell
        colour = s.colour or PALETTE[j % len(PALETTE)]
        # The swatch on the reading side, the label after it (its start: the right edge on RTL text).
        box_x, text_x = (x + cell - 14, x + cell - 18) if rtl else (x, x + 18)
        out.append(f'<rect class="legend-swatch" x="{box_x:.1f}" y="{y0 + row * 22:.1f}" width="12" height="12" '
                   f'fill="{colour}"/>')
        out.append(f'<text class="legend" x="{text_x:.1f}" y="{y0 + row * 22 + 10:.1f}" text-anchor="start" '
                   f'font-size="12" fill="#17202a" direction="{text_dir}">{escape(s.label)}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 (every text above is escaped; numbers are formatted)
