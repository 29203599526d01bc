"""Checks: a report → findings. Each code of catalogue.toml has exactly one registered check.

A new check is a class with `@register` in a module of this package (see gongkai.checks.base); every
module here is loaded when the checks are first run.
"""

from __future__ import annotations

import pkgutil
from functools import cache
from importlib import import_module

from gongkai.checks.base import REGISTRY, Check, Context
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


def run_checks(report: Report) -> list[Finding]:
    """Every finding for the report, errors first, in a stable order."""
    context = Context.of(report)
    findings = [f for check in all_checks() if check.applies(context) for f in check.run(context)]
    findings.sort(key=lambda f: SEVERITY_ORDER[severity(f)])  # stable: by code within a severity
    return findings


def has_errors(findings: list[Finding]) -> bool:
    return any(severity(f) == "error" for f in findings)


__all__ = ["all_checks", "has_errors", "rules", "run_checks"]
