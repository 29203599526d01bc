"""The format a report uses against the one its year requires."""

from __future__ import annotations

from collections.abc import Iterator

from gongkai.formats import Format, all_formats
from gongkai.model import Finding, Report


def _name(format_id: str) -> str:
    fmt = all_formats()[format_id]
    return f"{fmt.id}年（{fmt.document}）"


def format_findings(report: Report, fmt: Format) -> Iterator[Finding]:
    meta = report.meta
    if meta.year is None:
        yield Finding("F303", {"title": meta.title or "（未找到标题）"})
        return
    table3 = meta.table3_format or meta.template
    outdated = {"表三": [table3] if table3 else [], "表二": meta.table2_formats}
    for table, used in outdated.items():
        old = [u for u in used if u != fmt.id and all_formats()[u].first_year < fmt.first_year]
        if old:
            yield Finding("F301", {"year": meta.year, "table": table,
                                   "used": "、".join(_name(u) for u in old), "expected": _name(fmt.id)})
    used = set(meta.table2_formats) | ({table3} if table3 else set())
    if len(used) > 1:
        yield Finding("F302", {"table2": "、".join(meta.table2_formats) or "—",
                               "table3": table3 or "—"})
