"""The dashboard's charting code: small, server-rendered, accessible SVG (no CDN, no JavaScript).

Every chart carries `<title>` and `<desc>` (read by screen readers), prints its numbers as text
labels, and tells categories apart by pattern and a text code as well as by colour, so it reads
in black-and-white print and for colour-blind readers. The same SVG is inlined in the pages and
embedded in the Typst meeting pack.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.formats import get_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from nyata.reporting import labels

# category code -> (colour, pattern, short label). Colour is never the only signal: each has
# its own fill pattern and its short label printed next to the bar.
CATEGORIES: dict[str, tuple[str, str, str]] = {
    "sangat_tinggi": ("#1b5e20", "solid", "ST"),
    "tinggi": ("#2e7d32", "diagonal", "T"),
    "sedang": ("#8d6e00", "dots", "S"),
    "rendah": ("#bf360c", "cross", "R"),
    "sangat_rendah": ("#b71c1c", "horizontal", "SR"),
    "": ("#616161", "none", "—"),
}
CATEGORY_LABELS = labels.CATEGORY_LABELS
FONT = "font-family=\"Libertinus Serif, DejaVu Sans, Arial, sans-serif\""


def number(value: float | None, decimals: int = 2) -> str:
    """85.456 → '85,46', 1234.5 → '1.234,5' in Indonesian ('85.46', '1,234.5' in English); no trailing zeros."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = number_format(round(value, decimals), decimals, use_l10n=True, force_grouping=True)
    mark = get_format("DECIMAL_SEPARATOR")
    if mark in text:
        text = text.rstrip("0").rstrip(mark)
    return text


def _attr(v: str) -> str:
    return quoteattr(v)


def _patterns(prefix: str) -> str:
    out = []
    for code, (colour, kind, _short) in CATEGORIES.items():
        pid = f"{prefix}-{code or 'none'}"
        if kind == "solid" or kind == "none":
            body = f'<rect width="8" height="8" fill="{colour}"/>'
        elif kind == "diagonal":
            body = (f'<rect width="8" height="8" fill="{colour}" opacity="0.85"/>'
                    '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#fff" stroke-width="1.6"/>')
        elif kind == "dots":
            body = f'<rect width="8" height="8" fill="{colour}"/><circle cx="4" cy="4" r="1.7" fill="#fff"/>'
        elif kind == "cross":
            body = (f'<rect width="8" height="8" fill="{colour}"/>'
                    '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#fff" stroke-width="1.2"/>')
        else:
            body = f'<rect width="8" height="8" fill="{colour}"/><path d="M0,4 H8" stroke="#fff" stroke-width="2"/>'
        out.append(f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">{body}</pattern>')
    return "<defs>" + "".join(out) + "</defs>"


def _fill(chart_id: str, code: str) -> str:
    colour, kind, _short = CATEGORIES.get(code or "", CATEGORIES[""])
    return colour if kind in ("solid", "none") else f"url(#{chart_id}-{code})"


def _svg(width: int, height: int, title: str, desc: str, body: str, label_id: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{label_id}-t {label_id}-d" class="chart" {FONT}>'
        f'<title id="{label_id}-t">{escape(title)}</title><desc id="{label_id}-d">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


@dataclass
class Bar:
    label: str
    value: float | None
    category: str = ""
    note: str = ""


def ranking_bars(bars: Sequence[Bar], *, title: str, chart_id: str = "rank", scale_max: float = 120.0,
                 width: int = 640) -> SafeString:
    """Horizontal bars, one per agency: name, patterned bar, score and category code as text."""
    row, label_w, top = 22, 190, 24
    plot_w = width - label_w - 90
    height = top + row * max(len(bars), 1) + 26
    parts = [_patterns(chart_id)]
    # axis ticks every 20 points and the 100 % line
    for tick in range(0, int(scale_max) + 1, 20):
        x = label_w + plot_w * tick / scale_max
        dash = "" if tick == 100 else ' stroke-dasharray="2,3"'
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 22}" stroke="#9e9e9e"{dash}/>'
                     f'<text x="{x:.1f}" y="{height - 8}" font-size="10" text-anchor="middle">{tick}</text>')
    described = []
    for i, b in enumerate(bars):
        y = top + i * row
        name = b.label if len(b.label) <= 30 else b.label[:29] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" font-size="11" text-anchor="end">{escape(name)}</text>')
        short = CATEGORIES.get(b.category, CATEGORIES[""])[2]
        if b.value is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 14}" font-size="11" font-style="italic">'
                         f'{escape(b.note or str(_("belum ada skor")))}</text>')
            described.append(f"{b.label}: {_('belum ada skor')}")
            continue
        w = max(1.0, plot_w * min(b.value, scale_max) / scale_max)
        fill = _fill(chart_id, b.category)
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 7}" fill="{fill}" '
                     f'stroke="#212121" stroke-width="0.6"><title>{escape(b.label)}: {number(b.value)} '
                     f'({escape(str(CATEGORY_LABELS.get(b.category, b.category)))})</title></rect>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="11">{number(b.value)} · '
                     f'{escape(short)}</text>')
        described.append(f"{b.label}: {number(b.value)} ({CATEGORY_LABELS.get(b.category, b.category)})")
    desc = _("Skor per perangkat daerah, skala 0–%(max)s.") % {"max": f"{scale_max:.0f}"} + " " + "; ".join(described)
    return _svg(width, height, title, desc, "".join(parts), chart_id)


