"""Cells read by OCR that a person should confirm: doubtful readings, and numbers a one-digit misreading
would explain.

A recogniser is sometimes sure and wrong (9 read as 6). Where an identity fails and changing one digit
of one OCR'd cell (replacing, adding or dropping a digit) makes that cell break fewer identities, the
cell is flagged with the value that would fit; the check never changes the value itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from gongkai.checks.arithmetic import expanded_identities
from gongkai.checks.base import Check, Context, register
from gongkai.formats.naming import describe
from gongkai.labels import one_edit_apart
from gongkai.model import Finding, Number, Report

LOW_CONFIDENCE = 0.9  # below this the engine's reading of a number is shown to a person


@register
class LowConfidence(Check):
    """Doubtful numbers, except those the arithmetic confirms: every identity they are in holds."""

    code = "O701"

    def applies(self, context: Context) -> bool:
        return context.ocr

    class Params(NamedTuple):
        label: str
        value: Number
        raw: str
        confidence: float

    def run(self, context: Context) -> Iterator[Finding]:
        report = context.report
        terms = expanded_identities(context.fmt)
        for key, cell in report.cells.items():
            if cell.confidence is None or cell.confidence >= LOW_CONFIDENCE or cell.value is None:
                continue
            if not _confirmed(report, terms, key):
                yield self.finding(self.Params(describe(key), cell.value, cell.raw, round(cell.confidence, 2)),
                                   [key], [cell.source])


@register
class OneDigitMisreading(Check):
    code = "O702"

    def applies(self, context: Context) -> bool:
        return context.ocr

    class Params(NamedTuple):
        label: str
        value: Number
        candidates: str

    def run(self, context: Context) -> Iterator[Finding]:
        report = context.report
        terms = expanded_identities(context.fmt)
        for key in sorted(_suspects(report, terms)):
            cell = report.cells[key]
            fitting = sorted(v for v in _candidates(report, terms, key) if _one_digit_apart(cell.value, v))
            if fitting:
                yield self.finding(self.Params(describe(key), cell.value, "、".join(str(v) for v in fitting)),
                                   [key], [cell.source])


def _confirmed(report: Report, terms: list[tuple[list[str], list[str]]], key: str) -> bool:
    mine = [(left, right) for left, right in terms if key in left or key in right]
    return bool(mine) and all(_holds(report, left, right, {}) for left, right in mine)


def _suspects(report: Report, terms: list[tuple[list[str], list[str]]]) -> set[str]:
    """Whole-number OCR'd cells that take part in a failing identity."""
    out = set()
    for left, right in terms:
        if _holds(report, left, right, {}) is False:
            out.update(k for k in left + right if _ocr_number(report, k))
    return out


def _ocr_number(report: Report, key: str) -> bool:
    cell = report.cells.get(key)
    return cell is not None and cell.confidence is not None and isinstance(cell.value, int)


def _candidates(report: Report, terms: list[tuple[list[str], list[str]]], key: str) -> set[int]:
    """Values of the cell that mend a failing identity and leave it breaking fewer identities in all."""
    mine = [(left, right) for left, right in terms if key in left or key in right]
    broken = sum(_holds(report, left, right, {}) is False for left, right in mine)
    found = set()
    for left, right in mine:
        if _holds(report, left, right, {}) is not False:
            continue
        diff = _sum(report, left, {}) - _sum(report, right, {})  # type: ignore[operator]
        value = report.cells[key].value - diff * (left.count(key) - right.count(key))  # type: ignore[operator]
        if value < 0 or value == report.cells[key].value:
            continue
        after = sum(_holds(report, lt, rt, {key: value}) is False for lt, rt in mine)
        if after < broken:
            found.add(int(value))
    return found


def _sum(report: Report, keys: list[str], changed: dict[str, Number]) -> Number | None:
    values = [changed.get(k, report.value(k)) for k in keys]
    return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]


def _holds(report: Report, left: list[str], right: list[str], changed: dict[str, Number]) -> bool | None:
    lv, rv = _sum(report, left, changed), _sum(report, right, changed)
    return None if lv is None or rv is None else abs(lv - rv) < 1e-6


def _one_digit_apart(read: Number | None, other: int) -> bool:
    """One digit replaced, added or dropped turns one number into the other."""
    return str(read) != str(other) and one_edit_apart(str(read), str(other))
