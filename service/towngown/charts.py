"""Inline SVG made on the server: the committed-FTE bars, the agreement timeline and the model diagram.

Every text that comes from data is XML-escaped here (``escape`` / ``quoteattr``); the SVGs carry ``role="img"``,
a ``<title>`` and a ``<desc>`` and write their values as text, so they read without colour or a mouse. No
JavaScript. The caller passes the words of the user interface (``words``) in the page language.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "Bar",
    "BarGroup",
    "Span",
    "SpanRow",
    "DiagramNode",
    "DiagramEdge",
    "bar_chart",
    "timeline",
    "model_diagram",
    "number_text",
]

logger = logging.getLogger(__name__)

_FONT = 'font-family="system-ui, sans-serif"'
_PALETTE = ("#00509e", "#b35900", "#2e7d32", "#7b1fa2", "#00838f", "#6d4c41")


def number_text(value: Decimal | int | float | None, language: str, *, places: int = 1) -> str:
    """A number as a person reads it: decimal comma and thin spaces in bokmål, point in English; no trailing .0."""
    if value is None:
        return ""
    text = f"{round(Decimal(str(value)), places):,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if language == "nb":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 13, extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" {_FONT}{" " + extra if extra else ""}>'
        f"{escape(content)}</text>"
    )


def _wrap(text: str, width: int, max_lines: int = 3) -> list[str]:
    lines: list[str] = []
    words: list[str] = []
    for word in text.split():  # a word longer than a line is split with a hyphen
        while len(word) > width:
            words.append(word[: width - 1] + "-")
            word = word[width - 1:]
        words.append(word)
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [_shorten(" ".join(lines[max_lines - 1:]), width)]
    return lines or [""]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _open(width: float, height: float, ident: str, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="100%" '
        f'role="img" aria-labelledby={quoteattr(ident + "-title")} aria-describedby={quoteattr(ident + "-desc")} '
        f'class="chart" preserveAspectRatio="xMinYMin meet">',
        f"<title id={quoteattr(ident + '-title')}>{escape(title)}</title>",
        f"<desc id={quoteattr(ident + '-desc')}>{escape(desc)}</desc>",
    ]


# --- bars ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar: a label and a value (None: not stated, drawn as text without a bar)."""

    label: str
    value: Decimal | None


@dataclass(frozen=True)
class BarGroup:
    """The bars of one partnership."""

    label: str
    bars: tuple[Bar, ...]


def bar_chart(groups: Sequence[BarGroup], *, ident: str, title: str, desc: str, unit: str, unknown: str,
              nothing: str, language: str) -> str:
    """Horizontal bars grouped per partnership, each bar labelled with its party and value (``unit`` after it)."""
    width, label_w, right = 680.0, 230.0, 90.0
    plot_w = width - label_w - right
    known = [b.value for g in groups for b in g.bars if b.value is not None]
    top = max([Decimal(100), *known]) if known else Decimal(100)
    row_h, head_h, gap = 24.0, 26.0, 10.0
    height = 30.0 + sum(head_h + max(1, len(g.bars)) * row_h + gap for g in groups) + 20.0
    parts = _open(width, height, ident, title, desc)
    y = 24.0
    # value axis: 0, 25 %, 50 %, 75 %, 100 % of the largest value
    for i in range(5):
        value = top * i / 4
        x = label_w + plot_w * i / 4
        parts.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{height - 20:.1f}" stroke="#d6d6d6" stroke-width="1"/>')
        parts.append(_text(x, y - 6, f"{number_text(value, language, places=0)} {unit}".strip(), anchor="middle", size=11, extra='fill="#5a5a5a"'))
    y += 6
    for gi, group in enumerate(groups):
        colour = _PALETTE[gi % len(_PALETTE)]
        parts.append(f"<g><title>{escape(group.label)}</title>")
        parts.append(_text(8, y + 17, _shorten(group.label, 80), size=14, extra='font-weight="600"'))
        y += head_h
        if not group.bars:
            parts.append(_text(label_w, y + 16, nothing, extra='fill="#5a5a5a" font-style="italic"'))
            y += row_h
        for bar in group.bars:
            parts.append(_text(label_w - 8, y + 16, _shorten(bar.label, 32), anchor="end"))
            if bar.value is None:
                parts.append(_text(label_w + 4, y + 16, unknown, extra='fill="#5a5a5a" font-style="italic"'))
            else:
                w = float(Decimal(plot_w) * bar.value / top) if top else 0.0
                parts.append(f'<rect x="{label_w:.1f}" y="{y + 4:.1f}" width="{max(w, 1.0):.1f}" height="{row_h - 8:.1f}" fill="{colour}"/>')
                parts.append(_text(label_w + w + 6, y + 16, f"{number_text(bar.value, language)} {unit}".strip()))
            y += row_h
        parts.append("</g>")
        y += gap
    parts.append("</svg>")
    return "\n".join(parts)


