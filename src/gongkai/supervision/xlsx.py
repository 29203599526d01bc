"""Sheets of rows into a workbook, streamed (openpyxl's write-only mode), text always as text.

A text that starts with = (an agency's or a file's name could) would become a formula in openpyxl; each such cell is
written with the string type set, so Excel shows it as typed and never evaluates it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

Sheet = tuple[str, list[str], Iterable[list[object]]]  # name, headers, rows


def _cell(sheet, value: object):
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_sheets(path: str | Path, sheets: list[Sheet], widths: dict[int, float] | None = None) -> list[int]:
    """Write the sheets in order, a bold header row frozen above each; returns the number of rows of each."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    counts = []
    for name, header, rows in sheets:
        sheet = book.create_sheet(name)
        sheet.freeze_panes = "A2"
        head = []
        for text in header:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = Font(bold=True)
            head.append(cell)
        sheet.append(head)
        count = 0
        for row in rows:
            sheet.append([_cell(sheet, v) for v in row])
            count += 1
        counts.append(count)
    book.save(str(path))
    return counts
