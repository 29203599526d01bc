"""Pages → the neutral Document, whatever read the pages (a PDF's text layer or OCR of a scan).

A page is a list of items top to bottom: lines of text (outside tables) and ruled tables rebuilt as
true grids from their cell boxes (merged cells span columns and rows, as in the Word reader). Here a
table cut by a page break is joined with its continuation, a label cell cut in two by the break is
put back together, lines become paragraphs by their indent and length, and page numbers (-4-, 第4页)
are dropped. Positions are in PDF points (1/72 inch) whatever the source.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from gongkai.printed import list_numbered, page_number
from gongkai.readers.document import Document, Paragraph, Table, TextCell
from gongkai.readers.pdf_layout import Line, page_lines, paragraphs_of
from gongkai.readers.pdf_unruled import find_unruled

_FRAGMENT_MAX = 10
_EDGE = 3.0  # points: column edges this close are one edge


@dataclass(slots=True)
class GridCell:
    """A ruled cell of a PDF table, with its place in the table's grid and on the page."""

    text: str
    row: int
    rowspan: int
    x0: float  # left and right edge on the page: columns are found across all pages of a table
    x1: float
    col: int = 0
    colspan: int = 1
    confidence: float | None = None  # OCR's, for the least sure word of the cell


@dataclass(slots=True)
class PageTable:
    """One ruled table on one page: its cells on a grid, and its column boundaries."""

    page: int
    top: float
    bottom: float
    edges: list[float]  # x of the column boundaries
    cells: list[GridCell] = field(default_factory=list)
    nrows: int = 0


def page_items(words: list[dict], tables: list[list[tuple[float, float, float, float]]], number: int,
               height: float) -> list[Line | PageTable]:
    """The lines and ruled tables of one page, top to bottom, from its words and each table's cell boxes.

    A word is a dict with x0, x1, top, bottom, text, and optionally size and confidence (OCR's, 0–1).
    """
    found = [t for t in (_page_table(boxes, words, number) for boxes in tables) if t is not None]
    free = [w for w in words if not any(_inside(w, t) for t in found)]
    lines = [line for line in page_lines(free, number, height) if not _is_page_number(line, height)]
    return sorted([*lines, *found], key=lambda item: item.top)


def _is_page_number(line: Line, height: float) -> bool:
    in_margin = line.top < height * 0.1 or line.top > height * 0.85
    return in_margin and page_number(line.text)


def _inside(word: dict, table: PageTable) -> bool:
    return _in_box(word, (table.edges[0], table.top, table.edges[-1], table.bottom))


