"""Typesetting rules shared by the Word and HTML writers: where a label may break, how wide each
table column is, and how the title falls into lines.

Chinese has no spaces, so a label may only break between words. Words come from jieba's
dictionary: the labels of every bundled format are segmented once, ahead of time, into
`words.txt` beside this module (loading jieba's dictionary takes over a second, longer than a
whole Word file takes to write); any other text (a format added as a TOML file, a long agency
name) is segmented by jieba when it is installed, else character by character. On top of the
words, the rules of Chinese line breaking (避头尾): no line starts with closing punctuation or
ends with opening punctuation, and a list number (1. / 2、) stays with its first word.

Widths are in em of the table's font (a Chinese character is 1 em, a digit or Latin letter ½).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from gongkai.labels import normalize_text
from gongkai.layout import LayoutCell, TableLayout
from gongkai.printed import LIST_NUMBERING

SHORT_WORD = 4  # a word of at most this many characters never breaks across lines
NUMBERING_MAX = 8  # a label's list numbering (（十一）, 12.) is within its first characters
OPENING = frozenset("（(“‘《〈【[「『〔")
CLOSING = frozenset("）)”’》〉】]」』〕、，。；：！？,.;:!?%％·…")
# Column widths of the blank official template (国办公开办函〔2021〕30号), in twips, by the number of
# grid columns of a table: table 二 (4 equal), table 三 (3 label columns, 7 data), table 四 (15).
# Only the proportions are used; a table of another shape starts from equal columns.
TEMPLATE_GRIDS: dict[int, tuple[int, ...]] = {
    4: (2435, 2435, 2435, 2435),
    10: (754, 921, 3271, 685, 685, 685, 685, 685, 685, 685),
    15: (649,) * 7 + (650,) * 8,
}
EPSILON = 0.01  # em: widths are sums of floats and become whole twips
NOTE_MIN_CHARS = 9  # a parenthesis this long in a label is an explanatory note (set in 楷体, as the template)


# ── words ────────────────────────────────────────────────────────────────────

@cache
def _known_words() -> dict[str, tuple[str, ...]]:
    """The segmentation of every label of the bundled formats, from words.txt (tab between words)."""
    text = (resources.files(__package__) / "words.txt").read_text(encoding="utf-8")
    out: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            words = tuple(line.split("\t"))
            out["".join(words)] = words
    return out


def segment(text: str) -> tuple[str, ...]:
    """jieba's words of a text (its default mode: the dictionary, and its HMM for unknown words)."""
    import jieba  # slow to load: only for text the word list does not know

    jieba.setLogLevel(60)
    return tuple(w for w in jieba.cut(text) if w)


@cache
def words(text: str) -> tuple[str, ...]:
    """The words of a text: from the word list, else jieba, else one character at a time."""
    known = _known_words().get(text)
    if known is not None:
        return known
    if all(char_width(c) < 1 for c in text):  # digits and Latin letters: nothing to segment
        return (text,)
    try:
        return segment(text)
    except ImportError:
        return tuple(text)


def char_width(char: str) -> float:
    """1 em for a Chinese character or full-width sign, ½ em for digits and Latin letters."""
    return 1.0 if unicodedata.east_asian_width(char) in "WFA" else 0.5


def text_width(text: str) -> float:
    return sum(char_width(c) for c in text)


def numbering(text: str) -> str:
    """The list numbering a label starts with (（三） 三、 1.), as printed."""
    head = text[:NUMBERING_MAX]
    normal = normalize_text(head)
    m = LIST_NUMBERING.match(normal)
    if not m or len(normal) != len(head):  # NFKC kept the length: positions still match
        return ""
    return text[: m.end()]


@cache
def units(text: str) -> tuple[str, ...]:
    """The pieces a label may break between: words joined by the rules of Chinese line breaking.

    A label's numbering is one piece; a short name after it (（三）不予公开) is one piece too, so a
    label of the official form never breaks inside its name.
    """
    number = numbering(text)
    rest = text[len(number):]
    if number and 0 < len(rest) <= SHORT_WORD:
        return _glued([number, rest])
    pieces = [number] if number else []
    if rest:
        offset = len(number)
        pieces += [text[offset + s:offset + e] for s, e in _spans(words(text), offset)]
    return _glued(pieces)


