"""The publication date against the statutory deadline (条例 第四十九条、第五十条)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from gongkai.formats import Format
from gongkai.model import Finding, Report

# Departments publish by 31 January, governments by 31 March of the following year.
_DEADLINE = {"department": (1, 31, "县级以上人民政府部门"), "government": (3, 31, "县级以上地方人民政府")}


def date_findings(report: Report, fmt: Format) -> Iterator[Finding]:
    meta = report.meta
    if meta.published is None:
        yield Finding("D402")
        return
    if meta.year is None:
        return
    published = date.fromisoformat(meta.published)
    month, day, kind = _DEADLINE[meta.kind]
    deadline = date(meta.year + 1, month, day)
    if published > deadline:
        yield Finding("D401", {"published": meta.published, "deadline": deadline.isoformat(), "kind": kind})
    elif published <= date(meta.year, 12, 31):
        yield Finding("D403", {"year": meta.year, "published": meta.published})


def signature_findings(report: Report, fmt: Format) -> Iterator[Finding]:
    """The agency signed at the end should be the agency of the title (seed 004's typo)."""
    meta = report.meta
    if meta.agency and meta.signature:
        title, signed = "".join(meta.agency.split()), "".join(meta.signature.split())
        if title != signed and not (signed in title or title in signed):
            yield Finding("D404", {"title": meta.agency, "signature": meta.signature})
