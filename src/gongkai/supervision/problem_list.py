"""The 问题清单 of one returned report, as the office sends it back: Excel (the sheets of `gongkai check -o`,
supervision.findings_sheet) and Word (a short official document: title, the agency addressed, the office's note,
the confirmed findings numbered with their place in the tables and in the file, the office and the date).

Always in Chinese, as findings_sheet is: the list goes to a Chinese agency.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from gongkai.i18n import t
from gongkai.model import Finding
from gongkai.supervision.results import Checked

LANG = "zh"


@dataclass(frozen=True)
class Returned:
    """What the office sends back: the report (agency, year, version, file), its note and confirmed findings."""

    agency: str
    year: int
    version: int
    file_name: str
    meta: dict
    note: str | None
    findings: list[Finding]
    office: str  # who signs: the supervising office
    day: date


def xlsx_bytes(returned: Returned) -> bytes:
    """问题清单.xlsx: one row per confirmed finding, the report's row, the codes explained."""
    from gongkai.supervision.findings_sheet import write_findings

    checked = Checked(returned.file_name, meta=returned.meta)
    checked.add(returned.findings)
    with tempfile.TemporaryDirectory(prefix="gongkai-problems-") as folder:
        path = Path(folder) / "问题清单.xlsx"
        write_findings([checked], path)
        return path.read_bytes()


def _place(finding: Finding, template: str | None) -> str:
    """Where the finding is: the table, row and column of its first cell, and the page and line of the file."""
    from gongkai.supervision.cells import place
    from gongkai.supervision.findings_sheet import page_and_line

    parts = []
    if finding.cells:
        parts += [p for p in place(finding.cells[0], template) if p]
    page, line = page_and_line(finding)
    if page is not None:
        parts.append(t("collect.problems.page", lang=LANG, page=page))
    if line is not None:
        parts.append(t("collect.problems.line", lang=LANG, line=line))
    return "，".join(str(p) for p in parts)


def docx_bytes(returned: Returned) -> bytes:
    """问题清单.docx in the official document's page and fonts (writers/official.py)."""
    from gongkai.checks.catalogue import message
    from gongkai.letters.compose import chinese_date
    from gongkai.writers import official

    heading = t("collect.problems.title", lang=LANG, agency=returned.agency, year=returned.year)
    doc, body = official.new_document(heading)
    official.title(body, [heading])

    def para(text: str, indent: bool = True) -> None:  # body text: 三号仿宋, the first line indented two characters
        body.paragraph([(text, official.BODY_FONT)], official.BODY_PT,
                       first_line=2 * official.BODY_PT if indent else 0)

    para(t("collect.problems.to", lang=LANG, agency=returned.agency), indent=False)
    para(t("collect.problems.intro", lang=LANG, year=returned.year, version=returned.version,
           file=returned.file_name, count=len(returned.findings)))
    if returned.note:
        para(t("collect.problems.note", lang=LANG, note=returned.note))
    template = returned.meta.get("template")
    for number, finding in enumerate(returned.findings, 1):
        where = _place(finding, template)
        para(f"{number}. [{finding.code}] {message(finding, LANG)}" + (f"（{where}）" if where else ""))
    official.closing(body, returned.office, chinese_date(returned.day))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
