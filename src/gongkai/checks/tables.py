"""The three tables and their cells: a table missing, or cells of it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from gongkai.checks.base import Check, Context, register
from gongkai.formats import TableSpec
from gongkai.formats.naming import listing
from gongkai.model import Finding


def _expected_keys(context: Context, spec: TableSpec) -> list[str]:
    """The keys a table should have, given the wording its blocks actually use (table 二 may mix formats)."""
    report, fmt = context.report, context.year_format
    if spec.number != 2:
        return context.fmt.table_keys(spec.number)
    keys: list[str] = []
    formats = context.table2_formats or (fmt,)
    for block in fmt.table2:
        used = next((f.block_keys(b) for f in formats for b in f.table2 if b.article == block.article
                     and any(k in report.cells for k in f.block_keys(b))), None)
        keys.extend(used or fmt.block_keys(block))
    return keys


@register
class TableMissing(Check):
    code = "S204"

    class Params(NamedTuple):
        table: str
        name: str

    def run(self, context: Context) -> Iterator[Finding]:
        for spec in context.year_format.tables:
            if spec.number not in context.tables:
                yield self.finding(self.Params(spec.name, spec.title))


@register
class CellsMissing(Check):
    code = "S205"

    class Params(NamedTuple):
        table: str
        count: int
        labels: str

    def run(self, context: Context) -> Iterator[Finding]:
        for spec in context.year_format.tables:
            if spec.number not in context.tables:
                continue
            missing = [k for k in _expected_keys(context, spec) if k not in context.report.cells]
            if missing:
                yield self.finding(self.Params(spec.name, len(missing), listing(missing)), missing)
