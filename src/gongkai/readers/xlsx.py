"""Reader for Excel workbooks (.xlsx): our fill-in workbook, or any workbook holding the tables.

A workbook written by gongkai.writers.xlsx says where everything is in its hidden 「_keys」
sheet; it is read into the neutral Document as a report would print it: the title (from
「基本信息」), each section heading and its prose (from 「正文」), each table sheet as a cell grid
under the heading of its section, and the date at the end. Any other workbook is read sheet by
sheet: rows holding one borderless worded cell are paragraphs, the other rows form tables.

Cells keep their text: a number is written as the report would print it, text stays text (so
「十二」 in a number cell is reported, not guessed). A formula shows its cached value; a workbook
saved by openpyxl has none, so the simple sums the writer uses (=SUM(…), A1+B1) are computed
here, and any other formula is given back as its text.
"""

from __future__ import annotations

import re
import warnings
import zipfile
import zlib
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries
from openpyxl.utils.datetime import from_excel
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from gongkai.errors import InputError
from gongkai.formats import Format, get_format
from gongkai.i18n import Message
from gongkai.labels import has_cjk
from gongkai.printed import numeric
from gongkai.readers.document import Block, Document, Paragraph, Table, TextCell
from gongkai.readers.files import read_bytes
from gongkai.readers.limits import (
    MAX_MERGED_AREA,
    MAX_SHEET_AREA,
    MAX_SHEET_CELLS,
    MAX_SHEET_COLUMNS,
    MAX_SHEET_ROWS,
    MAX_SHEETS,
    MAX_XLSX_BYTES,
)
from gongkai.readers.zipguard import EXCEL, check_package, zip_problem
from gongkai.workbook import KEY_FORMAT, KEY_META, KEY_SECTION, KEY_TABLE, KEYS_SHEET, table_of_key

_REF = r"\$?[A-Z]{1,3}\$?\d+"
_SUM = re.compile(rf"^=\s*SUM\(\s*((?:{_REF}(?::{_REF})?)(?:\s*,\s*{_REF}(?::{_REF})?)*)\s*\)\s*$", re.I)
_PLUS = re.compile(rf"^=\s*({_REF}(?:\s*\+\s*{_REF})*)\s*$", re.I)
_ISO_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_UNPARSED = object()


def read_xlsx_file(path: str | Path) -> Document:
    """Read a workbook into a Document, or raise InputError with a one-line reason."""
    formulas, values = _load(Path(path))
    blocks = _ours(formulas, values)
    if blocks is None:
        blocks = _any(formulas, values)
    index = 0
    for block in blocks:
        if isinstance(block, Table):
            block.index = index
            index += 1
    return Document(str(path), blocks, kind="xlsx")


# ── Opening the file ────────────────────────────────────────────────────────

def _load(path: Path) -> tuple[Workbook, Workbook]:
    """The workbook twice: with its formulas, and with the values Excel cached for them.

    The package passes the zip guard and every sheet's XML is measured (rows, cells, merged area) before openpyxl
    builds anything: it would expand a merged range cell by cell and hold every row in memory."""
    name = str(path)
    members = check_package(name, EXCEL, max_bytes=MAX_XLSX_BYTES)
    data = read_bytes(path, MAX_XLSX_BYTES)
    try:
        _measure_sheets(name, data, members)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unsupported extensions, odd styles: not our concern
            books = (load_workbook(BytesIO(data), data_only=False, keep_links=False),
                     load_workbook(BytesIO(data), data_only=True, keep_links=False))
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, KeyError) as e:
        raise InputError(name, zip_problem(EXCEL, e)) from e
    except Exception as e:  # openpyxl raises many kinds for a damaged workbook
        problem = zip_problem(EXCEL, e)
        if problem.id == "errors.package.damaged_zip":
            problem = Message("errors.xlsx.corrupt", detail=f"{type(e).__name__}: {_one_line(e)}")
        raise InputError(name, problem) from e
    _check_used_ranges(name, books[0])
    return books


_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
_MERGE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?ref\s*=\s*[\"']([^\"']+)[\"']")


