"""Cells of exported tables that a spreadsheet cannot run as code: one rule for every CSV and XLSX gongkai writes.

Agency names, file names, application numbers and titles come from other people's files, and a spreadsheet
treats a cell beginning with `=` (or `+`, `-`, `@`) as a formula: `=HYPERLINK("http://…","…")` becomes a link
that sends data away, `=cmd|…` a DDE call. So:

- CSV (the OWASP rule, "CSV injection"): a text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage
  return is written with a leading `'`, which spreadsheets show as text and do not evaluate. Real numbers stay
  as they are: values that are numbers (ints, floats, decimals) and text that is nothing but a plain number
  (`-3`, `+1.5`, `-2e3`), since a number cannot run anything and a quote would change it. `unquoted` undoes
  the quote for gongkai's own imports, so a register exported and imported again is the same register.
- XLSX: every text cell is stored as a string (data type `s`), never a formula, whatever it begins with, and
  without the control characters XML cannot hold (openpyxl would refuse the whole file for one of them).
  The fill-in workbook's own =SUM totals are written by gongkai, not taken from text, and stay formulas.

The web application's downloads use the same functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is imported only by the writers that need it
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = frozenset("=+-@\t\r")  # what a spreadsheet may read as the start of a formula
QUOTE = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML 1.0 cannot hold


def is_formula_like(text: str) -> bool:
    """Text a spreadsheet could evaluate: it begins with a formula character and is not a plain number."""
    return bool(text) and text[0] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(text)


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell may hold it: formula-like text quoted, everything else unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return QUOTE + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(value) for value in values]


def csv_record(row: dict[str, Any]) -> dict[str, Any]:
    """A row for csv.DictWriter, every text value made safe."""
    return {key: csv_cell(value) for key, value in row.items()}


def unquoted(text: str) -> str:
    """Undo `csv_cell`: a quote in front of formula-like text is gongkai's own, not part of the value."""
    if text[:1] == QUOTE and is_formula_like(text[1:]):
        return text[1:]
    return text


def xlsx_text(text: str) -> str:
    """Text an XLSX cell can hold (control characters XML cannot carry removed)."""
    return _XML_ILLEGAL.sub("", text)


def set_text(cell: Cell, text: str) -> None:
    """Put text in a (normal or write-only) openpyxl cell as a string: never a formula, an error code or a number."""
    cell.value = xlsx_text(text)
    cell.data_type = "s"


def set_value(cell: Cell, value: Any) -> None:
    """Put any value in a cell: numbers, dates and empty cells as they are, text always as text."""
    if isinstance(value, str):
        set_text(cell, value)
    else:
        cell.value = value


def write_only_cell(sheet: WriteOnlyWorksheet, value: Any) -> Cell:
    """A cell for `sheet.append` of a write-only workbook, text as text."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet)
    set_value(cell, value)
    return cell


@contextmanager
def write_only_rows(sheet: WriteOnlyWorksheet) -> Iterator[WriteOnlyWorksheet]:
    """Append rows to a write-only sheet; when appending fails half-way, close the sheet's stream at once, so that
    openpyxl's half-written XML is not finished by the garbage collector (which prints a traceback at exit)."""
    try:
        yield sheet
    except BaseException:
        with suppress(Exception):
            sheet.close()
        raise


def xlsx_row(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> list[Any]:
    """A row for `sheet.append` of a write-only workbook: text cells as string cells, other values as they are
    (a plain value is cheaper to write than a cell object)."""
    return [write_only_cell(sheet, value) if isinstance(value, str) else value for value in values]