def legend(chart_id: str = "legend", width: int = 700) -> SafeString:
    """The category key: patterned swatch, code and name."""
    parts = [_patterns(chart_id)]
    x = 4
    for code in ("sangat_tinggi", "tinggi", "sedang", "rendah", "sangat_rendah"):
        parts.append(f'<rect x="{x}" y="4" width="16" height="12" fill="{_fill(chart_id, code)}" stroke="#212121" '
                     f'stroke-width="0.6"/><text x="{x + 20}" y="14" font-size="11">'
                     f'{CATEGORIES[code][2]} = {escape(str(CATEGORY_LABELS[code]))}</text>')
        x += 134
    keys = ", ".join(f"{CATEGORIES[c][2]} {CATEGORY_LABELS[c]}" for c in CATEGORY_LABELS if c)
    desc = f"{_('Kunci kategori')}: {keys}"
    return _svg(width, 20, str(_("Kunci kategori")), desc, "".join(parts), chart_id)


def _scale(values: Sequence[float | None], floor_zero: bool = True) -> tuple[float, float]:
    present = [v for v in values if v is not None and not math.isnan(v)]
    if not present:
        return 0.0, 1.0
    lo, hi = min(present), max(present)
    if floor_zero and lo > 0:
        lo = 0.0
    if hi == lo:
        hi = lo + (abs(lo) or 1.0)
    pad = (hi - lo) * 0.12
    return lo - (pad if lo < 0 or not floor_zero else 0.0), hi + pad


@dataclass
class Series:
    name: str
    values: Sequence[float | None]
    style: str = "solid"  # solid (circles) | dashed (squares)


