"""The catalogue of checks: stable codes, severities and messages, read from catalogue.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from gongkai.model import Finding

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: str
    title: dict[str, str]
    explain: dict[str, str]
    message: dict[str, str]


@cache
def rules() -> dict[str, Rule]:
    text = resources.files(__package__).joinpath("catalogue.toml").read_text(encoding="utf-8")
    return {c["code"]: Rule(c["code"], c["severity"], c["title"], c["explain"], c["message"])
            for c in tomllib.loads(text)["check"]}


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def message(finding: Finding, lang: str = "zh") -> str:
    rule = rules()[finding.code]
    template = rule.message.get(lang) or rule.message["zh"]
    # A parameter the message names but the finding lacks raises: a message never shows a raw {name}.
    return template.format_map({k: _fmt(v) for k, v in finding.params.items()})


def severity(finding: Finding) -> str:
    return rules()[finding.code].severity


def render(finding: Finding, lang: str = "zh") -> dict[str, object]:
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
