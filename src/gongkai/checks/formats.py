"""The format a report uses against the one its year requires."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from gongkai.checks.base import Check, Context, register
from gongkai.formats import Format, all_formats
from gongkai.model import Finding


def _name(fmt: Format) -> str:
    return f"{fmt.id}年（{fmt.document}）"


def _table3_format(context: Context) -> str | None:
    meta = context.report.meta
    return meta.table3_format or meta.template


@register
class OutdatedFormat(Check):
    code = "F301"

    class Params(NamedTuple):
        year: int
        table: str
        used: str
        expected: str

    def run(self, context: Context) -> Iterator[Finding]:
        meta, current = context.report.meta, context.year_format
        if meta.year is None:
            return
        table3 = _table3_format(context)
        # Table 二 row by row: a wording the current format shares is not outdated, whichever format it came from.
        table2 = {f for wording in context.table2_wordings.values() if current.id not in wording for f in wording}
        used_by_table = ((current.table(3).name, {table3} if table3 else set()), (current.table(2).name, table2))
        for table, used in used_by_table:
            old = sorted((all_formats()[u] for u in used if u != current.id and u in all_formats()),
                         key=lambda f: f.first_year)
            old = [f for f in old if f.first_year < current.first_year]
            if old:
                yield self.finding(self.Params(meta.year, table, "、".join(_name(f) for f in old), _name(current)))


@register
class MixedFormats(Check):
    code = "F302"

    class Params(NamedTuple):
        table2: str
        table3: str

    def run(self, context: Context) -> Iterator[Finding]:
        meta = context.report.meta
        if meta.year is None:
            return
        table3 = _table3_format(context)
        wordings = [*context.table2_wordings.values(), *([frozenset({table3})] if table3 else [])]
        if wordings and not frozenset.intersection(*wordings):  # no one format has every part as printed
            yield self.finding(self.Params("、".join(meta.table2_formats) or "—", table3 or "—"))


@register
class NoYear(Check):
    code = "F303"

    class Params(NamedTuple):
        title: str

    def run(self, context: Context) -> Iterator[Finding]:
        meta = context.report.meta
        if meta.year is None:
            yield self.finding(self.Params(meta.title or "（未找到标题）"))
