"""Server-side SVG charts for the report pages: no JavaScript, no CDN, printable, and legible in
black and white (series differ by hatching and dash patterns as well as by colour).

Each function returns SVG markup built only from numbers and escaped labels.
"""

from django.utils.html import escape

from partyblock.core.text import number_text

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 44, 48, 48
LABEL_CHAR_WIDTH = 6.2  # pixels per character of an 11-pixel axis label (digits and "/"), a little generous  # the top margin holds the visible title (and a legend line)
# Legend items: swatch and its spacing, label width per character (11-pixel text, generous), gap.
LEGEND_SWATCH, LEGEND_CHAR_WIDTH, LEGEND_GAP = 18, 6.4, 20
# Fill patterns, darkest first: solid, dense hatching, sparse hatching, dots.
PATTERN_DEFS = """<defs>
<pattern id="p1" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#1f3b57"/></pattern>
<pattern id="p2" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#2f6f9f" stroke-width="3"/></pattern>
<pattern id="p3" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="8" height="8" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="8" stroke="#c07a00" stroke-width="1.5"/></pattern>
<pattern id="p4" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#ffffff"/><circle cx="3" cy="3" r="1.4" fill="#b00020"/></pattern>
</defs>"""


def _axis(maximum):
    """(upper bound, intervals) of the y axis: the lowest bound at or above `maximum` split into 4
    to 6 equal whole-number steps, so every tick label is exact."""
    return min(
        ((next(step for step in _ROUND_STEPS if step * n >= maximum) * n, n) for n in (4, 5, 6)),
        key=lambda axis: axis[0],
    )


# 1, 2, 5, 10, 20, 25, 50, 100, …: whole numbers only, so no tick label is rounded
_ROUND_STEPS = [int(m * 10**k) for k in range(12) for m in (1, 2, 2.5, 5) if (m * 10**k) % 1 == 0]


def _frame(title, y_max, intervals=4, y_suffix=""):
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        PATTERN_DEFS,
        f"<title>{escape(title)}</title>",
        f'<text x="{WIDTH / 2:.0f}" y="16" text-anchor="middle" font-size="13" font-weight="bold" class="chart-title">'
        f"{escape(title)}</text>",
    ]
    for i in range(intervals + 1):
        value = y_max * i / intervals
        y = TOP + plot_h - plot_h * i / intervals
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#cccccc"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{number_text(value)}{y_suffix}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#000"/>'
    )
    return parts


def line_chart(title, points):
    """`points`: [(label, value)], e.g. members at successive dates."""
    values = [v for _, v in points]
    y_max, intervals = _axis(max(values or [0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = _frame(title, y_max, intervals)
    inset = 28  # keeps the first and last labels clear of the axis and the edge
    step = (plot_w - 2 * inset) / max(len(points) - 1, 1)
    coords = [(LEFT + inset + i * step, TOP + plot_h - plot_h * v / y_max) for i, (_, v) in enumerate(points)]
    parts.append(
        '<polyline fill="none" stroke="#1f3b57" stroke-width="2.5" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        + '"/>'
    )
    # Labels wider than the room between two points (ten dates of dd/mm/yyyy) are slanted, so that
    # they never run into each other.
    slanted = max((len(label) for label, _ in points), default=0) * LABEL_CHAR_WIDTH > step
    for (label, value), (x, y) in zip(points, coords, strict=True):
        parts.append(f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="#1f3b57"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="11">{number_text(value)}</text>'
        )
        label_y = HEIGHT - BOTTOM + 16
        placing = (
            f'text-anchor="end" transform="rotate(-30 {x:.1f} {label_y})"'
            if slanted
            else 'text-anchor="middle"'
        )
        parts.append(f'<text x="{x:.1f}" y="{label_y}" {placing} font-size="11">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars_against_pace(title, bars, pace, pace_label):
    """Bars [(label, value)] with a dashed line at `pace` (e.g. the yearly admissions a target needs)."""
    y_max, intervals = _axis(max([v for _, v in bars] + [pace or 0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = _frame(title, y_max, intervals)
    slot = plot_w / max(len(bars), 1)
    for i, (label, value) in enumerate(bars):
        h = plot_h * value / y_max
        x = LEFT + i * slot + slot * 0.2
        parts.append(
            f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{slot * 0.6:.1f}" height="{h:.1f}" fill="url(#p2)" stroke="#000"/>'
        )
        parts.append(
            f'<text x="{x + slot * 0.3:.1f}" y="{TOP + plot_h - h - 5:.1f}" text-anchor="middle" font-size="11">{number_text(value)}</text>'
        )
        parts.append(
            f'<text x="{x + slot * 0.3:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11">{escape(label)}</text>'
        )
    if pace:
        y = TOP + plot_h - plot_h * pace / y_max
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#b00020" stroke-width="2" stroke-dasharray="8 5"/>'
        )
        parts.append(
            f'<text x="{LEFT + 4}" y="{TOP - 10}" font-size="11">- - - {escape(pace_label)}: {number_text(pace, 1)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_shares(title, columns, legend):
    """Stacked 100% bars: `columns` [(label, [count per series])], `legend` series names (≤ 4)."""
    plot_w = WIDTH - LEFT - RIGHT
    parts = _frame(title, 100, 4, "%")
    slot = plot_w / max(len(columns), 1)
    for i, (label, counts) in enumerate(columns):
        total = sum(counts) or 1
        x = LEFT + i * slot + slot * 0.2
        top = TOP + (HEIGHT - TOP - BOTTOM)
        for series, count in enumerate(counts):
            h = (HEIGHT - TOP - BOTTOM) * count / total
            top -= h
            if h > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{top:.1f}" width="{slot * 0.6:.1f}" height="{h:.1f}" fill="url(#p{series + 1})" stroke="#000" stroke-width="0.6"/>'
                )
        parts.append(
            f'<text x="{x + slot * 0.3:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11">{escape(label)}</text>'
        )
    legend_y = HEIGHT - 4
    # Each item as wide as its label (a generous estimate: print fonts are wider than the screen's)
    # plus a gap, so a long label ("Mức 3: hoàn thành") never touches the next swatch.
    widths = [LEGEND_SWATCH + len(name) * LEGEND_CHAR_WIDTH for name in legend]
    x = min(LEFT, max(4, WIDTH - 4 - sum(widths) - LEGEND_GAP * (len(legend) - 1)))
    for series, (name, width) in enumerate(zip(legend, widths, strict=True)):
        parts.append(
            f'<rect x="{x:.1f}" y="{legend_y - 10}" width="14" height="12" fill="url(#p{series + 1})" stroke="#000" stroke-width="0.6"/>'
        )
        parts.append(f'<text x="{x + LEGEND_SWATCH:.1f}" y="{legend_y}" font-size="11">{escape(name)}</text>')
        x += width + LEGEND_GAP
    parts.append("</svg>")
    return "".join(parts)
