"""The date and signature at the end: the statutory deadline (条例 第四十九条、第五十条), the agency signed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from gongkai.checks.base import Check, Context, register
from gongkai.model import Finding, Meta

# Departments publish by 31 January, governments by 31 March of the following year.
_DEADLINE = {"department": (1, 31, "县级以上人民政府部门"), "government": (3, 31, "县级以上地方人民政府")}


def publication_deadline(year: int, kind: str) -> date:
    """The last day a report of `year` may be published by an agency of this kind (department, government)."""
    month, day, _ = _DEADLINE[kind]
    return date(year + 1, month, day)


def _published(meta: Meta) -> date | None:
    return date.fromisoformat(meta.published) if meta.published and meta.year is not None else None


@register
class PublishedLate(Check):
    code = "D401"

    class Params(NamedTuple):
        published: str
        deadline: str
        kind: str

    def run(self, context: Context) -> Iterator[Finding]:
        meta = context.report.meta
        published = _published(meta)
        if published is None:
            return
        deadline = publication_deadline(meta.year, meta.kind)  # type: ignore[arg-type]
        if published > deadline:
            yield self.finding(self.Params(meta.published, deadline.isoformat(),  # type: ignore[arg-type]
                                           _DEADLINE[meta.kind][2]))


@register
class NoDate(Check):
    code = "D402"

    def run(self, context: Context) -> Iterator[Finding]:
        if context.report.meta.published is None:
            yield self.finding()


@register
class DatedBeforeYearEnd(Check):
    code = "D403"

    class Params(NamedTuple):
        year: int
        published: str

    def run(self, context: Context) -> Iterator[Finding]:
        meta = context.report.meta
        published = _published(meta)
        if published is not None and published <= date(meta.year, 12, 31):  # type: ignore[arg-type]
            yield self.finding(self.Params(meta.year, meta.published))  # type: ignore[arg-type]


@register
class SignatureDiffers(Check):
    """The agency signed at the end should be the agency of the title (seed 004's typo)."""

    code = "D404"

    class Params(NamedTuple):
        title: str
        signature: str

    def run(self, context: Context) -> Iterator[Finding]:
        meta = context.report.meta
        if meta.agency and meta.signature:
            title, signed = "".join(meta.agency.split()), "".join(meta.signature.split())
            if title != signed and not (signed in title or title in signed):
                yield self.finding(self.Params(meta.agency, meta.signature))
