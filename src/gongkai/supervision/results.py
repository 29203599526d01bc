"""One report read and checked, in the small form the office's outputs are made from."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from gongkai.checks.catalogue import SEVERITY_ORDER, severity
from gongkai.model import Finding, Report

META_FIELDS = ("year", "agency", "template", "published", "kind")


@dataclass(slots=True)
class Checked:
    """A report's path, metadata and findings, or the error that stopped it.

    Small to keep and to pickle: the report itself is not kept, only its `digest` for the checks across reports;
    `light()` drops the findings too and keeps their counts (by severity, by code), which is what a run over
    thousands of reports holds until the checks across reports have run.
    """

    path: str
    error: str | None = None  # the one-line error of an unreadable file
    meta: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    digest: object | None = None  # gongkai.supervision.digest.Digest, where checks across reports need one
    severities: Counter = field(default_factory=Counter)  # of every finding, kept by light()
    codes: Counter = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)  # what `gongkai check` prints for it, where a worker rendered it
    sheet_rows: list[list] | None = None  # its rows of the 问题清单, where a worker rendered them (findings_sheet)

    @classmethod
    def of(cls, report: Report, findings: list[Finding], digest: object | None = None) -> Checked:
        meta = {k: getattr(report.meta, k) for k in META_FIELDS}  # plain values: no asdict deep copy
        checked = cls(report.file, meta=meta, digest=digest)
        checked.add(findings)
        return checked

    @property
    def errors(self) -> bool:
        return self.severities["error"] > 0

    def add(self, findings: list[Finding]) -> None:
        """Add findings (those found across reports too), keeping errors first (stable within a severity)."""
        self.findings = sorted([*self.findings, *findings], key=lambda f: SEVERITY_ORDER[severity(f)])
        self.severities.update(severity(f) for f in findings)
        self.codes.update(f.code for f in findings)

    def light(self) -> Checked:
        return Checked(self.path, self.error, self.meta, [], self.digest, self.severities, self.codes)

    def with_only(self, findings: list[Finding]) -> Checked:
        """The same report with other findings (those found across reports), for showing them apart."""
        return Checked(self.path, self.error, self.meta, findings, self.digest,
                       Counter(severity(f) for f in findings), Counter(f.code for f in findings))


def check_report(report: Report, digest: bool = True) -> Checked:
    """Check one report and keep what the office's outputs need: findings, metadata and (unless told not to) the
    digest for the checks across reports (the library call behind `gongkai check`, `rollup` and `compare`, and the
    web pages that show the same)."""
    from gongkai.checks import run_checks

    findings = run_checks(report)
    if digest:  # imported only when asked: `gongkai check` without checks across reports never loads it
        from gongkai.supervision.digest import digest_of
    return Checked.of(report, findings, digest_of(report) if digest else None)
