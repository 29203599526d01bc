"""Checks: a report → findings. Each check has a stable code in catalogue.toml."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from gongkai.checks.arithmetic import bound_findings, identity_findings
from gongkai.checks.catalogue import SEVERITY_ORDER, rules, severity
from gongkai.checks.dates import date_findings, signature_findings
from gongkai.checks.ocr import low_confidence_findings, one_digit_findings
from gongkai.checks.plausibility import made_not_published
from gongkai.checks.prose import prose_findings
from gongkai.checks.structure import cell_findings, section_findings, table_findings
from gongkai.checks.versions import format_findings
from gongkai.formats import Format, all_formats, format_for_year
from gongkai.layout import report_format
from gongkai.model import Finding, Report

CheckFunction = Callable[[Report, Format], Iterator[Finding]]

CHECKS: tuple[CheckFunction, ...] = (
    section_findings, table_findings, cell_findings, format_findings, date_findings, signature_findings,
    prose_findings, made_not_published, low_confidence_findings, one_digit_findings,
)


def _arithmetic(report: Report) -> Iterator[Finding]:
    """Identities of the format the tables follow (table 三's template, table 二's wording)."""
    yield from identity_findings(report, report_format(report))
    for format_id in report.meta.table2_formats:
        yield from bound_findings(report, all_formats()[format_id])


def run_checks(report: Report) -> list[Finding]:
    """Every finding for the report, errors first, in a stable order."""
    fmt = format_for_year(report.meta.year)
    findings = list(report.notes)
    findings.extend(_arithmetic(report))
    for check in CHECKS:
        findings.extend(check(report, fmt))
    findings.sort(key=lambda f: (SEVERITY_ORDER[severity(f)], f.code))
    return findings


def has_errors(findings: list[Finding]) -> bool:
    return any(severity(f) == "error" for f in findings)


__all__ = ["has_errors", "rules", "run_checks"]