def quarter_chart(labels: Sequence[str], series: Sequence[Series], *, title: str, chart_id: str,
                  forecast: tuple[float | None, float | None, float | None] | None = None,
                  unit: str = "", width: int = 600, height: int = 290) -> SafeString:
    """Target vs realisation per quarter, with the year-end forecast range in its own column.

    Lines differ by dash and marker shape (square = target, circle = realisation, diamond and
    whisker = forecast), and every point carries its value as text (targets above, realisations
    below), so the chart reads without colour.
    """
    left, right, top, bottom = 56, 16, 24, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    allv: list[float | None] = [v for s in series for v in s.values]
    has_fc = bool(forecast and forecast[0] is not None)
    if forecast and has_fc:
        allv += list(forecast)
    lo, hi = _scale(allv)
    slots = list(labels) + ([str(_("Akhir tahun"))] if has_fc else [])
    n = max(len(slots), 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + plot_w * (i + 0.5) / n
        y = top + plot_h * (1 - (v - lo) / (hi - lo))
        return x, y

    parts = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#bdbdbd"/>']
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        y = top + plot_h * (1 - k / 4)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e0e0e0"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{number(v, 1)}</text>')
    for i, lab in enumerate(slots):
        x = left + plot_w * (i + 0.5) / n
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" font-size="11" text-anchor="middle">'
                     f"{escape(lab)}</text>")
    described = []
    colours = {"dashed": "#455a64", "solid": "#0d47a1"}
    for s in series:
        colour = colours.get(s.style, "#0d47a1")
        dash = ' stroke-dasharray="6,4"' if s.style == "dashed" else ""
        pts = [(i, v) for i, v in enumerate(s.values) if v is not None]
        if len(pts) > 1:
            d = " ".join(f"{'M' if j == 0 else 'L'}{xy(i, v)[0]:.1f},{xy(i, v)[1]:.1f}"
                         for j, (i, v) in enumerate(pts))
            parts.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for i, v in pts:
            x, y = xy(i, v)
            if s.style == "dashed":
                parts.append(f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#fff" '
                             f'stroke="{colour}" stroke-width="2"/>')
                ty = y - 9
            else:
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"/>')
                ty = y + 17
            parts.append(f'<text x="{x:.1f}" y="{ty:.1f}" font-size="10" text-anchor="middle" fill="{colour}">'
                         f"{number(v)}</text>")
        described.append(f"{s.name}: " + ", ".join(f"{labels[i]} {number(v)}" for i, v in pts) if pts
                         else f"{s.name}: {_('belum ada nilai')}")
    if forecast and has_fc:
        point = float(forecast[0])  # type: ignore[arg-type]  # has_fc: the forecast has a point
        low: float = point if forecast[1] is None else forecast[1]
        high: float = point if forecast[2] is None else forecast[2]
        x = left + plot_w * (n - 0.5) / n
        y_lo = xy(0, low)[1]
        y_hi = xy(0, high)[1]
        y_pt = xy(0, point)[1]
        purple = "#6a1b9a"
        parts.append(
            f'<line x1="{x:.1f}" y1="{y_lo:.1f}" x2="{x:.1f}" y2="{y_hi:.1f}" stroke="{purple}" stroke-width="3"/>'
            f'<line x1="{x - 6:.1f}" y1="{y_lo:.1f}" x2="{x + 6:.1f}" y2="{y_lo:.1f}" stroke="{purple}" '
            'stroke-width="2"/>'
            f'<line x1="{x - 6:.1f}" y1="{y_hi:.1f}" x2="{x + 6:.1f}" y2="{y_hi:.1f}" stroke="{purple}" '
            'stroke-width="2"/>'
            f'<path d="M{x:.1f},{y_pt - 6:.1f} l6,6 l-6,6 l-6,-6 z" fill="#fff" stroke="{purple}" stroke-width="2"/>'
            f'<text x="{x:.1f}" y="{y_hi - 9:.1f}" font-size="10" text-anchor="middle" fill="{purple}">'
            f"{number(point)}</text>"
            f'<text x="{x:.1f}" y="{y_lo + 17:.1f}" font-size="9" text-anchor="middle" fill="{purple}">'
            f"{number(low)}–{number(high)}</text>")
        described.append(_("Proyeksi akhir tahun %(point)s, rentang %(low)s sampai %(high)s")
                         % {"point": number(point), "low": number(low), "high": number(high)})
    # key, under the plot
    kx, ky = left, height - 14
    for s in series:
        colour = colours.get(s.style, "#0d47a1")
        marker = (f'<rect x="{kx}" y="{ky - 4}" width="8" height="8" fill="#fff" stroke="{colour}" '
                  'stroke-width="2"/>' if s.style == "dashed" else
                  f'<circle cx="{kx + 4}" cy="{ky}" r="4.5" fill="{colour}"/>')
        parts.append(marker + f'<text x="{kx + 14}" y="{ky + 4}" font-size="10">{escape(s.name)}</text>')
        kx += 30 + 7 * len(s.name)
    if has_fc:
        parts.append(f'<path d="M{kx + 4},{ky - 6} l6,6 l-6,6 l-6,-6 z" fill="#fff" stroke="#6a1b9a" '
                     f'stroke-width="2"/><text x="{kx + 14}" y="{ky + 4}" font-size="10">'
                     f"{escape(str(_('Proyeksi akhir tahun (titik dan rentang)')))}</text>")
    if unit:
        parts.append(f'<text x="4" y="{top - 8}" font-size="10">{escape(unit)}</text>')
    desc = "; ".join(described)
    return _svg(width, height, title, desc, "".join(parts), chart_id)


