"""Checks: a report → findings. Each code of catalogue.toml has exactly one registered check.

A new check is a class with `@register` in a module of this package (see gongkai.checks.base); every
module here is loaded when the checks are first run.
"""

from __future__ import annotations

import pkgutil
from functools import cache
from importlib import import_module

from gongkai.checks.base import REGISTRY, AcrossCheck, Check, Context, DigestContext, Related
from gongkai.checks.catalogue import SEVERITY_ORDER, rules, severity
from gongkai.model import Finding, Report

_NOT_CHECKS = {"base", "catalogue"}


@cache
def all_checks() -> tuple[Check, ...]:
    """Every registered check, in the order of their codes."""
    for module in pkgutil.iter_modules(__path__):
        if module.name not in _NOT_CHECKS:
            import_module(f"{__name__}.{module.name}")
    return tuple(REGISTRY[code] for code in sorted(REGISTRY))


def run_checks(report: Report, related: Related | None = None) -> list[Finding]:
    """Every finding for the report, errors first, in a stable order; with `related`, the checks across reports
    too (the same agency's year before, the region's agencies)."""
    context = Context.of(report, related)
    findings = [f for check in all_checks() if check.applies(context) for f in check.run(context)]
    findings.sort(key=lambda f: SEVERITY_ORDER[severity(f)])  # stable: by code within a severity
    return findings


def run_across(digest: object, related: Related) -> list[Finding]:
    """The findings of the checks across reports on a report of which only its digest is kept."""
    context = DigestContext(digest, related)
    findings = [f for check in all_checks() if isinstance(check, AcrossCheck) for f in check.run(context)]
    findings.sort(key=lambda f: SEVERITY_ORDER[severity(f)])
    return findings


def has_errors(findings: list[Finding]) -> bool:
    return any(severity(f) == "error" for f in findings)


__all__ = ["Related", "all_checks", "has_errors", "rules", "run_across", "run_checks"]
