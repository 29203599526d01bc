"""Characters → words, and ruling edges → the cell boxes of ruled tables: pdfplumber's two stages, without pdfminer.

readers/pdfium_page.py gives a page's characters and path edges as pdfplumber would record them; these are
pdfplumber's `extract_words(keep_blank_chars=False, use_text_flow=False, extra_attrs=["size"])` and
`find_tables()` (the "lines" strategy at its default tolerances) for upright text, step for step, so that the page
assembly (readers/pages.py) is given the same words and cells whichever library read the page. Kept pure Python
on plain tuples: no dict per character, no pdfminer import.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import NamedTuple

# pdfplumber's defaults, in one place
X_TOLERANCE = 3.0  # points between two characters of one word
Y_TOLERANCE = 3.0  # points between the tops of two characters of one line
SNAP = 3.0  # edges this close are moved onto their average
JOIN = 3.0  # collinear edges with gaps this small are one edge
PREFILTER = 1.0  # edges shorter than this are dropped before merging
MIN_EDGE = 3.0  # … and shorter than this after
INTERSECTION = 3.0  # how far an edge may miss another and still cross it

LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}

Box = tuple[float, float, float, float]  # x0, top, x1, bottom (top-down, in points)


class Char(NamedTuple):
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


# ── words ──────────────────────────────────────────────────────────────────────────────────────────────────

def words_of(chars: list[Char]) -> list[dict]:
    """Words with their boxes and font size, from characters in content-stream order.

    As pdfplumber: consecutive characters of one size are taken together, split into lines by their tops,
    each line read left to right and cut at blanks and at gaps wider than X_TOLERANCE."""
    words: list[dict] = []
    for _, run in itertools.groupby(chars, key=lambda c: c.size):
        for line in _lines(list(run)):
            line.sort(key=lambda c: c.x0)
            words.extend(_word(group) for group in _split(line))
    return words


def _clusters(values: set[float], tolerance: float) -> dict[float, int]:
    """Each value → its cluster: sorted values within `tolerance` of the previous one share a cluster."""
    out: dict[float, int] = {}
    index, last = -1, None
    for v in sorted(values):
        if last is None or v > last + tolerance:
            index += 1
        out[v] = index
        last = v
    return out


def _lines(chars: list[Char]) -> list[list[Char]]:
    cluster = _clusters({c.top for c in chars}, Y_TOLERANCE)
    ordered = sorted(chars, key=lambda c: cluster[c.top])
    return [list(group) for _, group in itertools.groupby(ordered, key=lambda c: cluster[c.top])]


def _split(line: list[Char]) -> list[list[Char]]:
    groups: list[list[Char]] = []
    current: list[Char] = []
    for char in line:
        if char.text.isspace():
            current = _flush(groups, current, None)
        elif current and _new_word(current[-1], char):
            current = _flush(groups, current, char)
        else:
            current.append(char)
    _flush(groups, current, None)
    return groups


def _flush(groups: list[list[Char]], current: list[Char], char: Char | None) -> list[Char]:
    if current:
        groups.append(current)
    return [] if char is None else [char]


def _new_word(before: Char, char: Char) -> bool:
    return char.x0 < before.x0 or char.x0 > before.x1 + X_TOLERANCE or abs(char.top - before.top) > Y_TOLERANCE


def _word(chars: list[Char]) -> dict:
    return {"text": "".join(LIGATURES.get(c.text, c.text) for c in chars),
            "x0": min(c.x0 for c in chars), "x1": max(c.x1 for c in chars),
            "top": min(c.top for c in chars), "bottom": max(c.bottom for c in chars), "size": chars[0].size}


# ── ruled tables ───────────────────────────────────────────────────────────────────────────────────────────

@dataclass(slots=True)
class Edge:
    """A horizontal ("h") or vertical ("v") ruling, as pdfplumber records the side of a line, rectangle or curve."""

    orientation: str | None
    x0: float
    x1: float
    top: float
    bottom: float
    width: float
    height: float

    def length(self) -> float:
        return self.height if self.orientation == "v" else self.width

    def bbox(self) -> Box:
        return self.x0, self.top, self.x1, self.bottom


def line_edge(x0: float, top: float, x1: float, bottom: float) -> Edge:
    """A straight line's edge (a slanted one counts as vertical, as in pdfplumber)."""
    return Edge("h" if top == bottom else "v", x0, x1, top, bottom, x1 - x0, bottom - top)


def rect_edges(x0: float, top: float, x1: float, bottom: float) -> list[Edge]:
    width, height = x1 - x0, bottom - top
    return [Edge("h", x0, x1, top, top, width, 0), Edge("h", x0, x1, top + height, bottom, width, 0),
            Edge("v", x0, x0, top, bottom, 0, height), Edge("v", x1, x1, top, bottom, 0, height)]


def curve_edges(points: list[tuple[float, float]]) -> list[Edge]:
    out = []
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        orientation = "v" if ax == bx else ("h" if ay == by else None)
        out.append(Edge(orientation, min(ax, bx), max(ax, bx), min(ay, by), max(ay, by), abs(ax - bx), abs(ay - by)))
    return out


def table_cells(edges: list[Edge]) -> list[list[Box]]:
    """The cell boxes of each ruled table on the page, top to bottom (pdfplumber's `find_tables()` cells)."""
    merged = _merge([e for e in edges if e.orientation and e.length() >= PREFILTER])
    kept = [e for e in merged if e.length() >= MIN_EDGE]
    return _tables(_cells(_intersections(kept)))