def _spans(parts: Iterable[str], skip: int) -> list[tuple[int, int]]:
    """(start, end) of the words after the first skip characters, cut at skip where a word crosses it."""
    spans, at = [], 0
    for part in parts:
        start, end = at, at + len(part)
        at = end
        if end > skip:
            spans.append((max(start, skip) - skip, end - skip))
    return spans


def _glued(pieces: list[str]) -> tuple[str, ...]:
    """Closing punctuation to the piece before, opening punctuation and 1. / 2、 to the piece after."""
    out: list[str] = []
    carry = ""
    for piece in pieces:
        if not piece:
            continue
        if out and not carry and piece[0] in CLOSING:
            out[-1] += piece
        elif all(c in OPENING for c in piece) or _arabic_number(piece):
            carry += piece
        else:
            out.append(carry + piece)
            carry = ""
    if carry:
        out.append(carry)
    return tuple(out)


def _arabic_number(piece: str) -> bool:
    """1. or 2、 (or the digits alone): a list number that must not end a line."""
    return piece.rstrip(".、．").isdigit()


def longest_unit(text: str) -> float:
    """The width of the widest piece of text that may not break."""
    return max((text_width(u) for line in text.split("\n") for u in units(line)), default=0.0)


def wrap(text: str, width: float) -> list[str]:
    """The text in lines no wider than width em, broken only between pieces (a piece wider than
    the line, a long word, is cut where it must)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _wrap_line(paragraph, width)
    return lines


def _wrap_line(text: str, width: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for unit in units(text) or ("",):
        if line and text_width(line + unit) > width + EPSILON:
            lines.append(line)
            line = ""
        while text_width(unit) > width + EPSILON and len(unit) > 1:  # a word longer than the line
            cut = _fit(unit, width - text_width(line))
            lines.append(line + unit[:cut])
            line, unit = "", unit[cut:]
        line += unit
    lines.append(line)
    return lines


def _fit(text: str, width: float) -> int:
    """How many leading characters of text fit in width (at least one)."""
    used, count = 0.0, 0
    for char in text:
        used += char_width(char)
        if used > width + EPSILON:
            break
        count += 1
    return max(count, 1)


def balanced(text: str, width: float) -> list[str]:
    """Lines of about equal width (a title or a heading of a few lines), none wider than width."""
    if text_width(text) <= width:  # one line: no need to know its words
        return [text]
    count = math.ceil(text_width(text) / width) if width > 0 else 1
    for n in range(max(count, 1), len(text) + 1):
        lines = wrap(text, min(width, text_width(text) / n + 1))
        if len(lines) <= n and all(text_width(line) <= width for line in lines):
            return lines
    return wrap(text, width)


LEAD_HEADING_MAX = 30  # a paragraph's own （一）… heading is at most this long


def lead_heading(line: str) -> int:
    """Length of the （一）… heading that opens a paragraph, up to its full stop (else 0): the
    second level of headings of an official document, set in 楷体."""
    if not line.startswith("（") or numbering(line)[-1:] != "）":
        return 0
    stop = line.find("。")
    if 0 < stop < LEAD_HEADING_MAX:
        return stop + 1
    return len(line) if len(line) <= LEAD_HEADING_MAX else 0


def closing_offsets(signature: str | None, date: str | None) -> tuple[float, float]:
    """How far (in characters) the signature and the date stand from the right margin: the date
    右空四字 and the signature centred over it; a signature longer than the date 右空二字, the date
    then centred under it (GB/T 9704); with no date, the signature 右空二字."""
    date_right, sign_right = 4.0, 2.0
    if date is not None:
        sign_right = date_right + (text_width(date) - text_width(signature or "")) / 2
    if sign_right < 2:
        date_right += 2 - sign_right
        sign_right = 2.0
    return sign_right, date_right


def note_start(text: str) -> int | None:
    """Where an explanatory note in parentheses begins in a label (the template sets it in 楷体)."""
    at = text.find("（", len(numbering(text)))
    while at != -1:
        close = text.find("）", at)
        if close != -1 and close - at + 1 >= NOTE_MIN_CHARS:
            return at
        at = text.find("（", at + 1)
    return None


# ── tables ───────────────────────────────────────────────────────────────────

# The page every writer sets a table on: A4 less the margins of GB/T 9704 (156 × 225 mm), tables in
# 五号 (10.5 pt) on fixed 13 pt lines, 0.1 cm inside each cell left and right, 1 pt above and below.
TEXT_WIDTH_PT, TEXT_HEIGHT_PT = 442.2, 637.8
TABLE_PT, TABLE_LINE_PT = 10.5, 13.0
CELL_MARGIN_PT, CELL_PAD_PT = 2.85, 1.0
SAFETY_EM = 0.1  # lines are set this much narrower than their cell: renderers round glyph positions
KEEP_FRACTION = 0.6  # a table no taller than this share of a page is kept on one page (table 三 is taller)
GROUP_KEEP_FRACTION = 0.3  # likewise the rows under one row-spanning label


def table_rows(table: TableLayout) -> list[list[LayoutCell]]:
    """The anchor cells of each grid row, left to right."""
    rows: list[list[LayoutCell]] = [[] for _ in range(table.nrows)]
    for cell in table.cells:
        rows[cell.row].append(cell)
    for row in rows:
        row.sort(key=lambda c: c.col)
    return rows


def header_rows(table: TableLayout) -> int:
    """How many leading rows hold only column headers, when no header comes after them (else 0:
    table 二, whose every block has its own header rows)."""
    rows = table_rows(table)
    count = 0
    while count < len(rows) and rows[count] and all(c.header for c in rows[count]):
        count += 1
    if any(c.header for row in rows[count:] for c in row):
        return 0
    return count


@dataclass(slots=True)
class TableSet:
    """A table set on the page: each grid column's width, each cell's lines, and which rows must
    stay on the page of the row below them."""

    table: TableLayout
    widths: list[float]  # em of the table font, per grid column
    lines: dict[int, list[str]]  # id(cell) → its lines
    head: int  # leading header rows, repeated on every page
    keep: list[bool]  # row r stays with row r + 1

    def span(self, cell: LayoutCell) -> float:
        return sum(self.widths[cell.col:cell.col + cell.colspan])

    def top(self, cell: LayoutCell) -> bool:
        """A label over rows that may break across pages sits at the top of its cell, on the first
        page, rather than in the middle, where the page break may fall."""
        return cell.rowspan > 1 and not all(self.keep[cell.row:cell.row + cell.rowspan - 1])


def _minimum(table: TableLayout, padding: float) -> list[float]:
    """Each grid column's narrowest width: its widest unbreakable piece (single-column cells)."""
    least = [padding + 1.0] * table.ncols
    for cell in table.cells:
        if cell.colspan == 1:  # a value never breaks; a label between its pieces
            widest = text_width(cell.text) if cell.key is not None else longest_unit(cell.text)
            least[cell.col] = max(least[cell.col], widest + padding)
    return least


