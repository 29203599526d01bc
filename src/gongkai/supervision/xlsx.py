"""Sheets of rows into a workbook, streamed: a minimal SpreadsheetML package written directly.

openpyxl takes about 0.1 ms a cell; a 问题清单 of a thousand reports has tens of thousands of rows, so the office's
tables are written here as plain XML: every text an inline string (a text starting with = stays text, never a
formula), every number a number, the header row bold and frozen. Excel, WPS, LibreOffice and openpyxl read it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

Sheet = tuple[str, list[str], Iterable[list[object]]]  # name, headers, rows

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (f'{_HEAD}<styleSheet xmlns="{_MAIN}"><fonts count="2"><font><sz val="11"/><name val="等线"/></font>'
           '<font><b/><sz val="11"/><name val="等线"/></font></fonts><fills count="2"><fill><patternFill '
           'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1">'
           '<border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf '
           'numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" '
           'fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" '
           'xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
           '</cellStyles></styleSheet>')
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters XML cannot hold
_BATCH = 500  # rows put together before each write into the package


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


# one pass over a text: the XML escapes, and the control characters XML cannot hold dropped (as _ILLEGAL does)
_ESCAPED = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;",
            **{c: None for c in range(32) if _ILLEGAL.match(chr(c))}}


def _cell(ref: str, value: object, style: str = "") -> str:
    if value is None or value == "":
        return ""
    if type(value) is not str:  # most cells are text: they skip the tests below
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, int | float):
            return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    text = str(value).translate(_ESCAPED)
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


_ROW_NUMBER = "\x00"  # where a row rendered ahead (row_xml) takes its number: XML text never holds NUL (_ILLEGAL)
_COLUMNS = [_column(i) for i in range(64)]


def row_xml(row: list[object]) -> str:
    """A row of cells as SpreadsheetML, its row number left open: rendered where the row is made (in a worker
    process), numbered where it is written (`_SheetPart.append_xml`)."""
    columns = _COLUMNS if len(row) <= len(_COLUMNS) else [_column(i) for i in range(len(row))]
    return (f'<row r="{_ROW_NUMBER}">' + "".join(_cell(f"{columns[i]}{_ROW_NUMBER}", v) for i, v in enumerate(row))
            + "</row>")


class _SheetPart:
    """One worksheet being written into the package: rows appended as they come, written in batches."""

    def __init__(self, part, header: list[str]) -> None:
        self.part, self.rows, self.batch = part, 0, []
        self._write(f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" '
                    'topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'
                    + '<row r="1">' + "".join(_cell(f"{_column(i)}1", h, ' s="1"') for i, h in enumerate(header))
                    + "</row>")

    def _write(self, text: str) -> None:
        self.part.write(text.encode("utf-8"))

    def append(self, row: list[object]) -> None:
        self.append_xml(row_xml(row))

    def append_xml(self, rendered: str) -> None:
        """Add a row rendered by `row_xml`."""
        self.rows += 1
        self.batch.append(rendered.replace(_ROW_NUMBER, str(self.rows + 1)))
        if len(self.batch) == _BATCH:
            self._write("".join(self.batch))
            self.batch.clear()

    def close(self) -> None:
        self._write("".join(self.batch) + "</sheetData></worksheet>")
        self.part.close()


class Book:
    """A workbook written sheet after sheet: `sheet(name, header)` opens the next sheet (closing the one before),
    `append(row)` adds a row to it, `close()` finishes the package."""

    def __init__(self, path: str | Path) -> None:
        self.package = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.names: list[str] = []
        self.current: _SheetPart | None = None

    def sheet(self, name: str, header: list[str]) -> _SheetPart:
        self._finish_sheet()
        self.names.append(name)
        self.current = _SheetPart(self.package.open(f"xl/worksheets/sheet{len(self.names)}.xml", "w"), header)
        return self.current

    def _finish_sheet(self) -> None:
        if self.current is not None:
            self.current.close()
            self.current = None

    def close(self) -> None:
        self._finish_sheet()
        for name, text in _package(self.names).items():
            self.package.writestr(name, text)
        self.package.close()


def _package(names: list[str]) -> dict[str, str]:
    sheets = "".join(f'<sheet name="{escape(name[:31])}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, name in enumerate(names, start=1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(names) + 1))
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
                        for i in range(1, len(names) + 1))
    return {
        "[Content_Types].xml": f'{_HEAD}<Types xmlns="{_TYPES}"><Default Extension="rels" ContentType="application/'
                               'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
                               '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
                               'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
                               '"/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                               f'spreadsheetml.styles+xml"/>{overrides}</Types>',
        "_rels/.rels": f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/'
                       'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}<Relationship Id="rIdS" '
                                      f'Type="{_REL}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": _STYLES,
    }


def write_sheets(path: str | Path, sheets: list[Sheet]) -> list[int]:
    """Write the sheets in order, a bold header row frozen above each; returns the number of rows of each."""
    from gongkai.atomic import replacing

    with replacing(path) as part:  # the previous file stays until this one is complete
        book = Book(part)
        counts = []
        for name, header, rows in sheets:
            sheet = book.sheet(name, header)
            for row in rows:
                sheet.append(row)
            counts.append(sheet.rows)
        book.close()
    return counts