# --- timeline -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """One term on the timeline: a label and its start and end (either may be unknown)."""

    label: str
    starts_on: date | None
    ends_on: date | None


@dataclass(frozen=True)
class SpanRow:
    """The terms of one partnership."""

    label: str
    spans: tuple[Span, ...] = field(default=())


def _year_fraction(day: date) -> float:
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def timeline(rows: Sequence[SpanRow], *, ident: str, title: str, desc: str, unknown: str, nothing: str,
             language: str) -> str:
    """The terms of several partnerships on one year axis; an unknown start or end is drawn dashed to the edge."""
    width, label_w, right = 680.0, 230.0, 20.0
    plot_w = width - label_w - right
    days = [d for r in rows for s in r.spans for d in (s.starts_on, s.ends_on) if d is not None]
    first = min(days).year if days else date.today().year
    last = max(days).year + 1 if days else first + 1
    if last - first < 4:
        last = first + 4
    span_years = last - first

    def x_of(day: date) -> float:
        return label_w + plot_w * (_year_fraction(day) - first) / span_years

    row_h, head_h, gap = 22.0, 24.0, 8.0
    height = 40.0 + sum(head_h + max(1, len(r.spans)) * row_h + gap for r in rows) + 10.0
    parts = _open(width, height, ident, title, desc)
    step = 1 if span_years <= 12 else 2 if span_years <= 24 else 5
    for year in range(first, last + 1):
        if (year - first) % step:
            continue
        x = label_w + plot_w * (year - first) / span_years
        parts.append(f'<line x1="{x:.1f}" y1="26" x2="{x:.1f}" y2="{height - 10:.1f}" stroke="#e3e3e3" stroke-width="1"/>')
        parts.append(_text(x, 18, str(year), anchor="middle", size=11, extra='fill="#5a5a5a"'))
    y = 32.0
    for ri, row in enumerate(rows):
        colour = _PALETTE[ri % len(_PALETTE)]
        parts.append(f"<g><title>{escape(row.label)}</title>")
        parts.append(_text(8, y + 16, _shorten(row.label, 80), size=14, extra='font-weight="600"'))
        y += head_h
        if not row.spans:
            parts.append(_text(label_w, y + 15, nothing, extra='fill="#5a5a5a" font-style="italic"'))
            y += row_h
        for span in row.spans:
            start_text = str(span.starts_on.year) if span.starts_on else "…"
            end_text = str(span.ends_on.year) if span.ends_on else "…"
            period = f"{start_text}–{end_text}"
            parts.append(_text(label_w - 8, y + 15, _shorten(span.label, 30), anchor="end"))
            if span.starts_on is None and span.ends_on is None:
                parts.append(_text(label_w + 4, y + 15, unknown, extra='fill="#5a5a5a" font-style="italic"'))
            else:
                x1 = x_of(span.starts_on) if span.starts_on else label_w
                x2 = x_of(span.ends_on) + plot_w / span_years / 365 if span.ends_on else width - right
                dashed = ' stroke-dasharray="4 3"' if span.starts_on is None or span.ends_on is None else ""
                opacity = ' fill-opacity="0.35"' if dashed else ""
                parts.append(
                    f'<rect x="{x1:.1f}" y="{y + 3:.1f}" width="{max(x2 - x1, 2):.1f}" height="{row_h - 6:.1f}" '
                    f'fill="{colour}"{opacity} stroke="{colour}"{dashed}/>'
                )
                inside = x2 - x1 > 9 * len(period)
                parts.append(
                    _text(x1 + 5 if inside else min(x2 + 5, width - right - 60), y + 15, period,
                          size=12, extra='fill="#fff"' if inside and not dashed else "")
                )
            y += row_h
        parts.append("</g>")
        y += gap
    parts.append("</svg>")
    return "\n".join(parts)


