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


def _cell(ref: str, value: object, style: str = "") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | float):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    text = escape(_ILLEGAL.sub("", str(value)))
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet_xml(header: list[str], rows: Iterable[list[object]], write) -> int:
    write(f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" '
          'topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>')
    columns = [_column(i) for i in range(max(len(header), 1))]
    write('<row r="1">' + "".join(_cell(f"{columns[i]}1", h, ' s="1"') for i, h in enumerate(header)) + "</row>")
    count, batch = 0, []
    for count, row in enumerate(rows, start=1):
        while len(columns) < len(row):
            columns.append(_column(len(columns)))
        n = count + 1
        batch.append(f'<row r="{n}">' + "".join(_cell(f"{columns[i]}{n}", v) for i, v in enumerate(row)) + "</row>")
        if len(batch) == _BATCH:
            write("".join(batch))
            batch.clear()
    write("".join(batch) + "</sheetData></worksheet>")
    return count


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
    counts = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for number, (_, header, rows) in enumerate(sheets, start=1):
            with package.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                counts.append(_sheet_xml(header, rows, lambda text, part=part: part.write(text.encode("utf-8"))))
        for name, text in _package([name for name, _, _ in sheets]).items():
            package.writestr(name, text)
    return counts