def column_widths(table: TableLayout, total: float, padding: float) -> list[float]:
    """Widths in the proportions of the official template, each column at least its minimum.

    Columns below their minimum are set to it, and the rest share what remains in the template's
    proportions (repeated until every column holds).
    """
    weights = [float(w) for w in TEMPLATE_GRIDS.get(table.ncols, (1,) * table.ncols)]
    least = _minimum(table, padding)
    if sum(least) >= total:
        return [total * w / sum(least) for w in least]
    fixed: set[int] = set()
    while True:
        free = [c for c in range(table.ncols) if c not in fixed]
        scale = (total - sum(least[c] for c in fixed)) / sum(weights[c] for c in free)
        short = {c for c in free if weights[c] * scale < least[c]}
        if not short:
            return [least[c] if c in fixed else weights[c] * scale for c in range(table.ncols)]
        fixed |= short


def _row_heights(table: TableLayout, lines: dict[int, list[str]]) -> list[float]:
    """Each grid row's height in points, a row-spanning cell's lines shared among its rows."""
    need = [1] * table.nrows
    for cell in sorted(table.cells, key=lambda c: c.rowspan):
        count = len(lines[id(cell)])
        rows = range(cell.row, cell.row + cell.rowspan)
        have = sum(need[r] for r in rows)
        if count > have:
            need[rows[-1]] += count - have
    return [n * TABLE_LINE_PT + 2 * CELL_PAD_PT for n in need]


