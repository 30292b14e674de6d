"""The pictures of an edition, laid out at build time as plain shapes for an inline SVG template.

Coordinates are computed here; the templates draw them (so every label and
title is escaped by Jinja like any other text). Each picture stays readable
at 48 and at 2,000 measures: the coverage matrix shows one row per measure
up to :data:`MATRIX_ROWS` measures and one row per measure group beyond (a
count per cell, linking to the group), the bar charts have one bar per group
or organisation (a bounded number), and the network has one node per
organisation, whatever the number of measures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: Above this many measures the coverage matrix shows groups, not measures.
MATRIX_ROWS = 200


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    glyph: str  # ◎, ○ or a count
    level: str  # high | medium | low | count
    href: str | None
    title: str
    opacity: float = 1.0


@dataclass
class Matrix:
    width: float
    height: float
    columns: list[tuple[float, str, str | None]]  # x, label, href
    rows: list[tuple[float, str, str | None, str]]  # y, label, href, title
    cells: list[Cell]
    grouped: bool
    cell: float


@dataclass(frozen=True)
class Bar:
    y: float
    label: str
    href: str | None
    lead: int
    other: int
    lead_width: float
    other_width: float


@dataclass
class Bars:
    width: float
    height: float
    label_width: float
    bars: list[Bar]
    maximum: int


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    r: float
    label: str
    href: str | None
    title: str
    lx: float
    ly: float
    anchor: str


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    lead: bool
    title: str


@dataclass
class Network:
    size: float
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


@dataclass(frozen=True)
class MarkCell:
    """A mark to place: the measure row key, the article column key, its glyph and confidence."""

    row: str
    column: str
    glyph: str
    level: str


def matrix(
    rows: list[tuple[str, str, str | None]],
    columns: list[tuple[str, str, str | None]],
    marks: list[MarkCell],
    group_of: dict[str, str],
    group_href: dict[str, str | None],
) -> Matrix:
    """Article × measure coverage. ``rows``/``columns`` are (key, label, href); marks name their keys."""
    col_index = {key: i for i, (key, _, _) in enumerate(columns)}
    # One cell per measure and article: a mark on two paragraphs of one article is one mark there,
    # and of two marks in one cell the stronger (◎ before ○, then the surer) is drawn.
    rank = {"high": 0, "medium": 1, "low": 2}
    strongest: dict[tuple[str, str], MarkCell] = {}
    for m in marks:
        key = (m.row, m.column)
        best = strongest.get(key)
        order = (m.glyph != "◎", rank.get(m.level, 3))
        if best is None or order < (best.glyph != "◎", rank.get(best.level, 3)):
            strongest[key] = m
    marks = list(strongest.values())
    grouped = len(rows) > MATRIX_ROWS
    cell = 16.0 if not grouped else 22.0
    left, top = 64.0, 96.0
    out_cells: list[Cell] = []
    if not grouped:
        row_index = {key: i for i, (key, _, _) in enumerate(rows)}
        shown_rows = [(top + i * cell + cell / 2, label, href, label)
                      for i, (_, label, href) in enumerate(rows)]
        href_of = {key: href for key, _, href in rows}
        for m in marks:
            if m.row in row_index and m.column in col_index:
                out_cells.append(Cell(
                    left + col_index[m.column] * cell + cell / 2, top + row_index[m.row] * cell + cell / 2,
                    m.glyph, m.level, href_of[m.row],
                    f"{m.row} × {columns[col_index[m.column]][1]}: {m.glyph}（確信度 {m.level}）",
                ))
    else:
        groups = sorted({group_of.get(key, "") for key, _, _ in rows})
        g_index = {g: i for i, g in enumerate(groups)}
        shown_rows = [(top + i * cell + cell / 2, f"G{g}", group_href.get(g), f"グループ {g}")
                      for i, g in enumerate(groups)]
        counts: dict[tuple[str, str], int] = {}
        for m in marks:
            if m.column in col_index:
                key = (group_of.get(m.row, ""), m.column)
                counts[key] = counts.get(key, 0) + 1
        peak = max(counts.values(), default=1)
        for (g, column), n in sorted(counts.items()):
            out_cells.append(Cell(
                left + col_index[column] * cell + cell / 2, top + g_index[g] * cell + cell / 2,
                str(n), "count", group_href.get(g),
                f"グループ {g} × {columns[col_index[column]][1]}: {n} 件", 0.25 + 0.75 * n / peak,
            ))
    shown_columns = [(left + i * cell + cell / 2, label, href) for i, (_, label, href) in enumerate(columns)]
    return Matrix(left + len(columns) * cell + 8, top + len(shown_rows) * cell + 8,
                  shown_columns, shown_rows, out_cells, grouped, cell)


def bars(items: list[tuple[str, str | None, int, int]], width: float = 640.0) -> Bars:
    """Horizontal bars: (label, href, lead count, other count), in the order given."""
    label_width, row = 180.0, 20.0
    maximum = max((lead + other for _, _, lead, other in items), default=1) or 1
    scale = (width - label_width - 48) / maximum
    out = [Bar(8 + i * row, label, href, lead, other, lead * scale, other * scale)
           for i, (label, href, lead, other) in enumerate(items)]
    return Bars(width, 16 + len(items) * row, label_width, out, maximum)


def network(
    nodes: list[tuple[str, str, str | None, int, int]],
    edges: list[tuple[str, str, int, bool, str]],
    size: float = 640.0,
) -> Network:
    """Organisations on a circle: (key, label, href, measures, led); edges (a, b, shared, lead, title).

    A circle, not a force layout: deterministic, and with one node per
    organisation it never grows with the number of measures.
    """
    net = Network(size)
    if not nodes:
        return net
    centre, radius = size / 2, size / 2 - 110
    peak = max(n for _, _, _, n, _ in nodes) or 1
    place: dict[str, tuple[float, float]] = {}
    for i, (key, label, href, count, led) in enumerate(nodes):
        angle = 2 * math.pi * i / len(nodes) - math.pi / 2
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        place[key] = (x, y)
        lx, ly = centre + (radius + 14) * math.cos(angle), centre + (radius + 14) * math.sin(angle)
        net.nodes.append(Node(
            round(x, 1), round(y, 1), round(4 + 12 * math.sqrt(count / peak), 1), label, href,
            f"{label}: 施策 {count}（主担当 {led}）", round(lx, 1), round(ly, 1),
            "start" if math.cos(angle) > 0.01 else ("end" if math.cos(angle) < -0.01 else "middle"),
        ))
    top = max((n for _, _, n, _, _ in edges), default=1) or 1
    for a, b, shared, lead, title in edges:
        (x1, y1), (x2, y2) = place[a], place[b]
        net.edges.append(Edge(round(x1, 1), round(y1, 1), round(x2, 1), round(y2, 1),
                              round(0.5 + 5 * shared / top, 2), lead, title))
    return net
