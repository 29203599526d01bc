"""Numbers quoted in the prose against the tables, and sections that say nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from gongkai.checks.describe import describe
from gongkai.formats import Format
from gongkai.model import Finding, Report

_COUNT = r"(?P<n>\d+)\s*(?:件|条|个|份|宗|次|项)"
_APPLICATIONS = re.compile(
    r"(?:收到|受理|接收|新收|接到)[^。；;，,\d]{0,14}?(?:政府信息公开申请|依申请公开|信息公开申请|公开申请|申请)"
    r"[^。；;\d]{0,10}?" + _COUNT)
_NO_APPLICATIONS = re.compile(r"(?:未|没有)(?:收到|受理|接到)[^。；;，,\d]{0,8}?(?:依申请公开|公开申请|申请)")
_DOCS = re.compile(
    r"(?P<verb>制发|制定|印发|出台|废止)(?:了)?(?P<kind>行政规范性文件|规范性文件|规章)(?:共)?" + _COUNT)
_FEES = re.compile(r"收取[^。；;，,\d]{0,6}?(?:信息处理费|处理费)[^。；;\d]{0,6}?"
                   r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>万元|元)")
_NO_FEES = re.compile(r"(?:未|没有|不)收取[^。；;，,]{0,6}?(?:信息处理费|处理费|费用)")
_VERB_COLUMNS = {"制发": ("issued", "made"), "制定": ("issued", "made"), "印发": ("issued", "made"),
                 "出台": ("issued", "made"), "废止": ("repealed",)}


@dataclass(slots=True)
class Quote:
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


def application_findings(report: Report) -> Iterator[Finding]:
    quote = applications_quoted(_overview(report))
    new = report.value("applications.new.total")
    if quote is None or new is None:
        return
    where = [report.section(1).source]  # type: ignore[union-attr]
    if quote.value != new:
        yield Finding("P501", {"prose": int(quote.value), "quote": quote.text, "table": new,
                               "diff": int(quote.value) - new}, ["applications.new.total"], where)
        return
    total, forward, over = (report.value(f"applications.{r}.total")
                            for r in ("total", "carried_forward", "carried_over"))
    if None in (total, forward, over):
        return
    implied = total + forward - over  # type: ignore[operator]
    if implied != quote.value:
        yield Finding("P502", {"prose": int(quote.value), "implied": implied, "total": total,
                               "forward": forward, "over": over},
                      ["applications.total.total", "applications.carried_forward.total"], where)


def document_findings(report: Report) -> Iterator[Finding]:
    text = _overview(report)
    for m in _DOCS.finditer(text):
        row = "rules" if m["kind"] == "规章" else "normative_docs"
        key = next((f"proactive.{row}.{c}" for c in _VERB_COLUMNS[m["verb"]]
                    if f"proactive.{row}.{c}" in report.cells), None)
        value = report.value(key) if key else None
        if key is None or value is None or value == int(m["n"]):
            continue
        yield Finding("P503", {"what": m["verb"] + m["kind"], "prose": int(m["n"]), "quote": _quote(text, m),
                               "label": describe(key), "table": value}, [key])


def fee_findings(report: Report) -> Iterator[Finding]:
    sections = {s.number: s.text for s in report.sections}
    elsewhere = [q for n, t in sections.items() if n != 6 for q in fees_quoted(t)]
    in_six = fees_quoted(sections.get(6, ""))
    charged = [q for q in elsewhere if q.value > 0]
    if charged and 6 in sections and "处理费" not in sections[6]:
        q = charged[0]
        yield Finding("P504", {"amount": f"{q.value:g} 元", "quote": q.text})
    quotes = elsewhere + in_six
    for q in quotes[1:]:
        if q.value != quotes[0].value:
            yield Finding("P506", {"first": f"{quotes[0].value:g} 元", "quote1": quotes[0].text,
                                   "second": f"{q.value:g} 元", "quote2": q.text})
            break


def empty_section_findings(report: Report) -> Iterator[Finding]:
    section = report.section(5)
    if section is not None and not section.text.strip():
        yield Finding("P505", {"heading": section.heading}, where=[section.source])


def prose_findings(report: Report, fmt: Format) -> Iterator[Finding]:
    yield from application_findings(report)
    yield from document_findings(report)
    yield from fee_findings(report)
    yield from empty_section_findings(report)
