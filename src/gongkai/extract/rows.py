"""Splitting a row of cells into its labels and its values, and aligning values to columns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from gongkai.extract.values import read_value
from gongkai.readers.document import TextCell

_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=8192)
def is_label(text: str) -> bool:
    """Labels carry words; values are numbers, 无, blanks, dashes or unreadable scraps."""
    return bool(text) and bool(_CJK.search(text)) and read_value(text).note == "unreadable"


@dataclass(slots=True)
class RowParts:
    index: int  # row index within its table
    table: int
    labels: list[TextCell] = field(default_factory=list)
    values: list[TextCell] = field(default_factory=list)
    has_values: bool = False
    grid: bool = False  # cell.column is a true grid column (Word, HTML, Excel)


def split_row(row: list[TextCell], index: int, table: int, grid: bool = False) -> RowParts:
    """Labels are the worded cells; values are the cells after the last label."""
    last = -1
    for i, cell in enumerate(row):
        if is_label(cell.text):
            last = i
    labels = [c for c in row[: last + 1] if c.text]
    values = row[last + 1:]
    return RowParts(index, table, labels, values, any(c.text for c in values), grid)


@dataclass(slots=True)
class Alignment:
    cells: list[TextCell | None]  # one per column; None where the value could not be placed
    extra: int = 0  # surplus non-blank cells that were resolved or left unplaced
    ambiguous: bool = False  # surplus cells whose placement changes the values
    short: bool = False  # fewer cells than columns


def align(values: list[TextCell], ncols: int) -> list[list[TextCell]] | list[TextCell]:
    """Trim blank cells at the ends beyond ncols; return the exact fit, or the candidates."""
    cells = list(values)
    while len(cells) > ncols and not cells[-1].text:
        cells.pop()
    while len(cells) > ncols and not cells[0].text:
        cells.pop(0)
    if len(cells) <= ncols:
        return cells
    surplus = len(cells) - ncols
    # A merged cell repeated, or a stray cell: the surplus sits at one end or the other.
    return [cells[surplus:], cells[:ncols]]


def fit(values: list[TextCell], ncols: int, prefer=None) -> Alignment:
    """Place the values of a row under ncols columns, or say why not."""
    result = align(values, ncols)
    if result and isinstance(result[0], list):
        candidates: list[list[TextCell]] = result  # type: ignore[assignment]
        readings = [[read_value(c.text).value for c in cand] for cand in candidates]
        if all(r == readings[0] for r in readings):
            return Alignment(list(candidates[0]), extra=len(values) - ncols)
        chosen = [cand for cand, r in zip(candidates, readings, strict=True) if prefer and prefer(r)]
        if len(chosen) == 1:
            return Alignment(list(chosen[0]), extra=len(values) - ncols)
        return Alignment([None] * ncols, extra=len(values) - ncols, ambiguous=True)
    cells: list[TextCell] = result  # type: ignore[assignment]
    if len(cells) < ncols:
        return Alignment([None] * ncols, short=True)
    return Alignment(list(cells))
