"""Splitting a row of cells into its labels and its values, and aligning values to columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from gongkai.extract.values import read_value
from gongkai.labels import has_cjk
from gongkai.readers.document import TextCell


@lru_cache(maxsize=8192)
def is_label(text: str) -> bool:
    """Labels carry words; values are numbers, 无, blanks, dashes or unreadable scraps."""
    return bool(text) and has_cjk(text) and read_value(text).note == "unreadable"


@dataclass(slots=True)
class RowParts:
    """A table row split into its label cells and its value cells."""

    index: int  # row index within its table
    table: int
    labels: list[TextCell] = field(default_factory=list)
    values: list[TextCell] = field(default_factory=list)
    has_values: bool = False
    grid: bool = False  # cell.column is a true grid column (Word, HTML, Excel)
    positional: bool = False  # cell.column roughly tells the column (tab and pipe rows, grids)


def split_row(row: list[TextCell], index: int, table: int, grid: bool = False,
              positional: bool = False) -> RowParts:
    """Labels are the worded cells; values are the cells after the last label."""
    last = -1
    for i, cell in enumerate(row):
        if is_label(cell.text):
            last = i
    labels = [c for c in row[: last + 1] if c.text]
    values = row[last + 1:]
    return RowParts(index, table, labels, values, any(c.text for c in values), grid, positional or grid)


@dataclass(slots=True)
class Alignment:
    """A row's value cells placed under the table's columns, and what did not fit."""

    cells: list[TextCell | None]  # one per column; None where the value could not be placed
    extra: int = 0  # surplus non-blank cells that were resolved or left unplaced
    ambiguous: bool = False  # surplus cells whose placement changes the values
    short: bool = False  # fewer cells than columns


def _strip_blank_ends(cells: list[TextCell], ncols: int) -> list[TextCell]:
    cells = list(cells)
    while len(cells) > ncols and not cells[-1].text:
        cells.pop()
    while len(cells) > ncols and not cells[0].text:
        cells.pop(0)
    return cells


def candidates(values: list[TextCell], ncols: int) -> tuple[list[list[TextCell]], int]:
    """The ways the values could sit under ncols columns, and how many non-blank cells are surplus.

    Blank cells beyond ncols may be spacers at either end: every window whose outside is blank
    is a candidate. Non-blank surplus (a merged cell repeated, a stray cell) sits at one end.
    """
    n = len(values)
    if n <= ncols:
        return [list(values)], 0
    blank = [not c.text for c in values]
    windows = [values[i:i + ncols] for i in range(n - ncols + 1)
               if all(blank[:i]) and all(blank[i + ncols:])]
    if windows:
        return windows, 0
    cells = _strip_blank_ends(values, ncols)
    surplus = len(cells) - ncols
    return [cells[surplus:], cells[:ncols]], surplus


def fit(values: list[TextCell], ncols: int, prefer=None, positions: list[int] | None = None) -> Alignment:
    """Place the values of a row under ncols columns, or say why not: never a silent shift.

    Where several placements are possible, the only one under which the row's total holds wins,
    else the only one standing exactly under the header's positions.
    """
    options, extra = candidates(values, ncols)
    if len(options[0]) < ncols:
        return Alignment([None] * ncols, short=True)
    if len(options) == 1:
        return Alignment(list(options[0]), extra=extra)
    readings = [[read_value(c.text).value for c in option] for option in options]
    if all(r == readings[0] for r in readings):
        return Alignment(list(options[0]), extra=extra)
    chosen = [o for o, r in zip(options, readings, strict=True) if prefer and prefer(r)]
    if len(chosen) == 1:
        return Alignment(list(chosen[0]), extra=extra)
    if positions is not None:
        under = [o for o in options if [c.column for c in o] == positions]
        if len(under) == 1:
            return Alignment(list(under[0]), extra=extra)
    return Alignment([None] * ncols, extra=max(extra, len(values) - ncols), ambiguous=True)
