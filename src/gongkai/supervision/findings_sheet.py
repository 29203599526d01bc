"""The 问题清单 an office sends back: one row per finding, one row per report, and the codes explained.

`write_findings(results, path)` writes .xlsx (three sheets) or .csv (the findings only, UTF-8 with a BOM for Excel).
Messages are in Chinese whatever the command line's language: the list goes back to a Chinese agency. Every text
cell is written as a string, never a formula.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from gongkai.checks.catalogue import message, rules, severity
from gongkai.checks.dates import publication_deadline
from gongkai.i18n import t
from gongkai.model import Finding
from gongkai.supervision.cells import place
from gongkai.supervision.results import Checked

SUFFIXES = (".xlsx", ".csv")
LANG = "zh"

# the headers, as message ids
FINDING_COLUMNS = ("office.column.agency", "office.column.year", "office.column.file", "office.column.code",
                   "office.column.severity", "office.column.table", "office.column.row", "office.column.column",
                   "office.column.cell", "office.column.message", "office.column.page", "office.column.line")
REPORT_COLUMNS = ("office.column.agency", "office.column.year", "office.column.file", "office.column.template",
                  "office.column.published", "office.column.deadline", "office.column.late", "office.column.errors",
                  "office.column.warnings", "office.column.info", "office.column.problem")
CODE_COLUMNS = ("office.column.code", "office.column.severity", "office.column.title", "office.column.explain",
                "office.column.count")


def headers(columns: Iterable[str]) -> list[str]:
    return [t(c, lang=LANG) for c in columns]


def page_and_line(finding: Finding) -> tuple[int | None, int | None]:
    """The page and line of the file a finding was found at (its first place that has either), else (None, None)."""
    for source in finding.where:
        if source.page is not None or source.line is not None:
            return source.page, source.line
    return None, None


def finding_rows(results: Iterable[Checked]) -> Iterator[list[object]]:
    """One row per finding of every readable report, in the order of the reports and of their findings."""
    for checked in results:
        if checked.error is not None:
            continue
        meta = checked.meta
        for finding in checked.findings:
            key = finding.cells[0] if finding.cells else ""
            table, row, column = place(key, meta.get("template")) if key else ("", "", "")
            page, line = page_and_line(finding)
            yield [meta.get("agency") or "", meta.get("year"), checked.path, finding.code,
                   t(f"common.severity.{severity(finding)}", lang=LANG), table, row, column, key,
                   message(finding, LANG), page, line]


def late(meta: dict) -> tuple[str | None, str]:
    """(the deadline, 是 / 否 / 未知) of a report's publication, by its year and the agency's kind."""
    if meta.get("year") is None:
        return None, t("office.unknown", lang=LANG)
    deadline = publication_deadline(meta["year"], meta.get("kind") or "department")
    if not meta.get("published"):
        return deadline.isoformat(), t("office.unknown", lang=LANG)
    is_late = date.fromisoformat(meta["published"]) > deadline
    return deadline.isoformat(), t("office.yes" if is_late else "office.no", lang=LANG)


def report_rows(results: Iterable[Checked]) -> Iterator[list[object]]:
    for checked in results:
        if checked.error is not None:
            yield ["", None, checked.path, "", "", "", "", None, None, None, checked.error]
            continue
        meta = checked.meta
        counts = checked.severities
        deadline, is_late = late(meta)
        yield [meta.get("agency") or "", meta.get("year"), checked.path, meta.get("template") or "",
               meta.get("published") or "", deadline or "", is_late, counts["error"], counts["warning"],
               counts["info"], ""]


def code_rows(results: Iterable[Checked]) -> Iterator[list[object]]:
    """Every code of the catalogue with how often it was found here, the codes found first."""
    counts: Counter = Counter()
    for checked in results:
        counts.update(checked.codes)
    catalogue = rules()
    for code in sorted(catalogue, key=lambda c: (counts[c] == 0, c)):
        rule = catalogue[code]
        yield [code, t(f"common.severity.{rule.severity}", lang=LANG), rule.title[LANG], rule.explain[LANG],
               counts[code]]


def rendered_rows(checked: Checked, suffix: str) -> list:
    """A report's finding rows ready to be written into a 问题清单 of this suffix: SpreadsheetML rows (xlsx.row_xml)
    or CSV fields. A worker renders them (gongkai check), so that writing them costs the writing process little."""
    if suffix.lower() == ".csv":
        return [["" if v is None else v for v in row] for row in finding_rows([checked])]
    from gongkai.supervision.xlsx import row_xml

    return [row_xml(row) for row in finding_rows([checked])]


class FindingsSheet:
    """The 问题清单 written as a run goes: each report's finding rows when it has been checked (the findings need
    not be kept), the sheets of reports and codes at the end from the reports' counts."""

    def __init__(self, path: str | Path) -> None:
        from contextlib import ExitStack

        from gongkai.atomic import replacing

        self.path = Path(path)
        self.rows = 0
        self.replacing = ExitStack()  # written beside the target, renamed over it by close() (gongkai.atomic)
        part = self.replacing.enter_context(replacing(self.path))
        if self.path.suffix.lower() == ".csv":
            # utf-8-sig: the BOM is what makes Excel read the file as UTF-8 instead of GBK.
            self.handle = part.open("w", encoding="utf-8-sig", newline="")
            self.csv = csv.writer(self.handle)
            self.csv.writerow(headers(FINDING_COLUMNS))
        else:
            from gongkai.supervision.xlsx import Book

            self.book = Book(part)
            self.sheet = self.book.sheet(t("office.sheet.findings", lang=LANG), headers(FINDING_COLUMNS))

    def add(self, checked: Checked) -> None:
        rows = checked.sheet_rows if checked.sheet_rows is not None else rendered_rows(checked, self.path.suffix)
        for row in rows:
            if isinstance(row, str):
                self.sheet.append_xml(row)
            else:
                self.csv.writerow(row)
        self.rows += len(rows)

    def close(self, results: list[Checked]) -> int:
        """Finish the file with the sheets of every report and every code; returns the number of finding rows."""
        if self.path.suffix.lower() == ".csv":
            self.handle.close()
            self.replacing.close()
            return self.rows
        for name, columns, rows in ((t("office.sheet.reports", lang=LANG), REPORT_COLUMNS, report_rows(results)),
                                    (t("office.sheet.codes", lang=LANG), CODE_COLUMNS, code_rows(results))):
            sheet = self.book.sheet(name, headers(columns))
            for row in rows:
                sheet.append(row)
        self.book.close()
        self.replacing.close()
        return self.rows


def write_findings(results: list[Checked], path: str | Path) -> int:
    """Write the list of checked reports; returns the number of finding rows. The suffix decides the form
    (see SUFFIXES)."""
    sheet = FindingsSheet(path)
    for checked in results:
        sheet.add(checked)
    return sheet.close(results)
