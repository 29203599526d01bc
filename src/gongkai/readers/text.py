"""Reader for reports as plain text, in the layouts text extraction leaves behind.

Layouts, detected line by line (never from the file name):
- cell per line: each cell on its own line after a tab, blank lines between rows, a cell's
  own line breaks as untabbed fragments (Word → text);
- tab rows: one row per line, cells separated by tabs (PDF → text);
- pipe rows: `| a | b |` with empty cells, as web pages flatten into text.
Everything else is a paragraph.
"""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

from gongkai.printed import numeric, page_number
from gongkai.readers.document import Document, Paragraph, Table, TextCell
from gongkai.readers.encoding import decode


class Kind(Enum):
    BLANK = 0
    TEXT = 1
    TAB_CELL = 2  # "\tcell"
    TAB_ROW = 3  # "a\tb\tc"
    PIPE_ROW = 4  # "| a | b |"
    PIPE_RULE = 5  # "|---|---|"
    SKIP = 6  # page numbers and page breaks: ignored without ending a row


_WORD_MARKS = re.compile(r"\[bookmark: [^\]]*\]")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_PIPE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_HEADING_LIKE = re.compile(r"^\s*([一二三四五六七八九十]+|\d{1,2})\s*[、.．]\s*\S{4,}")
_BLANK_CHARS = " \u3000\xa0\r\f"
_FRAGMENT_MAX = 6  # a broken header word between blank lines: 自 / 然 / 人
_CONTINUATION_MAX = 30  # a wrapped cell line right under its cell


def classify(line: str) -> Kind:
    if "\t" in line:
        if "\t" in line.lstrip("\t"):
            return Kind.TAB_ROW
        return Kind.TAB_CELL if line[0] == "\t" else Kind.TAB_ROW
    stripped = line.strip(_BLANK_CHARS)
    if not stripped:
        return Kind.BLANK
    if stripped[0] == "|" and stripped.count("|") >= 2:
        return Kind.PIPE_RULE if _PIPE_RULE.match(stripped) else Kind.PIPE_ROW
    if " | " in stripped or stripped.endswith(" |"):  # a pipe row without outer pipes: 规章 | 13 | 13 | 524
        return Kind.PIPE_RULE if _PIPE_RULE.match(stripped) else Kind.PIPE_ROW
    if len(stripped) <= 16 and page_number(stripped) and (
            "-" in stripped or "—" in stripped or "页" in stripped):
        return Kind.SKIP
    return Kind.TEXT


_CELL_STRIP = " \t\u3000\xa0\r\f"


def _clean(text: str) -> str:
    return text.strip(_CELL_STRIP)


