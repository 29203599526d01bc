"""The six sections: missing, out of order, misnumbered."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from gongkai.checks.base import Check, Context, register
from gongkai.extract.prose import expected_numbering, numbering_ok
from gongkai.model import Finding


@register
class SectionMissing(Check):
    code = "S201"

    class Params(NamedTuple):
        number: str
        heading: str

    def run(self, context: Context) -> Iterator[Finding]:
        found = {s.number for s in context.report.sections}
        for section in context.year_format.sections:
            if int(section.key) not in found:
                yield self.finding(self.Params(section.key, section.label))


@register
class SectionsOutOfOrder(Check):
    code = "S202"

    class Params(NamedTuple):
        found: str

    def run(self, context: Context) -> Iterator[Finding]:
        sections = context.report.sections
        order = [s.number for s in sections]
        if order != sorted(order):
            yield self.finding(self.Params("、".join(map(str, order))), where=[s.source for s in sections])


@register
class SectionMisnumbered(Check):
    code = "S203"

    class Params(NamedTuple):
        number: int
        printed: str
        expected: str
        heading: str

    def run(self, context: Context) -> Iterator[Finding]:
        for s in context.report.sections:
            if not numbering_ok(s.numbering, s.number):
                yield self.finding(self.Params(s.number, s.numbering or "（无编号）", expected_numbering(s.number),
                                               s.heading), where=[s.source])