def _measure_sheets(name: str, data: bytes, members: set[str]) -> None:
    """Every part holding sheet data, measured in its XML: rows, cells and the area of its merged ranges."""
    with zipfile.ZipFile(BytesIO(data)) as z:
        for member in sorted(members):
            if not member.lower().endswith(".xml"):
                continue
            xml = z.read(member)  # bounded by the zip guard (MAX_XML_MEMBER)
            if b"sheetData" not in xml:
                continue
            sheet = member.rsplit("/", 1)[-1].removesuffix(".xml")
            rows, cells = len(_ROW.findall(xml)), len(_CELL.findall(xml))
            if rows > MAX_SHEET_ROWS:
                raise InputError(name, "errors.xlsx.too_many_rows", sheet=sheet, count=rows, limit=MAX_SHEET_ROWS)
            if cells > MAX_SHEET_CELLS:
                raise InputError(name, "errors.xlsx.too_many_cells", sheet=sheet, count=cells, limit=MAX_SHEET_CELLS)
            _measure_merges(name, sheet, xml)


def _measure_merges(name: str, sheet: str, xml: bytes) -> None:
    covered = 0
    for ref in _MERGE.findall(xml):
        text = ref.decode("ascii", "replace")
        try:
            min_col, min_row, max_col, max_row = range_boundaries(text)
        except (ValueError, TypeError):
            continue  # openpyxl will say what is wrong with it
        if None in (min_col, min_row, max_col, max_row):
            continue
        covered += (max_row - min_row + 1) * (max_col - min_col + 1)
        if covered > MAX_MERGED_AREA:
            raise InputError(name, "errors.xlsx.merged_too_large", sheet=sheet, cells=covered,
                             limit=MAX_MERGED_AREA, range=text)


def _sheet_limits() -> dict[str, int]:
    return {"max_rows": MAX_SHEET_ROWS, "max_columns": MAX_SHEET_COLUMNS, "max_area": MAX_SHEET_AREA}


def _check_used_ranges(name: str, book: Workbook) -> None:
    """Each sheet's used range is read cell by cell: one cell at XFD1048576 must not make it a billion."""
    if len(book.worksheets) > MAX_SHEETS:
        raise InputError(name, "errors.xlsx.too_many_sheets", count=len(book.worksheets), limit=MAX_SHEETS)
    for ws in book.worksheets:
        rows, columns = ws.max_row - ws.min_row + 1, ws.max_column - ws.min_column + 1
        if rows > MAX_SHEET_ROWS or columns > MAX_SHEET_COLUMNS or rows * columns > MAX_SHEET_AREA:
            raise InputError(name, "errors.xlsx.sheet_too_large", sheet=ws.title, rows=rows, columns=columns,
                             **_sheet_limits())


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "…"


# ── Cell text, formulas included ────────────────────────────────────────────

class _Sheet:
    """One sheet's cells as text, with its formulas evaluated where Excel left no value."""

    def __init__(self, formulas: Worksheet, values: Worksheet) -> None:
        self.ws = formulas
        self.cached = values
        self.computed: dict[tuple[int, int], object] = {}
        self.merges = {}  # (row, col) → (anchor row, anchor col, last row, last col)
        for merged in formulas.merged_cells.ranges:
            span = (merged.min_row, merged.min_col, merged.max_row, merged.max_col)
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    self.merges[(r, c)] = span

    def raw(self, row: int, col: int) -> object:
        cell = _get(self.ws, row, col)
        return None if cell is None else cell.value

    def value(self, row: int, col: int) -> object:
        """The cell's value; for a formula its cached value, else the sum it names, else its text."""
        raw = self.raw(row, col)
        if not _is_formula(raw):
            return raw
        cached = _get(self.cached, row, col)
        if cached is not None and cached.value is not None:
            return cached.value
        return self._evaluate(row, col, set())

    def text(self, row: int, col: int) -> str:
        return cell_text(self.value(row, col))

    def _evaluate(self, row: int, col: int, busy: set[tuple[int, int]]) -> object:
        if (row, col) in self.computed:
            return self.computed[(row, col)]
        formula = _formula_text(self.raw(row, col))
        refs = _sum_refs(formula)
        if refs is None or (row, col) in busy:
            return formula
        busy = busy | {(row, col)}
        total: int | float | None = None
        for r, c in refs:
            part = self.raw(r, c)
            if _is_formula(part):
                cached = _get(self.cached, r, c)
                part = cached.value if cached is not None and cached.value is not None else (
                    self._evaluate(r, c, busy))
            if isinstance(part, int | float) and not isinstance(part, bool):
                total = part if total is None else total + part  # as Excel: text and blanks count for nothing
        # Unlike Excel, a sum of nothing but blanks is blank, not 0: nothing was filled in.
        self.computed[(row, col)] = total
        return total


def _get(ws: Worksheet, row: int, col: int):
    """The cell at a position, without creating one where the sheet has none (ws.cell would)."""
    return ws._cells.get((row, col))


