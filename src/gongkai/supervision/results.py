"""One report read and checked, in the small form the office's outputs are made from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from gongkai.checks import has_errors
from gongkai.checks.catalogue import SEVERITY_ORDER, severity
from gongkai.model import Finding, Report

META_FIELDS = ("year", "agency", "template", "published", "kind")


@dataclass(slots=True)
class Checked:
    """A report's path, metadata and findings (its own and those across reports), or the error that stopped it.

    Small to keep and to pickle: the report itself is not kept, only its `digest` for the checks across reports.
    """

    path: str
    error: str | None = None  # the one-line error of an unreadable file
    meta: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    digest: object | None = None  # gongkai.supervision.digest.Digest, where checks across reports need one

    @classmethod
    def of(cls, report: Report, findings: list[Finding], digest: object | None = None) -> Checked:
        meta = asdict(report.meta)
        return cls(report.file, meta={k: meta[k] for k in META_FIELDS}, findings=findings, digest=digest)

    @property
    def errors(self) -> bool:
        return has_errors(self.findings)

    def add(self, findings: list[Finding]) -> None:
        """Add findings found across reports, keeping errors first (stable within a severity)."""
        self.findings = sorted([*self.findings, *findings], key=lambda f: SEVERITY_ORDER[severity(f)])


def check_report(report: Report) -> Checked:
    """Check one report and keep what the office's outputs need: findings, metadata and the digest (the library call
    behind `gongkai check`, `rollup` and `compare`, and the web pages that show the same)."""
    from gongkai.checks import run_checks
    from gongkai.supervision.digest import digest_of

    return Checked.of(report, run_checks(report), digest_of(report))
