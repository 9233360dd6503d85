"""Charts drawn as self-contained SVG on the server: no JavaScript, no fonts to fetch.

Each series gets a colour and a distinct marker shape, and its label sits at the
end of its line, so the chart never relies on colour alone.
"""

from __future__ import annotations

from html import escape

# colour-blind-safe palette (Okabe-Ito) and one marker shape per series
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
MARKERS = ("circle", "square", "diamond", "triangle", "circle-open", "square-open")


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    r = 4.5
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}"/>'
    if kind == "circle-open":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="#fff" stroke="{colour}" stroke-width="2"/>'
    if kind in ("square", "square-open"):
        fill = colour if kind == "square" else "#fff"
        return (f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" fill="{fill}" '
                f'stroke="{colour}" stroke-width="2"/>')
    if kind == "diamond":
        return (f'<polygon points="{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y:.1f} {x:.1f},{y + r + 1:.1f} '
                f'{x - r - 1:.1f},{y:.1f}" fill="{colour}"/>')
    return (f'<polygon points="{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y + r:.1f} {x - r - 1:.1f},{y + r:.1f}" '
            f'fill="{colour}"/>')


def _legend(ends: list[tuple[float, str, str, str]], x: float, lo: float, hi: float) -> list[str]:
    """Each series' name at the height its line ends, spread so no two labels overlap."""
    gap = 16.0
    ends = sorted(ends)
    ys: list[float] = []
    for y, *_ in ends:
        ys.append(max(y, ys[-1] + gap) if ys else y)
    overflow = (ys[-1] - hi) if ys else 0
    if overflow > 0:  # pushed below the plot: shift the stack up, but not above its top
        ys = [max(lo, y - overflow) for y in ys]
        for i in range(1, len(ys)):
            ys[i] = max(ys[i], ys[i - 1] + gap)
    out = []
    for y, (_, name, marker, colour) in zip(ys, ends):
        out.append(_marker(marker, x, y, colour))
        out.append(f'<text x="{x + 10}" y="{y + 4:.1f}" fill="#1f2933">{escape(name)}</text>')
    return out


def line_chart(series: dict[str, list[float]], labels: list[str], *, title: str, y_min: float = 1,
               y_max: float = 4, y_ticks: dict[float, str] | None = None, width: int = 760,
               height: int = 360) -> str:
    """One line per series over the same x labels (sessions, oldest first)."""
    left, right, top, bottom = 70, 190, 44, 56
    pw, ph = width - left - right, height - top - bottom
    n = max((len(v) for v in series.values()), default=0)

    def x_at(i: int) -> float:
        return left + (pw / 2 if n <= 1 else pw * i / (n - 1))

    def y_at(v: float) -> float:
        return top + ph * (1 - (v - y_min) / ((y_max - y_min) or 1))

    ticks = y_ticks or {v: str(v) for v in range(int(y_min), int(y_max) + 1)}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-labelledby="chart-title" font-family="system-ui, sans-serif" '
           f'font-size="12">',
           f'<title id="chart-title">{escape(title)}</title>',
           f'<rect width="{width}" height="{height}" fill="#fff"/>',
           f'<text x="{left}" y="24" font-size="15" font-weight="600" fill="#1f2933">{escape(title)}</text>']
    for v, name in ticks.items():
        y = y_at(v)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#e4e7eb"/>')
        out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#52606d">{escape(name)}</text>')
    step = max(1, n // 10)
    for i, lab in enumerate(labels[:n]):
        if i % step == 0 or i == n - 1:
            out.append(f'<text x="{x_at(i):.1f}" y="{top + ph + 20}" text-anchor="middle" fill="#52606d">'
                       f'{escape(lab)}</text>')
    if n == 0:
        out.append(f'<text x="{left + pw / 2}" y="{top + ph / 2}" text-anchor="middle" fill="#52606d">'
                   'No graded sessions yet</text>')
    ends: list[tuple[float, str, str, str]] = []  # (y of the last point, name, marker, colour)
    for k, (name, values) in enumerate(series.items()):
        colour, marker = COLOURS[k % len(COLOURS)], MARKERS[k % len(MARKERS)]
        # small vertical offsets keep equal scores from hiding each other's lines
        off = (k - (len(series) - 1) / 2) * 2.0
        pts = [(x_at(i), y_at(v) + off) for i, v in enumerate(values)]
        if len(pts) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out.extend(_marker(marker, x, y, colour) for x, y in pts)
        if pts:
            ends.append((pts[-1][1], name, marker, colour))
    out.extend(_legend(ends, left + pw + 14, top, top + ph))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def progress_chart(prog) -> str:
    """Dimension scores (1-4) over the graded sessions, oldest first."""
    labels = [p.when.strftime("%d %b") for p in prog.points]
    series = {title: [float(v) for v in prog.series(dim)] for dim, title in prog.dimension_titles.items()}
    return line_chart(series, labels, title="Dimension scores by session (1 = weak, 4 = strong)",
                      y_ticks={1: "1 weak", 2: "2", 3: "3", 4: "4 strong"})


VERDICT_LEVEL = {"strong_no_hire": 1, "no_hire": 2, "hire": 3, "strong_hire": 4}


def verdict_chart(prog) -> str:
    """The verdict of each graded session, oldest first, on a four-step scale."""
    labels = [p.when.strftime("%d %b") for p in prog.points]
    values = [float(VERDICT_LEVEL.get(p.verdict, 1)) for p in prog.points]
    return line_chart({"Verdict": values}, labels, title="Verdict by session",
                      y_ticks={1: "Strong no hire", 2: "No hire", 3: "Hire", 4: "Strong hire"}, height=260)
