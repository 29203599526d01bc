"""Tables printed without ruling lines: rows rebuilt from where the words stand.

Nothing on such a page says where a cell begins; the numbers do. A line whose tail is numbers standing
apart (`0   3   12`) is the middle of a table row: an *anchor*. Between and around the anchors:

- header lines: a line with words standing over the value columns (本年制发件数, 商业企业, 第二十条第（五）项);
- label lines: words left of the value columns only, the row labels, often wrapped over several lines
  in a narrow column (2.其他 / 法律行 / 政法规 …) and vertically centred on their row's numbers.

Words stacked closely in one column form a block (one cell's text, its lines joined). A label block
belongs to the anchor row nearest its middle; a block spanning several rows (三、本年度办理结果) goes to
the row at its middle. Header blocks make header rows by their height on the page. Rows come out in
reading order with cells in the order they stand: the layout the text reader gives tab-separated text
(`layout="tab"`), which the extraction places by the official labels.

A table runs across page breaks (its header at the foot of one page, its rows on the next). It ends at a
line that is prose: in a larger font, or long without gaps between its words.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from gongkai.printed import value_word
from gongkai.readers.document import TextCell
from gongkai.readers.pdf_layout import Line

_COLUMN_GAP = 1.5  # font sizes between a label and the first number of its row
_BLOCK_PITCH = 1.75  # font sizes from one line of a cell to the next; more is the next cell
_HEADER_REACH = 3.5  # font sizes above the first row that header lines may stand apart
_PROSE_SHARE = 0.5  # a gapless line wider than this share of the text width is prose
_LARGER = 1.15  # a line in a font this much larger than the table's is a heading
_HEAD_DEPTH = 120.0  # points: a header of several rows (表四's three) is no taller than this
_LONE_ROW_VALUES = 3  # a table of one row (表四) needs this many numbers to be told from text


@dataclass(slots=True)
class UnruledTable:
    """A table printed without ruling lines, rebuilt from its words' positions."""

    rows: list[list[TextCell]]


@dataclass(slots=True)
class _Word:
    """A word of an unruled table and its box."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    line: int

    @property
    def y(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class _Block:
    """Words that stand together in one column of an unruled table."""

    words: list[_Word] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def last(self) -> _Word:
        return self.words[-1]

    def key(self) -> tuple[int, float]:
        first, last = self.words[0], self.words[-1]
        if first.page != last.page:
            return first.page, first.y
        return first.page, (first.top + last.bottom) / 2

    def text(self) -> str:
        out = ""
        for w in self.words:
            sep = " " if out and out[-1].isascii() and out[-1].isalnum() and w.text[0].isascii() else ""
            out += sep + w.text
        return out


@dataclass(slots=True)
class _Anchor:
    """A line of numbers of an unruled table, and the label blocks that belong to it."""

    key: tuple[int, float]  # page, middle of its numbers
    line: int
    values: list[dict]  # the words
    labels: list[_Block] = field(default_factory=list)


def _words(line: Line) -> list[_Word]:
    return [_Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], line.page, line.number) for w in line.words]


def _anchor_values(line: Line, size: float) -> list[dict] | None:
    """The numbers ending an anchor line, or None: a row's numbers stand apart from its label and
    from each other; a prose line's numbers (2024 年) do not."""
    words = line.words
    first = next((i for i, w in enumerate(words) if value_word(w["text"])), None)
    if first is None or not all(value_word(w["text"]) for w in words[first:]):
        return None
    values = words[first:]
    if first and words[first]["x0"] - words[first - 1]["x1"] < _COLUMN_GAP * size:
        return None
    if len(values) < 2 and not first:
        return None
    if any(b["x0"] - a["x1"] < size for a, b in itertools.pairwise(values)):
        return None
    return values


def _is_prose(line: Line, size: float, width: float) -> bool:
    if line.size > size * _LARGER:
        return True
    words = line.words
    gapless = all(b["x0"] - a["x1"] < size for a, b in itertools.pairwise(words))
    return gapless and (line.x1 - line.x0) > width * _PROSE_SHARE


def find_unruled(lines: list[Line]) -> list[Line | UnruledTable]:
    """The lines, with each run that is a table printed without lines replaced by that table."""
    if not lines or not any(line.words for line in lines):
        return list(lines)
    size = _median([line.size for line in lines])
    width = max(line.right - line.left for line in lines) or 1.0
    out: list[Line | UnruledTable] = []
    start = 0
    for end in [i for i, line in enumerate(lines) if _is_prose(line, size, width)] + [len(lines)]:
        out.extend(_segment(lines[start:end], size))
        if end < len(lines):
            out.append(lines[end])
        start = end + 1
    return out


