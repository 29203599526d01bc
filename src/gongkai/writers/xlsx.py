"""The fill-in workbook: the three official tables as protected sheets, totals as formulas.

`write_template(fmt, path)` writes the blank workbook of `gongkai template`; given a report it
writes a filled-in copy. Sheets:

- 「基本信息」: 机关名称, 报告年度, 发布日期, 机关类型 (labels locked, inputs unlocked and validated);
- 「表二 主动公开」, 「表三 依申请公开」, 「表四 复议诉讼」: the official layouts of gongkai.layout,
  merged and bordered as in the official template; the 总计 cells that an identity of the format
  data defines as a sum are =SUM formulas, locked, in their own fill;
- 「正文」: the six section headings (column A) and their prose (column B);
- 「_keys」 (hidden): the format id, and where each flat key, section and table sits, so that a
  reader finds everything without guessing (gongkai.readers.xlsx).

Every cell address is computed from the layout; nothing here names a row, column or key.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from gongkai.atomic import replacing
from gongkai.formats import Format, report_format
from gongkai.labels import SECTION_NUMERALS
from gongkai.layout import TableLayout, table2, table3, table4
from gongkai.model import Report
from gongkai.safe_cells import set_text, set_value
from gongkai.workbook import (
    INFO_SHEET,
    KEY_FORMAT,
    KEY_META,
    KEY_SECTION,
    KEYS_SHEET,
    PROSE_SHEET,
    table_key,
    table_sheet,
)

INFO_FIELDS = (  # (meta key, label, hint)
    ("agency", "机关名称", "按年报标题填写，如：高安市行政服务中心管委会"),
    ("year", "报告年度", "统计年度，四位数字，如：2023"),
    ("published", "发布日期", "年报落款日期，如：2024-01-11"),
    ("kind", "机关类型", "部门 或 人民政府"),
)
KINDS = {"department": "部门", "government": "人民政府"}

TABLE_TOP = 3  # sheet row of a table's first grid row: a title row and a note row above it
PROSE_TOP = 2  # sheet row of section 一 in 「正文」, under a header row

# ── Styles ──────────────────────────────────────────────────────────────────

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_FORMULA_FILL = PatternFill("solid", fgColor="DDEBF7")
_LOCKED = Protection(locked=True)
_UNLOCKED = Protection(locked=False)
_TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_NOTE_FONT = Font(italic=True, color="595959", size=9)
_LINE_HEIGHT = 15.0  # points per text line at the default font


# ── Public API ──────────────────────────────────────────────────────────────

def write_template(fmt: Format, path: str | Path, report: Report | None = None) -> None:
    """Write the fill-in workbook of a format; with a report, a copy filled with its data."""
    wb = Workbook()
    keys: list[tuple[str, str, str]] = [(KEY_FORMAT, fmt.id, "")]
    info = wb.active
    info.title = INFO_SHEET
    keys += _info_sheet(info, report)
    layouts = [table2(fmt, report), table3(fmt), table4(fmt)]
    placed: dict[str, tuple[str, str]] = {}
    sheets: list[tuple[Worksheet, TableLayout]] = []
    for layout in layouts:
        ws = wb.create_sheet(table_sheet(layout.spec))
        sheets.append((ws, layout))
        for key, address in _table_sheet(ws, layout).items():
            placed[key] = (ws.title, address)
        last = f"{get_column_letter(layout.ncols)}{TABLE_TOP + layout.nrows - 1}"
        keys.append((table_key(layout.spec), f"{ws.title}!A{TABLE_TOP}:{last}", ""))
    formulas = _formulas(fmt, placed)
    for ws, layout in sheets:
        _fill_table(ws, layout, fmt, placed, formulas, report)
    prose = wb.create_sheet(PROSE_SHEET)
    keys += _prose_sheet(prose, fmt, report)
    keys += [(key, f"{sheet}!{address}", "formula" if key in formulas and _is_formula(
        wb[sheet][address]) else "input") for key, (sheet, address) in placed.items()]
    _keys_sheet(wb.create_sheet(KEYS_SHEET), keys)
    wb.security = WorkbookProtection(lockStructure=True)  # sheets cannot be renamed or removed
    with replacing(path) as part:  # the previous file stays until the new one is complete
        wb.save(str(part))


def write_workbook(report: Report, path: str | Path) -> None:
    """A report as a filled-in copy of the workbook of its format."""
    write_template(report_format(report), path, report)


# ── 基本信息 ────────────────────────────────────────────────────────────────

def _info_sheet(ws: Worksheet, report: Report | None) -> list[tuple[str, str, str]]:
    ws["A1"], ws["B1"], ws["C1"] = "项目", "填写内容", "说明"
    for cell in ws[1]:
        _style(cell, font=_BOLD, fill=_HEADER_FILL, align=_CENTER)
    meta = report.meta if report else None
    keys = []
    for i, (name, label, hint) in enumerate(INFO_FIELDS):
        row = 2 + i
        ws.cell(row, 1, label)
        ws.cell(row, 3, hint)
        _style(ws.cell(row, 1), font=_BOLD, align=_CENTER)
        _style(ws.cell(row, 3), font=_NOTE_FONT, align=_LEFT)
        cell = ws.cell(row, 2)
        _style(cell, fill=_INPUT_FILL, align=_LEFT, protection=_UNLOCKED)
        _info_value(ws, cell, name, meta)
        keys.append((KEY_META + name, f"{ws.title}!{cell.coordinate}", ""))
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 44
    ws.column_dimensions["C"].width = 44
    ws.protection.sheet = True
    return keys


def _info_value(ws: Worksheet, cell: XlCell, name: str, meta) -> None:
    if name == "year":
        _validate(ws, cell, DataValidation(type="whole", operator="between", formula1="2000", formula2="2100",
                                           error="报告年度应为四位年份，如 2023", errorTitle="报告年度"))
        if meta and meta.year is not None:
            cell.value = meta.year
    elif name == "published":
        cell.number_format = "yyyy-mm-dd"
        _validate(ws, cell, DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)",
                                           formula2="DATE(2100,12,31)", errorTitle="发布日期",
                                           error="请填写日期，如 2024-01-11"))
        if meta and meta.published:
            try:
                cell.value = date.fromisoformat(meta.published)
            except ValueError:
                _text(cell, meta.published)
    elif name == "kind":
        _validate(ws, cell, DataValidation(type="list", formula1='"' + ",".join(KINDS.values()) + '"',
                                           errorTitle="机关类型", error="请选择：部门 或 人民政府"))
        if meta:
            _text(cell, KINDS.get(meta.kind, meta.kind))
    elif meta and meta.agency:
        _text(cell, meta.agency)


def _validate(ws: Worksheet, cell: XlCell, dv: DataValidation) -> None:
    dv.errorStyle = "stop"
    dv.showErrorMessage = True
    dv.allow_blank = True
    ws.add_data_validation(dv)
    dv.add(cell)


# ── The three tables ────────────────────────────────────────────────────────

def _table_sheet(ws: Worksheet, layout: TableLayout) -> dict[str, str]:
    """Lay out the grid (labels, merges, borders, widths); return key → address of data cells."""
    ws.cell(1, 1, f"{layout.spec.name} {layout.title}")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=layout.ncols)
    _style(ws.cell(1, 1), font=_TITLE_FONT, align=_CENTER)
    ws.row_dimensions[1].height = 24
    ws.cell(2, 1, "说明：黄色单元格填写数字（没有的填 0）；蓝色单元格为自动合计，不可修改。")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=layout.ncols)
    _style(ws.cell(2, 1), font=_NOTE_FONT, align=Alignment(horizontal="left", vertical="center"))
    placed = {}
    for cell in layout.cells:
        row, col = TABLE_TOP + cell.row, 1 + cell.col
        xl = ws.cell(row, col)
        for r in range(row, row + cell.rowspan):  # borders on every covered position too
            for c in range(col, col + cell.colspan):
                ws.cell(r, c).border = _BORDER
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + cell.rowspan - 1,
                           end_column=col + cell.colspan - 1)
        if cell.key is None:
            _text(xl, cell.text)
            _style(xl, font=_BOLD if cell.header else None, fill=_HEADER_FILL if cell.header else None,
                   align=_CENTER, protection=_LOCKED)
        else:
            placed[cell.key] = xl.coordinate
    _size(ws, layout)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widths and heights may still be adjusted
    ws.protection.formatRows = False
    return placed


def _fill_table(ws: Worksheet, layout: TableLayout, fmt: Format, placed: dict[str, tuple[str, str]],
                formulas: dict[str, list[str]], report: Report | None) -> None:
    validations: dict[tuple[str, bool], DataValidation] = {}
    for cell in layout.cells:
        if cell.key is None:
            continue
        xl = ws[placed[cell.key][1]]
        parts = formulas.get(cell.key)
        if parts is not None and _formula_fits(report, cell.key, parts):
            xl.value = _sum_formula([placed[p][1] for p in parts])
            _style(xl, fill=_FORMULA_FILL, align=_CENTER, protection=_LOCKED, font=_BOLD)
            continue
        set_value(xl, report.value(cell.key) if report else None)  # a value read as text stays text
        _style(xl, fill=_INPUT_FILL, align=_CENTER, protection=_UNLOCKED)
        column = cell.key.rsplit(".", 1)[-1]
        kind = ("decimal" if column in fmt.decimal_columns else "whole", column in fmt.signed_columns)
        if kind not in validations:
            validations[kind] = _number_validation(ws, *kind)
        validations[kind].add(xl)


def _number_validation(ws: Worksheet, dv_type: str, signed: bool) -> DataValidation:
    """One validation per kind of number cell and sheet, shared by every cell of that kind."""
    if signed:
        dv = DataValidation(type=dv_type, operator="between", formula1="-1000000000", formula2="1000000000")
    else:
        dv = DataValidation(type=dv_type, operator="greaterThanOrEqual", formula1="0")
    dv.errorTitle = "数字"
    dv.error = "请填写整数（没有的填 0）" if dv_type == "whole" else "请填写数字（单位：万元）"
    # A warning, not a stop: what a report printed (无, 约5) can still be entered, and is reported.
    dv.errorStyle, dv.showErrorMessage, dv.allow_blank = "warning", True, True
    ws.add_data_validation(dv)
    return dv


def _formulas(fmt: Format, placed: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    """key → the keys it is the sum of (the format's totals), where all of them sit on one sheet."""
    out: dict[str, list[str]] = {}
    for total, parts in fmt.totals().items():
        if total in placed and all(p in placed and placed[p][0] == placed[total][0] for p in parts):
            out[total] = list(parts)
    return out


def _formula_fits(report: Report | None, key: str, parts: list[str]) -> bool:
    """In a filled copy a total stays a formula only where it shows what the report printed."""
    if report is None:
        return True
    total = report.value(key)
    values = [report.value(p) for p in parts]
    if total is None:
        return all(v is None for v in values)
    if any(v is None for v in values):
        return False
    return math.isclose(sum(values), total, rel_tol=0, abs_tol=1e-9)


def _sum_formula(addresses: list[str]) -> str:
    """=SUM over the addresses, as ranges where they run along one row or one column."""
    points = [coordinate_from_string(a) for a in addresses]
    cols = [column_index_from_string(c) for c, _ in points]
    rows = [r for _, r in points]
    if len(set(cols)) == 1 and rows == list(range(rows[0], rows[0] + len(rows))) and len(rows) > 1:
        return f"=SUM({addresses[0]}:{addresses[-1]})"
    if len(set(rows)) == 1 and cols == list(range(cols[0], cols[0] + len(cols))) and len(cols) > 1:
        return f"=SUM({addresses[0]}:{addresses[-1]})"
    return f"=SUM({','.join(addresses)})"


def _is_formula(cell: XlCell) -> bool:
    return cell.data_type == "f"


def _size(ws: Worksheet, layout: TableLayout) -> None:
    """Column widths so labels fit (long ones wrap), and row heights for the wrapped lines."""
    widths = [10.0] * layout.ncols
    for cell in layout.cells:
        if cell.colspan != 1 or cell.key is not None:
            continue
        cap = 10.0 if cell.rowspan > 2 else (14.0 if cell.header else 40.0)
        widths[cell.col] = max(widths[cell.col], min(_display_width(cell.text) + 2, cap))
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(1 + i)].width = width
    heights = [_LINE_HEIGHT + 3] * layout.nrows
    for cell in layout.cells:
        available = sum(widths[cell.col:cell.col + cell.colspan]) - 1
        lines = sum(max(1, math.ceil(_display_width(part) / available)) for part in cell.text.split("\n"))
        need = (lines * _LINE_HEIGHT + 6) / cell.rowspan
        for r in range(cell.row, cell.row + cell.rowspan):
            heights[r] = max(heights[r], need)
    for r, height in enumerate(heights):
        ws.row_dimensions[TABLE_TOP + r].height = round(height, 1)