def _clusters(values: list[float], tolerance: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _index(edges: list[float], value: float) -> int:
    """The nearest of the (increasing) edges; of two as near, the first."""
    at = bisect.bisect_left(edges, value)
    if at == len(edges) or (at and abs(edges[at - 1] - value) <= abs(edges[at] - value)):
        return at - 1
    return at


def _page_table(boxes: list[tuple[float, float, float, float]], words: list[dict], number: int) -> PageTable | None:
    """A ruled table of at least two columns and two rows; a boxed paragraph is not a table."""
    xs = _clusters([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _clusters([b[1] for b in boxes] + [b[3] for b in boxes])
    if len(xs) < 3 or len(ys) < 3:
        return None
    rows = _table_rows(boxes, xs, ys)
    if not rows:
        return None  # boxed paragraphs (white boxes behind text), not a table
    first, last = rows
    table = PageTable(number, ys[first], ys[last], xs, nrows=last - first)
    inside = _Centres([w for w in words if _in_box(w, (xs[0], ys[first], xs[-1], ys[last]))])
    for x0, top, x1, bottom in boxes:
        c0, c1, r0, r1 = _index(xs, x0), _index(xs, x1), _index(ys, top) - first, _index(ys, bottom) - first
        if c1 <= c0 or r1 <= r0 or r0 < 0 or r1 > last - first:
            continue
        mine = inside.within((x0, top, x1, bottom))
        table.cells.append(GridCell(_cell_text(mine), r0, r1 - r0, xs[c0], xs[c1], confidence=_confidence(mine)))
    return table


class _Centres:
    """Words found by where their centres stand (a table of 300 cells and 2,000 words would otherwise test each
    word against each cell)."""

    def __init__(self, words: list[dict]) -> None:
        self.words = words
        self.order = sorted(range(len(words)), key=lambda i: words[i]["top"] + words[i]["bottom"])
        self.ys = [(words[i]["top"] + words[i]["bottom"]) / 2 for i in self.order]

    def within(self, box: tuple[float, float, float, float]) -> list[dict]:
        """The words whose centres are in the box, in their given order (_in_box's test)."""
        start, end = bisect.bisect_left(self.ys, box[1]), bisect.bisect_right(self.ys, box[3])
        found = sorted(i for i in self.order[start:end] if _in_box(self.words[i], box))
        return [self.words[i] for i in found]


def _table_rows(boxes: list, xs: list[float], ys: list[float]) -> tuple[int, int] | None:
    """The first and last grid lines of the rows that hold more than one cell.

    Rows of one full-width box above and below them are boxed paragraphs (Word and WPS draw a white
    box behind each paragraph in some exports): their text is read as lines, not as a table.
    """
    split = set()
    for x0, top, x1, bottom in boxes:
        if _index(xs, x1) - _index(xs, x0) < len(xs) - 1:
            split.update(range(_index(ys, top), _index(ys, bottom)))
    if not split:
        return None
    return min(split), max(split) + 1


def _in_box(word: dict, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _confidence(words: list[dict]) -> float | None:
    """The least sure word decides (None: read from a text layer, nothing to doubt)."""
    scores = [w["confidence"] for w in words if w.get("confidence") is not None]
    return min(scores) if scores else None


def _cell_text(words: list[dict]) -> str:
    """The words of a cell, line by line (a header broken over lines keeps its breaks)."""
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if rows and abs(w["top"] - rows[-1][0]["top"]) <= max(2.0, w["bottom"] - w["top"]) * 0.5:
            rows[-1].append(w)
        else:
            rows.append([w])
    return "\n".join(" ".join(w["text"] for w in sorted(r, key=lambda w: w["x0"])) for r in rows)


# ── the document: tables joined across pages, lines into paragraphs ─────────────

def document(name: str, items: list[Line | PageTable], kind: str) -> Document:
    """The document of a file's pages, given their items in page order."""
    doc = Document(path=name, kind=kind)
    lines: list[Line] = []
    tables: list[list[PageTable]] = []
    order: list[tuple[str, int]] = []  # ("p", first line index of a run) / ("t", table index)
    for item in items:
        if isinstance(item, PageTable):
            if order and order[-1][0] == "t" and _continues(tables[-1][-1], item):
                tables[-1].append(item)
                continue
            tables.append([item])
            order.append(("t", len(tables) - 1))
        else:
            if not order or order[-1][0] != "p":
                order.append(("p", len(lines)))
            lines.append(item)
    runs = _line_runs(order, len(lines))
    for item_kind, at in order:
        if item_kind == "t":
            doc.blocks.append(_table(tables[at], len(doc.tables()), kind))
        else:
            _add_lines(doc, lines[at:runs[at]])
    return doc


def _add_lines(doc: Document, lines: list[Line]) -> None:
    """Paragraphs, and the tables printed without ruling lines among them."""
    run: list[Line] = []
    for item in [*find_unruled(lines), None]:
        if isinstance(item, Line):
            run.append(item)
            continue
        for text, line in paragraphs_of(run):
            doc.blocks.append(Paragraph(text, line=line.number, page=line.page))
        run = []
        if item is not None:
            doc.blocks.append(Table(rows=item.rows, index=len(doc.tables()), layout="tab"))


def _line_runs(order: list[tuple[str, int]], total: int) -> dict[int, int]:
    """Start of each run of lines → its end."""
    starts = [at for kind, at in order if kind == "p"]
    return {s: (starts[i + 1] if i + 1 < len(starts) else total) for i, s in enumerate(starts)}


def _continues(before: PageTable, after: PageTable) -> bool:
    """The table goes on after a page break: the next page, the same outer edges, and most column
    edges shared (a nested column may start or end at the break)."""
    if after.page != before.page + 1:
        return False
    if abs(after.edges[0] - before.edges[0]) > _EDGE or abs(after.edges[-1] - before.edges[-1]) > _EDGE:
        return False
    shared = sum(any(abs(a - b) <= _EDGE for b in before.edges) for a in after.edges)
    return shared * 2 >= max(len(after.edges), len(before.edges))


def _table(parts: list[PageTable], index: int, layout: str) -> Table:
    """One grid from a table and its continuations on the following pages, on their common columns."""
    edges = _clusters([x for part in parts for x in part.edges], _EDGE)
    cells: list[tuple[GridCell, int]] = []  # (cell with rows offset, page)
    offset = 0
    for part in parts:
        shifted = []
        for c in part.cells:
            col = _index(edges, c.x0)
            shifted.append(GridCell(c.text, c.row + offset, c.rowspan, c.x0, c.x1, col, _index(edges, c.x1) - col,
                                    c.confidence))
        if cells:
            shifted = _rejoin_cut_cells(cells, shifted, offset)
        cells.extend((c, part.page) for c in shifted)
        offset += part.nrows
    return Table(rows=_rows(cells, offset), index=index, grid=True, layout=layout)


def _rejoin_cut_cells(before: list[tuple[GridCell, int]], first_rows: list[GridCell],
                      offset: int) -> list[GridCell]:
    """A numbered label cut by the page break (（四）无 / 法提供) becomes one cell again."""
    ending = {c.col: c for c, _ in before if c.row + c.rowspan == offset}
    kept = []
    for cell in first_rows:
        above = ending.get(cell.col)
        if (cell.row == offset and above is not None and above.colspan == cell.colspan and cell.text
                and len(cell.text) <= _FRAGMENT_MAX and not list_numbered(cell.text)
                and list_numbered(above.text) and any(c.row == offset and c.col > cell.col for c in first_rows)):
            above.text += cell.text
            above.rowspan += cell.rowspan
            continue
        kept.append(cell)
    return kept


def _rows(cells: list[tuple[GridCell, int]], nrows: int) -> list[list[TextCell]]:
    """Grid rows as the Word reader gives them: a wide cell once, a cell covered from above empty."""
    rows: list[list[TextCell]] = [[] for _ in range(nrows)]
    for cell, page in cells:
        rows[cell.row].append(TextCell(cell.text, line=cell.row + 1, column=cell.col, page=page, span=cell.colspan,
                                       confidence=cell.confidence))
        for r in range(cell.row + 1, min(cell.row + cell.rowspan, nrows)):
            rows[r].append(TextCell("", line=r + 1, column=cell.col, page=page, span=cell.colspan))
    for row in rows:
        row.sort(key=lambda c: c.column or 0)
    return [row for row in rows if row]

