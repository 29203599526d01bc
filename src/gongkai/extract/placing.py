"""Placing a row's values under its columns: by the header's grid spans, or by count, or not at all (noted)."""

from __future__ import annotations

from collections.abc import Callable

from gongkai.extract.context import Extraction
from gongkai.extract.rows import RowParts, fit

Spans = dict[str, tuple[int, int]]  # column key → the grid columns its header covers
Preference = Callable[[list], bool] | None


def regrid(parts: RowParts, spans: Spans | None) -> None:
    """On a grid, worded cells standing under value columns are values (「十二」 typed as a number)."""
    if not spans or not parts.grid:  # a damaged header can leave no column spans at all
        return
    start = min(s for s, _ in spans.values())
    moved = [c for c in parts.labels if c.column is not None and c.column >= start]
    if moved:
        parts.labels = [c for c in parts.labels if c not in moved]
        parts.values = sorted(moved + parts.values, key=lambda c: c.column or 0)
        parts.has_values = True


def total_holds(columns: list[str]) -> Preference:
    """Prefer the placement of a surplus cell under which 总计 = the sum of the others."""
    if "total" not in columns:
        return None
    t = columns.index("total")

    def ok(values: list) -> bool:
        if any(v is None for v in values):
            return False
        return values[t] == sum(v for i, v in enumerate(values) if i != t)

    return ok


def _place_on_grid(ex: Extraction, parts: RowParts, spans: Spans, key_of: dict[str, str]) -> None:
    """On a true grid a value belongs to the header whose columns it stands under."""
    for column, (start, end) in spans.items():
        key = key_of[column]
        inside = [c for c in parts.values if c.column is not None and c.column < end and c.column + c.span > start]
        filled = [c for c in inside if c.text]
        if len(filled) > 1:
            where = [ex.source(c, parts.table, parts.index) for c in filled]
            ex.note("ambiguous_values", [key], where, count=len(filled), expected=1)
            ex.put(key, None, parts.table, parts.index)
        elif filled or inside:
            ex.put(key, (filled or inside)[0], parts.table, parts.index)
        else:
            where = [ex.source(parts.labels[-1] if parts.labels else None, parts.table, parts.index)]
            ex.note("too_few_values", [key], where, count=0, expected=1)
            ex.put(key, None, parts.table, parts.index)


def place_row(ex: Extraction, parts: RowParts, columns: list[str], cells: list[str], prefer: Preference = None,
              spans: Spans | None = None, use_positions: bool = True) -> None:
    """Store a row's values under its columns (`cells`: their keys, in the same order), saying what could not
    be placed."""
    if spans is not None and parts.grid:
        _place_on_grid(ex, parts, spans, dict(zip(columns, cells, strict=True)))
        return
    positions = [spans[c][0] for c in columns] if spans is not None and parts.positional and use_positions else None
    alignment = fit(parts.values, len(columns), prefer, positions)
    where = [ex.source(parts.values[0] if parts.values else None, parts.table, parts.index)]
    if alignment.short:
        ex.note("too_few_values", cells, where, count=sum(1 for c in parts.values if c.text), expected=len(columns))
    elif alignment.ambiguous:
        ex.note("ambiguous_values", cells, where, count=len(columns) + alignment.extra, expected=len(columns))
    elif alignment.extra:
        ex.note("surplus_cell", cells, where, count=len(columns) + alignment.extra, expected=len(columns))
    for key, cell in zip(cells, alignment.cells, strict=True):
        ex.put(key, cell, parts.table, parts.index)