def _segment(lines: list[Line], size: float) -> list[Line | UnruledTable]:
    """A run of lines between two prose lines: a table (with lines of text around it) or just lines."""
    values = [_anchor_values(line, size) for line in lines]
    anchors = [i for i, v in enumerate(values) if v is not None]
    if not anchors or (len(anchors) < 2 and len(values[anchors[0]] or ()) < _LONE_ROW_VALUES):
        return list(lines)
    first = _header_start(lines, anchors[0], size)
    last = _table_end(lines, anchors[-1], size)
    table = _table(lines[first:last + 1], values[first:last + 1], size)
    return [*lines[:first], table, *lines[last + 1:]]


def _vertical_gap(upper: Line, lower: Line) -> float:
    if upper.page != lower.page:
        return 0.0  # a page break inside a table is no gap
    return lower.top - upper.top


def _header_start(lines: list[Line], anchor: int, size: float) -> int:
    first = anchor
    while first > 0 and _vertical_gap(lines[first - 1], lines[first]) <= _HEADER_REACH * size:
        first -= 1
    return first


def _table_end(lines: list[Line], anchor: int, size: float) -> int:
    """The last anchor's label may wrap below its numbers; a line further down is text again."""
    last = anchor
    while last + 1 < len(lines) and _vertical_gap(lines[last], lines[last + 1]) <= _BLOCK_PITCH * size:
        last += 1
    return last


def _table(lines: list[Line], values: list[list[dict] | None], size: float) -> UnruledTable:
    boundary = _value_boundary(lines, values, size)
    kinds = _line_kinds(lines, values, boundary, size)
    anchors: list[_Anchor] = []
    label_words: list[_Word] = []
    header_words: list[_Word] = []
    for line, vals, kind in zip(lines, values, kinds, strict=True):
        words = _words(line)
        if vals is not None:
            anchors.append(_Anchor((line.page, _middle(line)), line.number, vals))
            label_words.extend(words[: len(words) - len(vals)])
        else:
            (header_words if kind == _HEADER else label_words).extend(words)
    rows: list[tuple[tuple[int, float], list[TextCell]]] = []
    for block in _blocks(label_words, size):
        anchors[_nearest(anchors, block.key())].labels.append(block)
    heads = _blocks(header_words, size)
    for anchor in anchors:
        cells = [_cell(b.text(), b.words[0]) for b in sorted(anchor.labels, key=lambda b: b.x0)]
        placed = _placed(anchor, _columns_above(heads, anchor.key, boundary))
        cells += [TextCell(v, line=anchor.line, page=anchor.key[0]) for v in placed]
        rows.append((anchor.key, cells))
    rows.extend(_header_rows(heads, size))
    rows.sort(key=lambda r: r[0])
    return UnruledTable([_numbered(cells) for _, cells in rows])


_ANCHOR, _HEADER, _LABEL = "anchor", "header", "label"


def _value_boundary(lines: list[Line], values: list[list[dict] | None], size: float) -> float:
    """Where the value columns begin: between the labels and the numbers of the rows (numbers set
    right in their cells stand well right of where their column, and its head, begins)."""
    value_left = min(v[0]["x0"] for v in values if v)
    label_right = [line.words[len(line.words) - len(v) - 1]["x1"] for line, v in zip(lines, values, strict=True)
                   if v and len(line.words) > len(v)]
    return (max(label_right) + value_left) / 2 if label_right else value_left - size


def _over_values(line: Line, boundary: float) -> bool:
    return any((w["x0"] + w["x1"]) / 2 > boundary for w in line.words)


def _line_kinds(lines: list[Line], values: list[list[dict] | None], boundary: float, size: float) -> list[str]:
    """Each line: a row's numbers, a header line, or a label line.

    Header lines stand over the value columns (本年制发件数), or come before such a line with no row
    between (第二十条第（五）项 set left, （本列数据的勾稽关系…） beside the column heads); a line right
    under a row or a label line, within a line's pitch, is its label going on."""
    kinds = [_ANCHOR if v is not None else _HEADER if _over_values(line, boundary) else _LABEL
             for line, v in zip(lines, values, strict=True)]
    header_below = False
    for i in range(len(lines) - 1, -1, -1):
        if kinds[i] == _ANCHOR:
            header_below = False
        elif kinds[i] == _HEADER:
            header_below = True
        elif header_below and not (i and kinds[i - 1] != _HEADER and _next_line_of_cell(lines[i - 1], lines[i], size)):
            kinds[i] = _HEADER
    return kinds


