"""The catalogue of checks: stable codes, severities and messages, read from catalogue.toml.

The catalogue is the documentation of every code; its messages are rendered by the one translation mechanism
(gongkai.i18n), in the current language unless told.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from gongkai.i18n import language, ljust, t
from gongkai.i18n import render as render_text
from gongkai.model import Finding

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Rule:
    """One code of the catalogue: its severity, title, explanation and message in each language."""

    code: str
    severity: str
    title: dict[str, str]
    explain: dict[str, str]
    message: dict[str, str]
    limits: dict[str, float] = field(default_factory=dict)  # thresholds the check applies, stated here


@cache
def rules() -> dict[str, Rule]:
    from gongkai.toml_data import load_toml

    return {c["code"]: Rule(c["code"], c["severity"], c["title"], c["explain"], c["message"], c.get("limits", {}))
            for c in load_toml(Path(__file__).with_name("catalogue.toml"))["check"]}


def message(finding: Finding, lang: str | None = None) -> str:
    """The finding's message; a parameter the message names but the finding lacks raises (never a raw {name})."""
    return render_text(rules()[finding.code].message, lang, **finding.params)


def severity(finding: Finding) -> str:
    return rules()[finding.code].severity


def render(finding: Finding, lang: str | None = None) -> dict[str, object]:
    """The finding as users see it: {code, severity, message, cells, where}."""
    return {
        "code": finding.code,
        "severity": severity(finding),
        "message": message(finding, lang),
        "cells": list(finding.cells),
        "where": [{k: v for k, v in (("file", w.file), ("page", w.page), ("line", w.line),
                                      ("table", w.table), ("row", w.row), ("column", w.column))
                   if v is not None} for w in finding.where],
    }


def finding_line(finding: Finding, lang: str | None = None) -> str:
    """A finding on one line: severity, code, message (in `lang`, default the current language)."""
    lang = lang or language()
    word = t(f"common.severity.{severity(finding)}", lang=lang)
    return f"{ljust(word, 7)} {finding.code}  {message(finding, lang)}"