# --- the model diagram --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiagramNode:
    """A class in the model diagram: an id, its name, smaller lines under it (sub-classes), and a link."""

    ident: str
    label: str
    lines: tuple[str, ...] = ()
    href: str = ""


@dataclass(frozen=True)
class DiagramEdge:
    """An object property from one class to another, with its name and a link."""

    source: str
    target: str
    label: str
    href: str = ""


def _layers(nodes: Sequence[DiagramNode], edges: Sequence[DiagramEdge], root: str) -> list[list[str]]:
    neighbours: dict[str, set[str]] = {n.ident: set() for n in nodes}
    for e in edges:
        if e.source in neighbours and e.target in neighbours and e.source != e.target:
            neighbours[e.source].add(e.target)
            neighbours[e.target].add(e.source)
    depth = {root: 0} if root in neighbours else {}
    frontier = [root] if root in neighbours else []
    while frontier:
        following = []
        for ident in frontier:
            for other in sorted(neighbours[ident]):
                if other not in depth:
                    depth[other] = depth[ident] + 1
                    following.append(other)
        frontier = following
    deepest = max(depth.values(), default=-1)
    for n in nodes:  # classes not reachable from the root go in a last column
        depth.setdefault(n.ident, deepest + 1)
    layers: list[list[str]] = [[] for _ in range(max(depth.values(), default=0) + 1)]
    order = {n.ident: i for i, n in enumerate(nodes)}
    for ident in sorted(depth, key=lambda i: order[i]):
        layers[depth[ident]].append(ident)
    return [layer for layer in layers if layer]