def sparkline(values: Sequence[float | None], labels: Sequence[str], *, title: str, chart_id: str,
              width: int = 180, height: int = 44) -> SafeString:
    """A small trend line with its first and last values printed."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    lo, hi = _scale([v for _i, v in pts], floor_zero=False)
    n = max(len(values) - 1, 1)
    left, right = 34, 40

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + (width - left - right) * i / n, 6 + (height - 16) * (1 - (v - lo) / (hi - lo))

    parts = []
    if len(pts) > 1:
        d = " ".join(f"{'M' if j == 0 else 'L'}{xy(i, v)[0]:.1f},{xy(i, v)[1]:.1f}" for j, (i, v) in enumerate(pts))
        parts.append(f'<path d="{d}" fill="none" stroke="#0d47a1" stroke-width="1.8"/>')
    for i, v in pts:
        x, y = xy(i, v)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#0d47a1"/>')
    if pts:
        (i0, v0), (i1, v1) = pts[0], pts[-1]
        parts.append(f'<text x="{left - 3}" y="{xy(i0, v0)[1] + 4:.1f}" font-size="10" text-anchor="end">'
                     f"{number(v0)}</text>")
        parts.append(f'<text x="{width - right + 4}" y="{xy(i1, v1)[1] + 4:.1f}" font-size="10">{number(v1)}</text>')
        parts.append(f'<text x="{left}" y="{height - 1}" font-size="9">{escape(labels[i0])}</text>'
                     f'<text x="{width - right}" y="{height - 1}" font-size="9" text-anchor="end">'
                     f"{escape(labels[i1])}</text>")
    desc = ", ".join(f"{labels[i]}: {number(v)}" for i, v in pts) or str(_("belum ada data"))
    return _svg(width, height, title, desc, "".join(parts), chart_id)


def grouped_bars(groups: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *, title: str,
                 chart_id: str, width: int = 600, height: int = 240, scale_max: float = 120.0) -> SafeString:
    """Vertical bars per quarter, one bar per agency (comparison); patterns tell agencies apart."""
    left, top, bottom = 40, 16, 48
    plot_w, plot_h = width - left - 10, height - top - bottom
    kinds = ["solid", "diagonal", "dots", "cross", "horizontal"]
    colours = ["#0d47a1", "#2e7d32", "#8d6e00", "#bf360c", "#6a1b9a"]
    defs = []
    for k in range(len(series)):
        body = {"solid": "",
                "diagonal": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#fff" stroke-width="1.6"/>',
                "dots": '<circle cx="4" cy="4" r="1.7" fill="#fff"/>',
                "cross": '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#fff" stroke-width="1.2"/>',
                "horizontal": '<path d="M0,4 H8" stroke="#fff" stroke-width="2"/>'}[kinds[k % 5]]
        defs.append(f'<pattern id="{chart_id}-s{k}" width="8" height="8" patternUnits="userSpaceOnUse">'
                    f'<rect width="8" height="8" fill="{colours[k % 5]}"/>{body}</pattern>')
    parts = ["<defs>" + "".join(defs) + "</defs>"]
    for tick in range(0, int(scale_max) + 1, 20):
        y = top + plot_h * (1 - tick / scale_max)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#e0e0e0"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{tick}</text>')
    gw = plot_w / max(len(groups), 1)
    bw = (gw - 12) / max(len(series), 1)
    described = []
    for g_i, g in enumerate(groups):
        parts.append(f'<text x="{left + gw * (g_i + 0.5):.1f}" y="{top + plot_h + 14}" font-size="11" '
                     f'text-anchor="middle">{escape(g)}</text>')
        for s_i, (_name, vals) in enumerate(series):
            v = vals[g_i] if g_i < len(vals) else None
            x = left + gw * g_i + 6 + bw * s_i
            if v is None:
                parts.append(f'<text x="{x + bw / 2:.1f}" y="{top + plot_h - 3}" font-size="9" '
                             'text-anchor="middle">—</text>')
                continue
            h = plot_h * min(v, scale_max) / scale_max
            parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" '
                         f'fill="url(#{chart_id}-s{s_i})" stroke="#212121" stroke-width="0.5"/>'
                         f'<text x="{x + bw / 2:.1f}" y="{top + plot_h - h - 3:.1f}" font-size="9" '
                         f'text-anchor="middle">{number(v, 1)}</text>')
    ky = height - 14
    kx = left
    for s_i, (name, vals) in enumerate(series):
        parts.append(f'<rect x="{kx}" y="{ky - 9}" width="14" height="10" fill="url(#{chart_id}-s{s_i})" '
                     f'stroke="#212121" stroke-width="0.5"/><text x="{kx + 18}" y="{ky}" font-size="10">'
                     f"{escape(name[:26])}</text>")
        kx += min(180, 24 + 7 * len(name[:26]))
        described.append(f"{name}: " + ", ".join(f"{groups[i]} {number(v)}" for i, v in enumerate(vals)
                                                  if v is not None))
    return _svg(width, height, title, "; ".join(described), "".join(parts), chart_id)