def _merge(edges: list[Edge]) -> list[Edge]:
    """Edges snapped onto their neighbours' average position, then collinear ones joined across small gaps."""
    snapped = _snap([e for e in edges if e.orientation == "v"], "v") + _snap([e for e in edges if e.orientation == "h"],
                                                                             "h")
    key = _line_key
    out: list[Edge] = []
    for (orientation, _), group in itertools.groupby(sorted(snapped, key=key), key=key):
        out.extend(_join(list(group), orientation))
    return out


def _line_key(edge: Edge) -> tuple[str, float]:
    return ("h", edge.top) if edge.orientation == "h" else ("v", edge.x0)


def _snap(edges: list[Edge], orientation: str) -> list[Edge]:
    position = (lambda e: e.x0) if orientation == "v" else (lambda e: e.top)
    cluster = _clusters({position(e) for e in edges}, SNAP)
    ordered = sorted(edges, key=lambda e: cluster[position(e)])
    out = []
    for _, group in itertools.groupby(ordered, key=lambda e: cluster[position(e)]):
        members = list(group)
        average = sum(position(e) for e in members) / len(members)
        out.extend(_moved(e, average - position(e), orientation) for e in members)
    return out


def _moved(edge: Edge, by: float, orientation: str) -> Edge:
    if orientation == "v":
        return Edge(edge.orientation, edge.x0 + by, edge.x1 + by, edge.top, edge.bottom, edge.width, edge.height)
    return Edge(edge.orientation, edge.x0, edge.x1, edge.top + by, edge.bottom + by, edge.width, edge.height)


def _join(edges: list[Edge], orientation: str) -> list[Edge]:
    start = (lambda e: e.x0) if orientation == "h" else (lambda e: e.top)
    edges.sort(key=start)
    joined = [edges[0]]
    for edge in edges[1:]:
        last = joined[-1]
        if orientation == "h" and edge.x0 <= last.x1 + JOIN:
            if edge.x1 > last.x1:
                joined[-1] = Edge(last.orientation, last.x0, edge.x1, last.top, last.bottom, edge.x1 - last.x0,
                                  last.height)
        elif orientation == "v" and edge.top <= last.bottom + JOIN:
            if edge.bottom > last.bottom:
                joined[-1] = Edge(last.orientation, last.x0, last.x1, last.top, edge.bottom, last.width,
                                  last.height + edge.bottom - last.bottom)
        else:
            joined.append(edge)
    return joined


Point = tuple[float, float]


def _intersections(edges: list[Edge]) -> dict[Point, tuple[set[Box], set[Box]]]:
    """Where a vertical edge meets a horizontal one → the boxes of the vertical and horizontal edges there."""
    verticals = sorted((e for e in edges if e.orientation == "v"), key=lambda e: (e.x0, e.top))
    horizontals = sorted((e for e in edges if e.orientation == "h"), key=lambda e: (e.top, e.x0))
    out: dict[Point, tuple[set[Box], set[Box]]] = {}
    for v in verticals:
        for h in horizontals:
            if (v.top <= h.top + INTERSECTION and v.bottom >= h.top - INTERSECTION
                    and h.x0 - INTERSECTION <= v.x0 <= h.x1 + INTERSECTION):
                vs, hs = out.setdefault((v.x0, h.top), (set(), set()))
                vs.add(v.bbox())
                hs.add(h.bbox())
    return out


def _cells(points: dict[Point, tuple[set[Box], set[Box]]]) -> list[Box]:
    """The smallest cell whose top-left corner is each point: its four corners joined by edges."""
    def connects(a: Point, b: Point) -> bool:
        return bool((a[0] == b[0] and points[a][0] & points[b][0]) or (a[1] == b[1] and points[a][1] & points[b][1]))

    ordered = sorted(points)
    below: dict[float, list[Point]] = {}
    right: dict[float, list[Point]] = {}
    for p in ordered:
        below.setdefault(p[0], []).append(p)
        right.setdefault(p[1], []).append(p)
    cells = []
    for p in ordered:
        cell = _smallest_cell(p, [q for q in below[p[0]] if q > p], [q for q in right[p[1]] if q > p], points,
                              connects)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(p: Point, below: list[Point], right: list[Point], points: dict, connects) -> Box | None:
    for down in below:
        if not connects(p, down):
            continue
        for across in right:
            if not connects(p, across):
                continue
            corner = (across[0], down[1])
            if corner in points and connects(corner, across) and connects(corner, down):
                return p[0], p[1], corner[0], corner[1]
    return None


def _tables(cells: list[Box]) -> list[list[Box]]:
    """Cells grouped into tables by shared corners; tables of one cell are no table."""
    remaining = list(cells)
    tables: list[list[Box]] = []
    corners: set[Point] = set()
    current: list[Box] = []
    while remaining:
        before = len(current)
        for cell in list(remaining):
            mine = ((cell[0], cell[1]), (cell[0], cell[3]), (cell[2], cell[1]), (cell[2], cell[3]))
            if not current or any(c in corners for c in mine):
                corners.update(mine)
                current.append(cell)
                remaining.remove(cell)
        if len(current) == before:
            tables.append(current)
            corners, current = set(), []
    if current:
        tables.append(current)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]