def _next_line_of_cell(upper: Line, lower: Line, size: float) -> bool:
    return upper.page == lower.page and 0 < lower.top - upper.top <= _BLOCK_PITCH * size


def _middle(line: Line) -> float:
    return math.fsum((w["top"] + w["bottom"]) / 2 for w in line.words) / len(line.words)  # statistics.fmean's sum


def _median(values: list[float]) -> float:
    """statistics.median (importing statistics, with fractions and decimal, cost a tenth of reading a report)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _columns_above(heads: list[_Block], key: tuple[int, float], boundary: float) -> list[float]:
    """The middles of the column heads over a row: the lowest heads of the nearest header above it
    (自然人 … 总计 under 申请人情况, 本年增/减 under 第二十条第（五）项). A continued table keeps its
    header's columns on the next page."""
    above = [b for b in heads if b.key() < key and (b.x0 + b.x1) / 2 > boundary]
    if not above:
        return []
    nearest = max(above, key=lambda b: b.key())
    group = [b for b in above if b.last.page == nearest.last.page and nearest.key()[1] - b.key()[1] < _HEAD_DEPTH]
    lowest = [b for b in group if not any(o is not b and o.key() > b.key() and o.x0 < b.x1 and b.x0 < o.x1
                                          for o in group)]
    return sorted((b.x0 + b.x1) / 2 for b in lowest)


def _placed(anchor: _Anchor, columns: list[float]) -> list[str]:
    """The row's numbers under their column heads, blank where a column has none; in their order
    when the heads do not tell (no header, or two numbers under one head)."""
    texts = [w["text"] for w in anchor.values]
    if len(columns) <= len(texts):
        return texts
    cells = [""] * len(columns)
    for word in anchor.values:
        middle = (word["x0"] + word["x1"]) / 2
        at = min(range(len(columns)), key=lambda i: abs(columns[i] - middle))
        if cells[at]:
            return texts
        cells[at] = word["text"]
    return cells


def _cell(text: str, word: _Word) -> TextCell:
    return TextCell(text, line=word.line, page=word.page)


def _numbered(cells: list[TextCell]) -> list[TextCell]:
    for i, cell in enumerate(cells):
        cell.column = i
    return cells


def _nearest(anchors: list[_Anchor], key: tuple[int, float]) -> int:
    """The anchor row a block belongs to: on its page, the nearest to its middle; on a page before
    every anchor, the first."""
    same = [i for i, a in enumerate(anchors) if a.key[0] == key[0]]
    if not same:
        later = [i for i, a in enumerate(anchors) if a.key[0] > key[0]]
        return later[0] if later else len(anchors) - 1
    return min(same, key=lambda i: abs(anchors[i].key[1] - key[1]))


def _blocks(words: list[_Word], size: float) -> list[_Block]:
    """Words stacked closely in one column, top to bottom: one cell's text each."""
    blocks: list[_Block] = []
    for word in sorted(words, key=lambda w: (w.page, w.top, w.x0)):
        home = next((b for b in blocks if _continues(b, word, size)), None)
        if home is None:
            blocks.append(_Block([word]))
        else:
            home.words.append(word)
    return blocks


def _continues(block: _Block, word: _Word, size: float) -> bool:
    last = block.last
    if last.page != word.page or not 0 < word.top - last.top <= _BLOCK_PITCH * size:
        return False
    return word.x0 < last.x1 and last.x0 < word.x1  # one above the other


def _header_rows(blocks: list[_Block], size: float) -> list[tuple[tuple[int, float], list[TextCell]]]:
    """Header blocks in rows: those whose middles stand within a font size of each other."""
    rows: list[tuple[tuple[int, float], list[_Block]]] = []
    for block in sorted(blocks, key=lambda b: b.key()):
        key = block.key()
        if rows and rows[-1][0][0] == key[0] and key[1] - rows[-1][0][1] <= size:
            rows[-1][1].append(block)
        else:
            rows.append((key, [block]))
    return [(key, [_cell(b.text(), b.words[0]) for b in sorted(group, key=lambda b: b.x0)]) for key, group in rows]
