"""Numbers that add up but make little sense."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from gongkai.checks.base import Check, Context, register
from gongkai.formats.naming import name
from gongkai.model import Finding


@register
class MadeNotPublished(Check):
    """Documents made this year but none published (seed 000: 31 made, 0 published): in a wording of table 二
    that counts both (the columns with the roles issued and published)."""

    code = "W601"

    class Params(NamedTuple):
        label: str
        made: int | float

    def run(self, context: Context) -> Iterator[Finding]:
        report = context.report
        for fmt in context.table2_formats:
            spec = fmt.table(2)
            for block in fmt.table2:
                made, published = block.column_of("issued"), block.column_of("published")
                if made is None or published is None:
                    continue
                for row in block.rows:
                    m_key, p_key = spec.key(row.key, made.key), spec.key(row.key, published.key)
                    m, p = report.value(m_key), report.value(p_key)
                    if m and m > 0 and p == 0:
                        yield self.finding(self.Params(name(spec.row_key(row.key), fmt.id), m), [m_key, p_key],
                                           [report.cells[m_key].source, report.cells[p_key].source])
