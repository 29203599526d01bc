"""Numbers quoted in the prose against the tables, and sections that say nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from gongkai.checks.base import Check, Context, register
from gongkai.formats import Format, all_formats
from gongkai.formats.naming import name
from gongkai.model import Finding, Report

_COUNT = r"(?P<n>\d+)\s*(?:件|条|个|份|宗|次|项)"
_APPLICATIONS = re.compile(
    r"(?:收到|受理|接收|新收|接到)[^。；;，,\d]{0,14}?(?:政府信息公开申请|依申请公开|信息公开申请|公开申请|申请)"
    r"[^。；;\d]{0,10}?" + _COUNT)
_NO_APPLICATIONS = re.compile(r"(?:未|没有)(?:收到|受理|接到)[^。；;，,\d]{0,8}?(?:依申请公开|公开申请|申请)")
_FEES = re.compile(r"收取[^。；;，,\d]{0,6}?(?:信息处理费|处理费)[^。；;\d]{0,6}?"
                   r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>万元|元)")
_NO_FEES = re.compile(r"(?:未|没有|不)收取[^。；;，,]{0,6}?(?:信息处理费|处理费|费用)")
# The verbs of the prose and the role of the table 二 column that counts what they say.
_VERB_ROLES = {"制发": "issued", "制定": "issued", "印发": "issued", "出台": "issued", "废止": "repealed"}


@dataclass(slots=True)
class Quote:
    """A number quoted in the prose, and the words that quote it."""

    value: float
    text: str  # the words quoted, for the message


def _quote(text: str, m: re.Match) -> str:
    return text[max(0, m.start()):m.end()].strip()


def applications_quoted(text: str) -> Quote | None:
    m = _APPLICATIONS.search(text)
    if m:
        return Quote(int(m["n"]), _quote(text, m))
    m = _NO_APPLICATIONS.search(text)
    return Quote(0, _quote(text, m)) if m else None


def fees_quoted(text: str) -> list[Quote]:
    quotes = [Quote(float(m["n"]) * (10000 if m["unit"] == "万元" else 1), _quote(text, m))
              for m in _FEES.finditer(text)]
    quotes += [Quote(0, _quote(text, m)) for m in _NO_FEES.finditer(text)]
    return quotes


def _overview(report: Report) -> str:
    # No NFKC needed: \d, int() and float() read full-width digits as they are.
    section = report.section(1)
    return section.text if section else ""


def _table3(context: Context, row: str) -> float | None:
    return context.report.value(context.fmt.table(3).key(row, "total"))


@register
class ApplicationsQuoted(Check):
    code = "P501"

    class Params(NamedTuple):
        prose: int
        quote: str
        table: int | float
        diff: int | float

    def run(self, context: Context) -> Iterator[Finding]:
        quote = applications_quoted(_overview(context.report))
        new = _table3(context, "new")
        if quote is None or new is None or quote.value == new:
            return
        key = context.fmt.table(3).key("new", "total")
        yield self.finding(self.Params(int(quote.value), quote.text, new, int(quote.value) - new), [key],
                           [context.report.section(1).source])  # type: ignore[union-attr]


@register
class ApplicationsImplied(Check):
    code = "P502"

    class Params(NamedTuple):
        prose: int
        implied: int | float
        total: int | float
        forward: int | float
        over: int | float

    def run(self, context: Context) -> Iterator[Finding]:
        quote = applications_quoted(_overview(context.report))
        if quote is None or quote.value != _table3(context, "new"):
            return
        total, forward, over = (_table3(context, r) for r in ("total", "carried_forward", "carried_over"))
        if None in (total, forward, over):
            return
        implied = total + forward - over  # type: ignore[operator]
        if implied != quote.value:
            spec = context.fmt.table(3)
            yield self.finding(self.Params(int(quote.value), implied, total, forward, over),  # type: ignore[arg-type]
                               [spec.key("total", "total"), spec.key("carried_forward", "total")],
                               [context.report.section(1).source])  # type: ignore[union-attr]


@cache
def _document_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """「制发规范性文件 3 件」: the verbs, and the document rows of table 二 by every label they are printed with."""
    rows: dict[str, str] = {}
    for fmt in all_formats().values():
        for block in fmt.table2:
            for row in block.rows:
                if row.key in fmt.sets.get("document_rows", ()):
                    rows.update((label, row.key) for label in (row.label, *row.variants))
    kinds = "|".join(sorted(map(re.escape, rows), key=len, reverse=True))
    verbs = "|".join(_VERB_ROLES)
    return re.compile(rf"(?P<verb>{verbs})(?:了)?(?P<kind>{kinds})(?:共)?" + _COUNT), rows


def _document_key(formats: tuple[Format, ...], report: Report, row: str, role: str) -> str | None:
    """The cell that counts documents of this row in this role, among the formats table 二 uses."""
    for fmt in formats:
        for block in fmt.table2:
            column = block.column_of(role)
            if column and any(r.key == row for r in block.rows):
                key = fmt.table(2).key(row, column.key)
                if key in report.cells:
                    return key
    return None


@register
class DocumentsQuoted(Check):
    code = "P503"

    class Params(NamedTuple):
        what: str
        prose: int
        quote: str
        label: str
        table: int | float

    def run(self, context: Context) -> Iterator[Finding]:
        text = _overview(context.report)
        pattern, rows = _document_pattern()
        formats = context.table2_formats or tuple(all_formats().values())
        for m in pattern.finditer(text):
            key = _document_key(formats, context.report, rows[m["kind"]], _VERB_ROLES[m["verb"]])
            value = context.report.value(key) if key else None
            if key is None or value is None or value == int(m["n"]):
                continue
            yield self.finding(self.Params(m["verb"] + m["kind"], int(m["n"]), _quote(text, m), name(key), value),
                               [key])


def _fee_quotes(report: Report) -> tuple[list[Quote], list[Quote], dict[int, str]]:
    sections = {s.number: s.text for s in report.sections}
    elsewhere = [q for n, t in sections.items() if n != 6 for q in fees_quoted(t)]
    return elsewhere, fees_quoted(sections.get(6, "")), sections


@register
class FeesNotReported(Check):
    code = "P504"

    class Params(NamedTuple):
        amount: str
        quote: str

    def run(self, context: Context) -> Iterator[Finding]:
        elsewhere, _, sections = _fee_quotes(context.report)
        charged = [q for q in elsewhere if q.value > 0]
        if charged and 6 in sections and "处理费" not in sections[6]:
            yield self.finding(self.Params(f"{charged[0].value:g} 元", charged[0].text))


@register
class SectionFiveEmpty(Check):
    code = "P505"

    class Params(NamedTuple):
        heading: str

    def run(self, context: Context) -> Iterator[Finding]:
        section = context.report.section(5)
        if section is not None and not section.text.strip():
            yield self.finding(self.Params(section.heading), where=[section.source])


@register
class FeeAmountsDiffer(Check):
    code = "P506"

    class Params(NamedTuple):
        first: str
        quote1: str
        second: str
        quote2: str

    def run(self, context: Context) -> Iterator[Finding]:
        elsewhere, in_six, _ = _fee_quotes(context.report)
        quotes = elsewhere + in_six
        other = next((q for q in quotes[1:] if q.value != quotes[0].value), None)
        if other is not None:
            first = quotes[0]
            yield self.finding(self.Params(f"{first.value:g} 元", first.text, f"{other.value:g} 元", other.text))