def _is_formula(value: object) -> bool:
    if isinstance(value, str):
        return value.startswith("=")
    return type(value).__name__ in ("ArrayFormula", "DataTableFormula")


def _formula_text(value: object) -> str:
    if isinstance(value, str):
        return value
    text = getattr(value, "text", None)
    return text if isinstance(text, str) else str(value)


def _sum_refs(formula: str) -> list[tuple[int, int]] | None:
    """The cells a =SUM(…) or A1+B1 formula adds up, or None for any other formula."""
    m = _SUM.match(formula)
    if m:
        parts = [p.strip() for p in m[1].split(",")]
    else:
        m = _PLUS.match(formula)
        if not m:
            return None
        parts = [p.strip() for p in m[1].split("+")]
    cells: list[tuple[int, int]] = []
    for part in parts:
        min_col, min_row, max_col, max_row = range_boundaries(part.replace("$", ""))
        if (max_row - min_row + 1) * (max_col - min_col + 1) > 100_000:
            return None
        cells += [(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]
    return cells


def cell_text(value: object) -> str:
    """A cell value as a report would print it: numbers plainly, text as typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return _formula_text(value) if _is_formula(value) else str(value)


# ── Cell grids ──────────────────────────────────────────────────────────────

def _row_cells(sheet: _Sheet, row: int, first_col: int, last_col: int) -> list[TextCell]:
    """One grid row: a merged region's anchor once (with its span), EMPTY cells below it."""
    cells: list[TextCell] = []
    col = first_col
    while col <= last_col:
        merge = sheet.merges.get((row, col))
        if merge is None:
            cells.append(TextCell(sheet.text(row, col), line=row, column=col - first_col))
            col += 1
            continue
        top, left, _, right = merge
        span = min(right, last_col) - col + 1
        text = sheet.text(top, left) if row == top and col == left else ""
        cells.append(TextCell(text, line=row, column=col - first_col, span=span))
        col += span
    return cells


def _table(rows: list[list[TextCell]]) -> Table:
    return Table(rows, grid=True, layout="xlsx")


def _grid(sheet: _Sheet, bounds: tuple[int, int, int, int]) -> Table:
    """A range of a sheet as one table, header rows and blank rows included."""
    min_col, min_row, max_col, max_row = bounds
    return _table([_row_cells(sheet, row, min_col, max_col) for row in range(min_row, max_row + 1)])


# ── Our own workbook ────────────────────────────────────────────────────────

def _keys(formulas: Workbook) -> dict[str, str] | None:
    if KEYS_SHEET not in formulas.sheetnames:
        return None
    out = {}
    for row in formulas[KEYS_SHEET].iter_rows(min_row=2, values_only=True):
        if row and isinstance(row[0], str) and len(row) > 1 and row[1] is not None:
            out[row[0]] = str(row[1])
    return out if KEY_FORMAT in out else None


def _split_ref(ref: str) -> tuple[str, str]:
    sheet, _, address = ref.rpartition("!")
    return sheet.strip("'"), address


class _Ours:
    """A workbook gongkai wrote, read through its 「_keys」 sheet (gongkai.workbook)."""

    def __init__(self, formulas: Workbook, values: Workbook, keys: dict[str, str]) -> None:
        self.formulas, self.values, self.keys = formulas, values, keys
        self.fmt = get_format(keys[KEY_FORMAT])
        self.sheets: dict[str, _Sheet] = {}

    def sheet(self, name: str) -> _Sheet:
        if name not in self.sheets:
            self.sheets[name] = _Sheet(self.formulas[name], self.values[name])
        return self.sheets[name]

    def at(self, ref: str) -> tuple[_Sheet, int, int]:
        name, address = _split_ref(ref)
        column, row = coordinate_from_string(address)
        return self.sheet(name), row, column_index_from_string(column)

    def named(self, prefix: str) -> list[tuple[str, str]]:
        return [(name[len(prefix):], ref) for name, ref in self.keys.items() if name.startswith(prefix)]

    def tables(self) -> dict[int, list[Table]]:
        """Each table's grid, by the section it is printed in."""
        tables: dict[int, list[Table]] = {}
        for name, ref in self.named(KEY_TABLE):
            sheet_name, bounds = _split_ref(ref)
            spec = table_of_key(self.fmt, KEY_TABLE + name)
            tables.setdefault(spec.section if spec else 0, []).append(
                _grid(self.sheet(sheet_name), range_boundaries(bounds)))
        return tables

    def section(self, ref: str) -> list[Block]:
        """A section's heading and prose, as printed paragraphs."""
        sheet, row, col = self.at(ref)
        heading = sheet.text(row, 1).strip()
        prose = sheet.text(row, col).replace("\r\n", "\n").replace("\r", "\n")
        blocks: list[Block] = [Paragraph(heading, line=row)] if heading else []
        if prose:
            blocks.extend(Paragraph(line, line=row) for line in prose.split("\n"))
        return blocks

    def blocks(self) -> list[Block]:
        meta = {name: self.at(ref) for name, ref in self.named(KEY_META)}
        values = {name: sheet.value(row, col) for name, (sheet, row, col) in meta.items()}
        tables = self.tables()
        blocks: list[Block] = []
        title = _title(self.fmt, values.get("agency"), values.get("year"))
        if title:
            blocks.append(Paragraph(title, line=meta["agency"][1] if "agency" in meta else None))
        for number, ref in sorted((int(n), ref) for n, ref in self.named(KEY_SECTION)):
            blocks += self.section(ref) + tables.pop(number, [])
        for rest in tables.values():  # a table whose section has no row in 「正文」
            blocks.extend(rest)
        printed = _date_text(values.get("published"))
        if printed and not _same_date(blocks, printed):
            blocks.append(Paragraph(printed, line=meta["published"][1]))
        return blocks


def _ours(formulas: Workbook, values: Workbook) -> list[Block] | None:
    """The blocks of a workbook gongkai wrote, found through its 「_keys」 sheet; None if not ours."""
    keys = _keys(formulas)
    if keys is None:
        return None
    try:
        return _Ours(formulas, values, keys).blocks()
    except (KeyError, ValueError, TypeError):
        return None  # not laid out as the keys say: read it as any workbook


def _title(fmt: Format, agency: object, year: object) -> str | None:
    agency_text = cell_text(agency).strip()
    year_text = cell_text(year).strip().removesuffix("年度").removesuffix("年")
    if not agency_text and not year_text:
        return None
    tail = fmt.report_title
    return f"{agency_text}{year_text}年{tail}" if year_text else f"{agency_text}{tail}"


def _date_text(value: object) -> str | None:
    """The publication date as reports print it: 2024年1月11日."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
        value = from_excel(value)  # a date typed into a cell not formatted as one
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    text = cell_text(value).strip()
    m = _ISO_DATE.match(text)
    if m:
        return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日"
    return text or None


def _same_date(blocks: list[Block], printed: str) -> bool:
    """The prose of the last section may already end with the date (as the report printed it)."""
    last = next((b for b in reversed(blocks) if isinstance(b, Paragraph) and b.text.strip()), None)
    return last is not None and _date_text(last.text) == printed


# ── Any workbook ────────────────────────────────────────────────────────────

def _any(formulas: Workbook, values: Workbook) -> list[Block]:
    """Every visible sheet's used range: one-cell worded rows without borders are paragraphs,
    rows with text or borders are table rows, empty rows without borders are skipped."""
    blocks: list[Block] = []
    for ws in formulas.worksheets:
        if ws.sheet_state != "visible":
            continue
        sheet = _Sheet(ws, values[ws.title])
        first_col, last_col = ws.min_column, ws.max_column
        rows: list[list[TextCell]] = []
        for row in range(ws.min_row, ws.max_row + 1):
            cells = _row_cells(sheet, row, first_col, last_col)
            filled = [c for c in cells if c.text]
            if len(filled) == 1:
                col = first_col + (filled[0].column or 0)
                if isinstance(sheet.value(row, col), date):
                    filled[0].text = _date_text(sheet.value(row, col)) or ""
                if _paragraph_like(sheet, row, col, filled[0]):
                    if rows:
                        blocks.append(_table(rows))
                        rows = []
                    blocks.extend(Paragraph(line, line=row) for line in filled[0].text.split("\n") if line.strip())
                    continue
            if filled or any(_bordered(sheet, row, first_col + (c.column or 0)) for c in cells):
                rows.append(cells)
        if rows:
            blocks.append(_table(rows))
    return blocks


def _bordered(sheet: _Sheet, row: int, col: int) -> bool:
    cell = _get(sheet.ws, row, col)
    border = cell.border if cell is not None else None
    return border is not None and any(getattr(border, side).style for side in ("left", "right", "top", "bottom"))


def _paragraph_like(sheet: _Sheet, row: int, col: int, cell: TextCell) -> bool:
    """A title, heading, prose line or date: worded, alone in its row, outside any bordered grid."""
    if isinstance(sheet.value(row, col), date):
        return True
    text = cell.text.strip()
    if len(text) < 2 or not has_cjk(text) or numeric(text):
        return False
    return not _bordered(sheet, row, col)
