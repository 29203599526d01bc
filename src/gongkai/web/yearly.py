"""A year's report as the web application shows and writes it: the register's counts (`register.report`), the
prose of its six sections as written in the page (`ReportText`), the findings of the checks."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from gongkai.register import store
from gongkai.register.db import Register, ReportText
from gongkai.register.report import YearReport, build_report

SECTIONS = range(1, 7)
REPORT_KINDS = ("docx", "pdf")  # the report as Word or PDF (media types: web.render.MEDIA)


def prose(reg: Register, agency: int, year: int) -> dict[int, ReportText]:
    with reg.sessions() as session:
        rows = session.scalars(select(ReportText).where(ReportText.agency_id == agency, ReportText.year == year,
                                                        ReportText.withdrawn_at.is_(None)))
        return {row.section: row for row in rows}


def save_prose(reg: Register, agency: int, year: int, texts: dict[int, str], user: str) -> int:
    """Store the sections whose text changed (audited); how many changed."""
    stored = prose(reg, agency, year)
    changed = 0
    for section, text in texts.items():
        text = text.replace("\r\n", "\n").strip()
        row = stored.get(section)
        if row is None and text:
            store.create(reg, ReportText, {"agency_id": agency, "year": year, "section": section, "text": text},
                         user=user)
        elif row is not None and row.text != text:
            store.update(reg, ReportText, row.id, {"text": text}, expected_version=row.version, user=user)
        else:
            continue
        changed += 1
    return changed


@dataclass
class WebReport:
    result: YearReport
    findings: list[Any]

    @property
    def report(self) -> Any:
        return self.result.report


def year_report(reg: Register, agency_name: str, agency: int, year: int, *, checked: bool = True) -> WebReport:
    """The report of a year with its prose, and the findings of every check."""
    result = build_report(reg, agency_name, year)
    texts = prose(reg, agency, year)
    for section in result.report.sections:
        if section.number in texts:
            section.text = texts[section.number].text
    if checked:
        from gongkai.checks import run_checks

        return WebReport(result, run_checks(result.report))
    return WebReport(result, [])


def report_bytes(report: Any, kind: str) -> bytes:
    """The report written as Word or PDF, by the writers of `gongkai build`."""
    from gongkai.writers import write_report

    with tempfile.TemporaryDirectory(prefix="gongkai-web-") as folder:
        path = Path(folder) / f"report.{kind}"
        write_report(report, path)
        return path.read_bytes()


def file_name(agency: str, year: int, kind: str) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告.{kind}"


def this_year() -> int:
    return date.today().year