def _keeps(table: TableLayout, heights: list[float], lines: dict[int, list[str]], head: int) -> list[bool]:
    """Which rows stay on the page of the row below: all of a short table; else the header rows
    (with the first data row), the rows under a row-spanning label short enough to keep, and under
    a longer one as many of its first rows as its lines need (its text is never cut by a page)."""
    n = table.nrows
    if sum(heights) <= KEEP_FRACTION * TEXT_HEIGHT_PT:
        return [r < n - 1 for r in range(n)]
    keep = [r < head for r in range(n)]
    for cell in table.cells:
        rows = range(cell.row, cell.row + cell.rowspan)
        if cell.rowspan == 1:
            continue
        if sum(heights[r] for r in rows) <= GROUP_KEEP_FRACTION * TEXT_HEIGHT_PT:
            last = rows.stop - 1
        else:  # a long group: at least the rows its label's lines need start on one page
            last = _rows_for(heights, cell.row, len(lines[id(cell)]) * TABLE_LINE_PT + 2 * CELL_PAD_PT)
        for r in range(cell.row, min(last, rows.stop - 1)):
            keep[r] = True
    return keep


def _rows_for(heights: list[float], start: int, height: float) -> int:
    """The row from start at which the rows' heights first reach height, one more for safety."""
    total, r = 0.0, start
    while r < len(heights) and total < height:
        total += heights[r]
        r += 1
    return r


def set_table(table: TableLayout) -> TableSet:
    """The table set on the page: column widths, every label in lines, rows kept together."""
    padding = 2 * CELL_MARGIN_PT / TABLE_PT + SAFETY_EM
    widths = column_widths(table, TEXT_WIDTH_PT / TABLE_PT, padding)
    lines: dict[int, list[str]] = {}
    for cell in table.cells:
        room = sum(widths[cell.col:cell.col + cell.colspan]) - padding
        lines[id(cell)] = [cell.text] if cell.key is not None else wrap(cell.text, room)
    head = header_rows(table)
    return TableSet(table, widths, lines, head, _keeps(table, _row_heights(table, lines), lines, head))


# ── the title ────────────────────────────────────────────────────────────────

def title_lines(title: str, agency: str | None, width: float) -> list[str]:
    """The title in lines as official documents set it: whole when it fits, else the agency on its
    own line(s) and {year}年政府信息公开工作年度报告 on the next, each line broken only between words."""
    if text_width(title) <= width:
        return [title]
    if agency and title.startswith(agency) and len(title) > len(agency):
        return balanced(agency, width) + balanced(title[len(agency):], width)
    return balanced(title, width)


# ── the word list ────────────────────────────────────────────────────────────

def label_texts() -> list[str]:
    """Every label, header and title tail of the bundled formats' tables, in a stable order."""
    from gongkai.formats import all_formats
    from gongkai.layout import table2, table3, table4

    texts: set[str] = set()
    for fmt in all_formats().values():
        texts.add(fmt.report_title)
        for table in (table2(fmt), table3(fmt), table4(fmt)):
            texts.update(line for c in table.cells if c.key is None for line in c.text.split("\n") if line)
    return sorted(texts)


def word_list() -> str:
    """words.txt as jieba segments label_texts(): `python -m gongkai.writers.typeset` rewrites it."""
    header = "# jieba's words of every table label of the bundled formats (gongkai.writers.typeset)\n"
    return header + "".join("\t".join(segment(text)) + "\n" for text in label_texts())


if __name__ == "__main__":
    from gongkai.atomic import write_text

    write_text(str(resources.files(__package__) / "words.txt"), word_list())
