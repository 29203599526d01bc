"""Sections and cells: what is missing, out of place, blank or not a number."""

from __future__ import annotations

from collections.abc import Iterator

from gongkai.checks.describe import describe, listing, table_of
from gongkai.extract.prose import expected_numbering, numbering_ok
from gongkai.formats import Format, all_formats
from gongkai.model import Cell, Finding, Report

_TABLES = {"表二": ("proactive.", "主动公开政府信息情况"),
           "表三": ("applications.", "收到和处理政府信息公开申请情况"),
           "表四": (("review.", "litigation_"), "政府信息公开行政复议、行政诉讼情况")}


def section_findings(report: Report, fmt: Format) -> Iterator[Finding]:
    found = {s.number for s in report.sections}
    for section in fmt.sections:
        if int(section.key) not in found:
            yield Finding("S201", {"number": section.key, "heading": section.label})
    order = [s.number for s in report.sections]
    if order != sorted(order):
        yield Finding("S202", {"found": "、".join(map(str, order))},
                      where=[s.source for s in report.sections])
    for s in report.sections:
        if not numbering_ok(s.numbering, s.number):
            yield Finding("S203", {"number": s.number, "printed": s.numbering or "（无编号）",
                                   "expected": expected_numbering(s.number), "heading": s.heading},
                          where=[s.source])


def _expected_keys(report: Report, fmt: Format) -> dict[str, list[str]]:
    """The keys each table should have, given the wording its blocks actually use."""
    table3 = all_formats().get(report.meta.table3_format or report.meta.template or fmt.id, fmt)
    t2: list[str] = []
    formats = [all_formats()[f] for f in report.meta.table2_formats] or [fmt]
    for block in fmt.table2:
        keys = next((b.cell_keys() for f in formats for b in f.table2 if b.article == block.article
                     and any(k in report.cells for k in b.cell_keys())), block.cell_keys())
        t2.extend(keys)
    return {"表二": t2, "表三": table3.table3_keys(), "表四": table3.table4_keys()}


def table_findings(report: Report, fmt: Format) -> Iterator[Finding]:
    for table, keys in _expected_keys(report, fmt).items():
        prefix, name = _TABLES[table]
        if not any(k.startswith(prefix) for k in report.cells):
            yield Finding("S204", {"table": table, "name": name})
            continue
        missing = [k for k in keys if k not in report.cells]
        if missing:
            yield Finding("S205", {"table": table, "count": len(missing), "labels": listing(missing)},
                          missing)


def _grouped(code: str, cells: list[Cell]) -> Iterator[Finding]:
    by_table: dict[str, list[Cell]] = {}
    for cell in cells:
        by_table.setdefault(table_of(cell.key), []).append(cell)
    for table, group in by_table.items():
        keys = [c.key for c in group]
        yield Finding(code, {"table": table, "count": len(group), "labels": listing(keys)},
                      keys, [c.source for c in group])


def cell_findings(report: Report, fmt: Format) -> Iterator[Finding]:
    cells = list(report.cells.values())
    yield from _grouped("S206", [c for c in cells if c.note == "blank"])
    yield from _grouped("S208", [c for c in cells if c.note == "none_word"])
    yield from _grouped("S218", [c for c in cells if c.note == "placeholder"])
    decimal_ok = set().union(*(f.decimal_columns for f in all_formats().values()))
    signed_ok = set().union(*(f.signed_columns for f in all_formats().values()))
    for c in cells:
        column = c.key.rsplit(".", 1)[-1]
        codes = []
        if c.note == "unreadable":
            codes.append("S207")
        elif c.note == "unit":
            codes.append("S209")
        if isinstance(c.value, float) and not c.value.is_integer() and column not in decimal_ok:
            codes.append("S219")
        if c.value is not None and c.value < 0 and column not in signed_ok:
            codes.append("W603")
        for code in codes:  # rare: build the message parameters only for a finding
            params = {"label": describe(c.key), "raw": c.raw.replace("\n", "")}
            if code == "S209":
                params |= {"unit": c.unit, "value": c.value}
            yield Finding(code, params, [c.key], [c.source])
