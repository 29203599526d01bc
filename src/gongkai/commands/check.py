"""`gongkai check`: findings per report, streamed, with a summary at the end."""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import partial

import click

from gongkai.checks import has_errors, run_checks
from gongkai.checks.catalogue import SEVERITY_ORDER, render, rules
from gongkai.i18n import Join, Message, language, t
from gongkai.inputs import iter_files, read_report
from gongkai.pool import ReadingOptions

_MARK = {"error": "✗", "warning": "!", "info": "·"}
_COLOR = {"error": "red", "warning": "yellow", "info": "blue"}


@dataclass(slots=True)
class Tally:
    files: int = 0
    unreadable: int = 0
    with_errors: int = 0
    severities: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)


@dataclass(slots=True)
class Checked:
    """One report read and checked, as a worker hands it back: the lines `check` prints for it, already rendered
    (the worker does that work, not the one process that prints), and what the summary counts."""

    path: str
    error: str | None = None  # the one-line error of an unreadable file
    lines: list[str] = field(default_factory=list)
    severities: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)  # every finding's, whatever --min-severity shows
    errors: bool = False


def check_file(path: str, output: str = "text", min_severity: str = "info") -> Checked:
    """Read and check one report and render what is printed for it: the work of each worker of `gongkai check`."""
    outcome = read_report(path)
    if outcome.report is None:
        return Checked(path, error=outcome.error)
    findings = run_checks(outcome.report)
    rendered = [render(f, language()) for f in findings]  # the checks' catalogue takes the language as an argument
    limit = SEVERITY_ORDER[min_severity]
    shown = [r for r in rendered if SEVERITY_ORDER[r["severity"]] <= limit]
    meta = asdict(outcome.report.meta)
    meta = {k: meta[k] for k in ("year", "agency", "template", "published", "kind")}
    if output == "json":
        lines = [json.dumps({"file": path, "meta": meta, "findings": shown}, ensure_ascii=False)]
    else:
        lines = _text_lines(path, meta, shown)
    return Checked(path, lines=lines, severities=Counter(r["severity"] for r in rendered),
                   codes=Counter(r["code"] for r in rendered), errors=has_errors(findings))


def _where(item: dict) -> str:
    if not item["where"]:
        return ""
    w = item["where"][0]
    parts = [Message(f"check.where.{k}", number=w[k]) for k in ("page", "line") if k in w]
    return f"  [{Join(parts, 'check.where.separator')}]" if parts else ""


def _text_lines(path: str, meta: dict, findings: list[dict]) -> list[str]:
    head = t("check.report_head", path=path, agency=meta["agency"] or "?", year=meta["year"] or "?",
             template=meta["template"] or "?")
    lines = [click.style(head, bold=True)]  # styles are dropped when printed to anything but a terminal
    for item in findings:
        mark = _MARK[item["severity"]]
        lines.append("  " + click.style(f"{mark} {item['code']}", fg=_COLOR[item["severity"]])
                     + f"  {item['message']}{_where(item)}")
    return lines


def _show(checked: Checked, output: str, tally: Tally) -> None:
    """Print one checked report, counting what was found."""
    tally.files += 1
    if checked.error is not None:
        tally.unreadable += 1
        click.echo(f"gongkai: {checked.error}", err=True)
        if output == "json":
            click.echo(json.dumps({"file": checked.path, "error": checked.error}, ensure_ascii=False))
        return
    tally.with_errors += checked.errors
    tally.severities.update(checked.severities)
    tally.codes.update(checked.codes)
    click.echo("\n".join(checked.lines))  # one write per report; rich keeps the progress bar below it


def run_check(paths: list[str], output: str, min_severity: str, reading: ReadingOptions | None = None) -> int:
    files = list(iter_files(paths))
    reading = reading or ReadingOptions()
    if not files:
        click.echo("gongkai: " + t("check.no_files", paths=", ".join(paths)), err=True)
        return 2
    tally = Tally()
    progress = _progress(len(files)) if output == "text" and len(files) > 1 else None
    try:
        with reading.pool(partial(check_file, output=output, min_severity=min_severity)) as pool:
            for result in pool.imap(files, on_finished=progress.advance if progress else None):
                _show(result.value or Checked(result.item, error=result.error), output, tally)
    finally:
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
