"""`gongkai check`: findings per report, streamed, with a summary at the end."""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field

import click

from gongkai.checks import has_errors, run_checks
from gongkai.checks.catalogue import SEVERITY_ORDER, render, rules
from gongkai.i18n import Join, Message, language, t
from gongkai.inputs import Outcome, iter_files, read_report

_MARK = {"error": "✗", "warning": "!", "info": "·"}
_COLOR = {"error": "red", "warning": "yellow", "info": "blue"}


@dataclass(slots=True)
class Tally:
    files: int = 0
    unreadable: int = 0
    with_errors: int = 0
    severities: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)


def _meta(outcome: Outcome) -> dict:
    meta = asdict(outcome.report.meta)  # type: ignore[union-attr]
    return {k: meta[k] for k in ("year", "agency", "template", "published", "kind")}


def _where(item: dict) -> str:
    if not item["where"]:
        return ""
    w = item["where"][0]
    parts = [Message(f"check.where.{k}", number=w[k]) for k in ("page", "line") if k in w]
    return f"  [{Join(parts, 'check.where.separator')}]" if parts else ""


def _print_text(outcome: Outcome, findings: list[dict]) -> None:
    meta = _meta(outcome)
    head = t("check.report_head", path=outcome.path, agency=meta["agency"] or "?", year=meta["year"] or "?",
             template=meta["template"] or "?")
    click.secho(head, bold=True)
    for item in findings:
        mark = _MARK[item["severity"]]
        click.echo("  " + click.style(f"{mark} {item['code']}", fg=_COLOR[item["severity"]])
                   + f"  {item['message']}{_where(item)}")


def _check_one(path: str, output: str, limit: int, tally: Tally) -> None:
    """Read, check and print one report, counting what was found."""
    outcome = read_report(path)
    tally.files += 1
    if outcome.report is None:
        tally.unreadable += 1
        click.echo(f"gongkai: {outcome.error}", err=True)
        if output == "json":
            click.echo(json.dumps({"file": path, "error": outcome.error}, ensure_ascii=False))
        return
    findings = run_checks(outcome.report)
    tally.with_errors += has_errors(findings)
    rendered = [render(f, language()) for f in findings]  # the checks' catalogue takes the language as an argument
    for item in rendered:
        tally.severities[item["severity"]] += 1
        tally.codes[item["code"]] += 1
    shown = [r for r in rendered if SEVERITY_ORDER[r["severity"]] <= limit]
    if output == "json":
        click.echo(json.dumps({"file": path, "meta": _meta(outcome), "findings": shown}, ensure_ascii=False))
    else:
        _print_text(outcome, shown)  # rich keeps the bar below what is printed


def run_check(paths: list[str], output: str, min_severity: str) -> int:
    files = list(iter_files(paths))
    if not files:
        click.echo("gongkai: " + t("check.no_files", paths=", ".join(paths)), err=True)
        return 2
    tally = Tally()
    limit = SEVERITY_ORDER[min_severity]
    progress = _progress(len(files)) if output == "text" and len(files) > 1 else None
    for path in files:
        _check_one(path, output, limit, tally)
        if progress:
            progress.advance()
    if progress:
        progress.close()
    if output == "text":
        _summary(tally)
    if tally.unreadable:
        return 2
    return 1 if tally.with_errors else 0


class _progress:
    """A progress bar on a terminal's stderr; nothing when stderr is not a terminal."""

    def __init__(self, total: int) -> None:
        self.bar = None
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self.bar = Progress(t("check.progress"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
            self.task = self.bar.add_task("check", total=total)
            self.bar.start()

    def advance(self) -> None:
        if self.bar:
            self.bar.advance(self.task)

    def close(self) -> None:
        if self.bar:
            self.bar.stop()


def _summary(tally: Tally) -> None:
    rows = [
        (t("check.summary.reports"), tally.files),
        (t("check.summary.unreadable"), tally.unreadable),
        (t("check.summary.with_errors"), tally.with_errors),
        (t("check.summary.errors"), tally.severities["error"]),
        (t("check.summary.warnings"), tally.severities["warning"]),
        (t("check.summary.info"), tally.severities["info"]),
    ]
    catalogue = rules()
    top = [(code, n, catalogue[code].title[language()]) for code, n in tally.codes.most_common(8)]
    if sys.stdout.isatty():
        _rich_summary(rows, top)
        return
    click.echo("")
    click.echo("  ".join(f"{name} {value}" for name, value in rows))
    for code, n, title in top:
        click.echo(f"  {code} ×{n}  {title}")


def _rich_summary(rows: list[tuple[str, int]], top: list[tuple[str, int, str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=t("check.summary.title"), show_header=False)
    for name, value in rows:
        table.add_row(name, str(value))
    console.print(table)
    if top:
        codes = Table(t("check.summary.code"), t("check.summary.count"), t("check.summary.meaning"))
        for code, n, title in top:
            codes.add_row(code, str(n), title)
        console.print(codes)