class _Lines:
    """The source lines with their kinds, and the readers of each layout."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.kinds = [classify(line) for line in lines]
        self.tables: list[Table] = []
        self._returns: dict[int, bool] = {}  # fragments_return_to_cells, known for every line of a run

    def next_content(self, i: int) -> int:
        while i < len(self.lines) and self.kinds[i] in (Kind.BLANK, Kind.SKIP):
            i += 1
        return i

    def is_fragment(self, i: int, limit: int) -> bool:
        text = _clean(self.lines[i])
        return (self.kinds[i] is Kind.TEXT and len(text) <= limit
                and not _HEADING_LIKE.match(text) and not numeric(text))

    def fragments_return_to_cells(self, i: int) -> bool:
        """After a blank line: do short fragments lead back into the cell table?

        Every line of the run scanned gets the same answer, remembered: a header broken into thousands of
        fragments is scanned once, not once per fragment (that was quadratic in lines)."""
        seen = []
        found = False
        while i < len(self.lines):
            if i in self._returns:
                found = self._returns[i]
                break
            if self.kinds[i] is Kind.TAB_CELL:
                found = True
                break
            if not (self.kinds[i] in (Kind.BLANK, Kind.SKIP) or self.is_fragment(i, _FRAGMENT_MAX)):
                break
            seen.append(i)
            i += 1
        for j in seen:
            self._returns[j] = found
        return found

    def new_table(self, rows: list[list[TextCell]], layout: str) -> Table:
        table = Table(rows=rows, index=len(self.tables), layout=layout)
        self.tables.append(table)
        return table

    def read_cell_per_line(self, i: int) -> tuple[Table, int]:
        rows: list[list[TextCell]] = []
        row: list[TextCell] = []
        more: dict[int, list] = {}  # a cell's continuation lines: [cell, line, line…]
        joinable = False  # may the next untabbed line continue the last cell?
        lines, kinds, n = self.lines, self.kinds, len(self.lines)
        while i < n:
            kind = kinds[i]
            if kind is Kind.TAB_CELL:
                text = lines[i].strip(_CELL_STRIP)
                row.append(TextCell(text, i + 1, len(row)))
                joinable = bool(text) and not numeric(text)
                i += 1
            elif kind is Kind.SKIP:
                i += 1
            elif kind is Kind.TEXT and row and joinable and self.is_fragment(i, _CONTINUATION_MAX):
                more.setdefault(id(row[-1]), [row[-1]]).append(_clean(self.lines[i]))  # joined once, below
                i += 1
            elif kind is Kind.BLANK:
                j = self.next_content(i)
                if (row and joinable and j < len(self.lines) and self.is_fragment(j, _FRAGMENT_MAX)
                        and self.fragments_return_to_cells(j)):
                    i = j  # a header word broken over blank lines: still the same cell
                    continue
                if row:
                    rows.append(row)
                    row = []
                if j < len(self.lines) and self.kinds[j] is Kind.TAB_CELL:
                    i = j
                    continue
                i = j
                break
            else:
                break
        if row:
            rows.append(row)
        _join_continuations(more)
        return self.new_table(rows, "cell-per-line"), i

    def read_tab_rows(self, i: int) -> tuple[Table, int]:
        rows: list[list[TextCell]] = []
        while i < len(self.lines):
            kind = self.kinds[i]
            if kind in (Kind.TAB_ROW, Kind.TAB_CELL):
                cells = self.lines[i].split("\t")
                rows.append([TextCell(_clean(t), line=i + 1, column=c) for c, t in enumerate(cells)])
            elif kind is Kind.SKIP:
                pass
            elif kind is Kind.TEXT and self._inside(i, (Kind.TAB_ROW,)):
                rows.append([TextCell(_clean(self.lines[i]), line=i + 1, column=0)])  # wrapped label
            else:
                break
            i += 1
        return self.new_table(rows, "tab"), i

    def read_pipe_rows(self, i: int) -> tuple[Table, int]:
        rows: list[list[TextCell]] = []
        start = i
        while i < len(self.lines) and self.kinds[i] in (Kind.PIPE_ROW, Kind.PIPE_RULE, Kind.SKIP):
            i += 1
        lines = [(n, self.lines[n].strip(_BLANK_CHARS)) for n in range(start, i) if self.kinds[n] is Kind.PIPE_ROW]
        # Outer pipes frame every row, or none: without them a leading | is an empty first cell.
        outer = all(line.startswith("|") and line.endswith("|") for _, line in lines)
        for n, line in lines:
            inner = line.removeprefix("|").removesuffix("|") if outer else line
            rows.append([TextCell(_clean(t), line=n + 1, column=c) for c, t in enumerate(inner.split("|"))])
        table = self.new_table(rows, "pipe")
        # A pipe table whose rows all have the same number of cells is a true grid (Markdown). Without outer
        # pipes the rows are text flattened from a page like tab rows: positions follow the reading order.
        table.grid = outer and len({len(r) for r in rows}) == 1 and len(rows) > 1
        return table, i

    def _inside(self, i: int, kinds: tuple[Kind, ...]) -> bool:
        """A short untabbed line between two rows of a tab table is a wrapped label."""
        return (self.is_fragment(i, _CONTINUATION_MAX) and i + 1 < len(self.lines)
                and self.kinds[i + 1] in kinds)


def _join_continuations(more: dict[int, list]) -> None:
    """Each cell's continuation lines joined once (adding them one by one was quadratic in a long cell)."""
    for cell, *lines in more.values():
        cell.text = "\n".join([cell.text, *lines])


def read_text(text: str, path: str, encoding: str | None = None) -> Document:
    """Split decoded report text into paragraphs and tables."""
    from gongkai.readers import crawled

    if crawled.looks_crawled(text):
        return crawled.read_crawled(text, path, encoding)
    if crawled.has_header(text):  # a crawler's header over text laid out in lines
        fields, text = crawled.header_fields(text)
        return crawled.apply_header(read_text(text, path, encoding), fields)
    if "[bookmark" in text:
        text = _WORD_MARKS.sub("", text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    src = _Lines(lines)
    doc = Document(path=path, kind="text", encoding=encoding)
    readers = {Kind.TAB_CELL: src.read_cell_per_line, Kind.TAB_ROW: src.read_tab_rows,
               Kind.PIPE_ROW: src.read_pipe_rows, Kind.PIPE_RULE: src.read_pipe_rows}
    i = 0
    while i < len(lines):
        kind = src.kinds[i]
        if kind in readers:
            table, i = readers[kind](i)
            if table.rows:
                doc.blocks.append(table)
        else:
            if kind is Kind.TEXT:
                doc.blocks.append(Paragraph(_MARKDOWN_HEADING.sub("", _clean(lines[i])), line=i + 1))
            i += 1
    return doc


def read_text_file(path: str | Path) -> Document:
    from gongkai.readers.files import read_bytes

    text, encoding = decode(read_bytes(path), str(path))
    return read_text(text, str(path), encoding)
