"""Compute the total cells of a report (总计 columns, row （七）, table 四's 总计) from their parts.

Which cells are totals, and of what, comes from the identities in the format data
(`Format.totals`); nothing here names a row or column.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.formats import report_format
from gongkai.model import Cell, Number, Report, Source


@dataclass(frozen=True, slots=True)
class FilledTotal:
    key: str
    before: Number | None  # what the report had (None: blank)
    after: Number | None  # None: a part is blank or unreadable, so the total stays as it was
    missing: tuple[str, ...] = ()  # the blank parts that kept it from being computed


def fill_totals(report: Report) -> list[FilledTotal]:
    """Set every total to the sum of its parts; returns the totals that changed or could not be computed."""
    totals = report_format(report).totals()
    computed: dict[str, Number | None] = {}
    changes: list[FilledTotal] = []
    for key in totals:
        _compute(report, totals, key, computed, changes)
    return changes


def _compute(report: Report, totals: dict[str, tuple[str, ...]], key: str,
             computed: dict[str, Number | None], changes: list[FilledTotal]) -> Number | None:
    if key in computed:
        return computed[key]
    if key not in totals:
        return report.value(key)
    parts = {p: _compute(report, totals, p, computed, changes) for p in totals[key]}
    missing = tuple(p for p, v in parts.items() if v is None)
    before = report.value(key)
    if missing:
        computed[key] = None
        changes.append(FilledTotal(key, before, None, missing))
        return None
    after = sum(parts.values())  # type: ignore[arg-type]
    if isinstance(after, float):
        after = round(after, 6)
    computed[key] = after
    if before is None or before != after:
        _set(report, key, after)
        changes.append(FilledTotal(key, before, after))
    return after


def _set(report: Report, key: str, value: Number) -> None:
    old = report.cells.get(key)
    source = old.source if old is not None else Source(file=report.file)
    report.cells[key] = Cell(key, value, str(value), source, note="computed")