def model_diagram(nodes: Sequence[DiagramNode], edges: Sequence[DiagramEdge], *, root: str, ident: str,
                  title: str, desc: str) -> str:
    """A layered diagram: the root class on the left, the classes it links to in columns to the right."""
    layers = _layers(nodes, edges, root)
    by_id = {n.ident: n for n in nodes}
    box_w, col_gap, row_gap, line_h = 210.0, 150.0, 14.0, 15.0
    titles = {n.ident: _wrap(n.label, 26) for n in nodes}
    heights = {n.ident: 30.0 + 16.0 * (len(titles[n.ident]) - 1) + line_h * len(n.lines) for n in nodes}
    column_heights = [sum(heights[i] for i in layer) + row_gap * (len(layer) - 1) for layer in layers]
    inner_h = max(column_heights, default=100.0)
    height = inner_h + 40.0
    width = 20.0 + len(layers) * box_w + (len(layers) - 1) * col_gap + 120.0
    place: dict[str, tuple[float, float]] = {}
    neighbours: dict[str, set[str]] = {}
    for e in edges:
        neighbours.setdefault(e.source, set()).add(e.target)
        neighbours.setdefault(e.target, set()).add(e.source)
    for li, layer in enumerate(layers):
        x = 20.0 + li * (box_w + col_gap)
        if li < 2:  # the root, and the column it fans out to, are centred
            y = 20.0 + (inner_h - column_heights[li]) / 2
            for ident_ in layer:
                place[ident_] = (x, y)
                y += heights[ident_] + row_gap
            continue
        # later columns sit level with what they link to in the columns before, pushed down where they would overlap
        wanted = {}
        for ident_ in layer:
            mids = [place[n][1] + heights[n] / 2 for n in neighbours.get(ident_, ()) if n in place]
            wanted[ident_] = (sum(mids) / len(mids) if mids else inner_h / 2) - heights[ident_] / 2
        y = 20.0
        for ident_ in sorted(layer, key=lambda i: wanted[i]):
            y = max(y, wanted[ident_])
            place[ident_] = (x, y)
            y += heights[ident_] + row_gap
    column = {i: li for li, layer in enumerate(layers) for i in layer}
    parts = _open(width, height, ident, title, desc)
    parts.append(
        '<defs><marker id="' + escape(ident) + '-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#5a5a5a"/></marker></defs>'
    )
    marker = f'marker-end="url(#{escape(ident)}-arrow)"'
    labels: list[str] = []
    for edge in edges:
        if edge.source not in place or edge.target not in place:
            continue
        (sx, sy), (tx, ty) = place[edge.source], place[edge.target]
        s_mid, t_mid = sy + heights[edge.source] / 2, ty + heights[edge.target] / 2
        if edge.source == edge.target:
            # a loop on the lower right-hand side, labelled below the edges that leave from the middle
            x0, y0 = sx + box_w, sy + heights[edge.source] - 5
            path = f"M {x0:.1f} {y0:.1f} C {x0 + 35:.1f} {y0 + 8:.1f}, {x0 + 35:.1f} {y0 - 22:.1f}, {x0:.1f} {y0 - 14:.1f}"
            lx, ly, anchor = x0 + 30, y0 + 12, "start"
        elif column[edge.source] == column[edge.target]:
            x0 = sx + box_w
            bulge = 40 + abs(t_mid - s_mid) / 4
            path = f"M {x0:.1f} {s_mid:.1f} C {x0 + bulge:.1f} {s_mid:.1f}, {x0 + bulge:.1f} {t_mid:.1f}, {x0:.1f} {t_mid:.1f}"
            lx, ly, anchor = x0 + bulge * 0.75 + 4, (s_mid + t_mid) / 2 + 4, "start"
        else:
            forward = column[edge.target] > column[edge.source]
            x0 = sx + box_w if forward else sx
            x1 = tx if forward else tx + box_w
            path = f"M {x0:.1f} {s_mid:.1f} C {(x0 + x1) / 2:.1f} {s_mid:.1f}, {(x0 + x1) / 2:.1f} {t_mid:.1f}, {x1:.1f} {t_mid:.1f}"
            # the label sits next to the end in the right-hand column, where edges fan out and do not overlap
            lx, ly = (x1 - 6, t_mid - 4) if forward else (x0 - 6, s_mid - 4)
            anchor = "end"
        parts.append(f'<path d="{path}" fill="none" stroke="#8a8a8a" stroke-width="1.2" {marker}/>')
        label = _text(lx, ly, edge.label, anchor=anchor, size=11, extra='fill="#333" paint-order="stroke" stroke="#fff" stroke-width="3"')
        labels.append(f"<a href={quoteattr(edge.href)}>{label}</a>" if edge.href else label)
    for node_id, (x, y) in place.items():
        node = by_id[node_id]
        box = [
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{box_w:.0f}" height="{heights[node_id]:.0f}" rx="4" '
            f'fill="{"#e8f0fa" if node_id == root else "#f6f6f6"}" stroke="#00509e" stroke-width="1.2"/>',
        ]
        for i, line in enumerate(titles[node_id]):
            box.append(_text(x + box_w / 2, y + 20 + 16 * i, line, anchor="middle", size=13, extra='font-weight="600" fill="#1b1b1b"'))
        below = y + 20 + 16 * (len(titles[node_id]) - 1)
        for i, line in enumerate(node.lines):
            box.append(_text(x + box_w / 2, below + 16 + i * line_h, _shorten(line, 34), anchor="middle", size=11, extra='fill="#5a5a5a"'))
        content = "".join(box)
        parts.append(f"<a href={quoteattr(node.href)}>{content}</a>" if node.href else f"<g>{content}</g>")
    parts.extend(labels)
    parts.append("</svg>")
    return "\n".join(parts)