def _display_width(text: str) -> float:
    """Width in Excel's character units: CJK and full-width characters take about two."""
    return sum(2.1 if ord(ch) > 0x2E7F else 1.1 for ch in text)


# ── 正文 ────────────────────────────────────────────────────────────────────

def _prose_sheet(ws: Worksheet, fmt: Format, report: Report | None) -> list[tuple[str, str, str]]:
    ws["A1"], ws["B1"] = "章节", "正文（每段一行；单元格内换行：Alt+Enter）"
    for cell in ws[1]:
        _style(cell, font=_BOLD, fill=_HEADER_FILL, align=_CENTER, protection=_LOCKED)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 100
    keys = []
    for i, section in enumerate(fmt.sections):
        row = PROSE_TOP + i
        number = int(section.key)
        heading = ws.cell(row, 1)
        _text(heading, SECTION_NUMERALS[number - 1] + "、" + section.label)
        _style(heading, font=_BOLD, align=_CENTER, protection=_LOCKED)
        prose = ws.cell(row, 2)
        found = report.section(number) if report else None
        text = found.text if found else ""
        if text:
            _text(prose, text)
        _style(prose, fill=_INPUT_FILL, align=_LEFT, protection=_UNLOCKED)
        prose.border = heading.border = _BORDER
        lines = sum(max(1, math.ceil(_display_width(p) / 98)) for p in text.split("\n")) if text else 6
        ws.row_dimensions[row].height = min(409, max(60, lines * _LINE_HEIGHT + 6))
        keys.append((KEY_SECTION + section.key, f"{ws.title}!{prose.coordinate}", ""))
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    return keys



# ── _keys ───────────────────────────────────────────────────────────────────

def _keys_sheet(ws: Worksheet, rows: list[tuple[str, str, str]]) -> None:
    ws.append(["key", "cell", "kind"])
    for row in rows:
        ws.append(list(row))
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 32
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


# ── Helpers ─────────────────────────────────────────────────────────────────

def _text(cell: XlCell, text: str) -> None:
    """Text as text: never a formula (a leading =), no characters XML cannot hold (gongkai.safe_cells)."""
    set_text(cell, text)


def _style(cell: XlCell, *, font: Font | None = None, fill: PatternFill | None = None,
           align: Alignment | None = None, protection: Protection | None = None) -> None:
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if align is not None:
        cell.alignment = align
    cell.protection = protection or _LOCKED
