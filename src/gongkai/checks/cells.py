"""Single cells: blank, 无, a placeholder, not a number, a unit typed in, a decimal count, a negative count.

Extraction says how it read each cell (Cell.note); these checks report the cells a person should see.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

from gongkai.checks.base import Check, Context, register
from gongkai.formats import all_formats, table_of
from gongkai.formats.naming import describe, listing
from gongkai.model import Cell, Finding


class _Grouped(NamedTuple):
    table: str
    count: int
    labels: str


class _CellsNoted(Check):
    """The cells read with one note, one finding per table."""

    note: str
    Params = _Grouped

    def run(self, context: Context) -> Iterator[Finding]:
        by_table: dict[str, list[Cell]] = {}
        for cell in context.cells_by_note.get(self.note, ()):
            spec = table_of(cell.key)
            by_table.setdefault(spec.name if spec else cell.key, []).append(cell)
        for table, cells in by_table.items():
            keys = [c.key for c in cells]
            yield self.finding(self.Params(table, len(cells), listing(keys)), keys, [c.source for c in cells])


@register
class BlankCells(_CellsNoted):
    code, note = "S206", "blank"


@register
class NoneWordCells(_CellsNoted):
    code, note = "S208", "none_word"


@register
class PlaceholderCells(_CellsNoted):
    code, note = "S218", "placeholder"


class _Printed(NamedTuple):
    label: str
    raw: str


class _EachCell(Check):
    """One finding per cell that `wrong` picks (among those read with the note, when one is set)."""

    Params = _Printed
    note: str | None = None

    def wrong(self, cell: Cell) -> bool:
        return True

    def params(self, cell: Cell) -> tuple:
        return self.Params(describe(cell.key), cell.raw.replace("\n", ""))

    def run(self, context: Context) -> Iterator[Finding]:
        cells = context.cells_by_note.get(self.note, ()) if self.note else context.report.cells.values()
        for cell in cells:
            if self.wrong(cell):  # rare: the message parameters are built only for a finding
                yield self.finding(self.params(cell), [cell.key], [cell.source])


def _column(key: str) -> str:
    spec = table_of(key)
    parts = spec.split(key) if spec else None
    return parts[1] if parts else key.rsplit(".", 1)[-1]


@cache
def _columns(attribute: str) -> frozenset[str]:
    return frozenset().union(*(getattr(f, attribute) for f in all_formats().values()))


@register
class NotANumber(_EachCell):
    code, note = "S207", "unreadable"


@register
class UnitTypedIn(_EachCell):
    code = "S209"

    class Params(NamedTuple):
        label: str
        raw: str
        unit: str
        value: int | float

    note = "unit"

    def params(self, cell: Cell) -> tuple:
        return self.Params(describe(cell.key), cell.raw.replace("\n", ""), cell.unit or "", cell.value)


@register
class DecimalCount(_EachCell):
    code = "S219"

    def wrong(self, cell: Cell) -> bool:
        return (isinstance(cell.value, float) and not cell.value.is_integer()
                and _column(cell.key) not in _columns("decimal_columns"))


@register
class NegativeCount(_EachCell):
    code = "W603"

    def wrong(self, cell: Cell) -> bool:
        return cell.value is not None and cell.value < 0 and _column(cell.key) not in _columns("signed_columns")
