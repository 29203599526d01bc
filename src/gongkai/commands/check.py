"""`gongkai check`: findings per report, streamed, with a summary at the end."""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gongkai.checks.catalogue import SEVERITY_ORDER, render, rules
from gongkai.errors import InputError, os_problem
from gongkai.i18n import Join, Message, language, t
from gongkai.inputs import iter_files, read_report
from gongkai.pool import ReadingOptions
from gongkai.supervision.results import Checked, check_report

if TYPE_CHECKING:
    from gongkai.supervision.across import Across
    from gongkai.supervision.findings_sheet import FindingsSheet

_MARK = {"error": "✗", "warning": "!", "info": "·"}
_COLOR = {"error": "red", "warning": "yellow", "info": "blue"}


@dataclass(slots=True)
class Tally:
    """What a run of `check` found, counted for its summary and its exit code."""

    files: int = 0
    unreadable: int = 0
    with_errors: int = 0
    severities: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)


def check_file(path: str, shown_as: tuple[str, int] | None = None, sheet: str | None = None,
               across: bool = True) -> Checked:
    """Read and check one report: its findings, and (`across`) its digest for the checks across reports. With
    `shown_as` (output, severity limit) the worker also renders what `check` prints for it (and with `sheet`, the
    suffix of a 问题清单, its rows of that list) and hands back only those and the light form: rendering is most
    of the printing process's work, and the findings need not be sent."""
    outcome = read_report(path)
    if outcome.report is None:
        return Checked(path, error=outcome.error)
    checked = check_report(outcome.report, digest=across)
    if shown_as is None:
        return checked
    light = checked.light()
    light.lines = _lines(checked, *shown_as)
    if sheet is not None:
        from gongkai.supervision.findings_sheet import rendered_rows

        light.sheet_rows = rendered_rows(checked, sheet)
    return light


def _where(item: dict) -> str:
    if not item["where"]:
        return ""
    w = item["where"][0]
    parts = [Message(f"check.where.{k}", number=w[k]) for k in ("page", "line") if k in w]
    return f"  [{Join(parts, 'check.where.separator')}]" if parts else ""


def _text_lines(checked: Checked, findings: list[dict]) -> list[str]:
    meta = checked.meta
    head = t("check.report_head", path=checked.path, agency=meta["agency"] or "?", year=meta["year"] or "?",
             template=meta["template"] or "?")
    lines = [click.style(head, bold=True)]  # styles are dropped when printed to anything but a terminal
    for item in findings:
        mark = _MARK[item["severity"]]
        lines.append("  " + click.style(f"{mark} {item['code']}", fg=_COLOR[item["severity"]])
                     + f"  {item['message']}{_where(item)}")
    return lines


def _lines(checked: Checked, output: str, limit: int, across: bool = False) -> list[str]:
    """What `check` prints for one checked report (or for the findings across reports of one, `across`)."""
    rendered = [render(f, language()) for f in checked.findings]
    shown = [r for r in rendered if SEVERITY_ORDER[r["severity"]] <= limit]
    if output == "json":
        record = {"file": checked.path, "meta": checked.meta, "findings": shown}
        return [json.dumps({**record, "across": True} if across else record, ensure_ascii=False)]
    return _text_lines(checked, shown)


def _show(checked: Checked, output: str, limit: int, tally: Tally, across: bool = False) -> None:
    """Print one checked report (or the findings across reports of one, `across`), counting what was found."""
    if not across:
        tally.files += 1
    if checked.error is not None:
        tally.unreadable += 1
        click.echo(f"gongkai: {checked.error}", err=True)
        if output == "json":
            click.echo(json.dumps({"file": checked.path, "error": checked.error}, ensure_ascii=False))
        return
    tally.severities.update(checked.severities)
    tally.codes.update(checked.codes)
    lines = checked.lines or _lines(checked, output, limit, across)
    click.echo("\n".join(lines))  # one write per report; rich keeps the progress bar below it


def _check_files(files: list[str], output: str, limit: int, tally: Tally, sheet: FindingsSheet | None,
                 reading: ReadingOptions, across: bool, progress: _progress | None = None) -> list[Checked]:
    """Check (in the workers of `reading`), print and list each report as it comes, in input order; keep only its
    light form (counts, and the digest where there are checks `across` reports)."""
    kept = []
    work = partial(check_file, shown_as=(output, limit), sheet=sheet.path.suffix if sheet else None,
                   across=across)  # rendered there
    with reading.pool(work) as pool:
        for result in pool.imap(files, on_finished=progress.advance if progress else None):
            checked = result.value or Checked(result.item, error=result.error)
            _show(checked, output, limit, tally)
            if sheet is not None:
                sheet.add(checked)
            kept.append(checked.light())
    return kept


def checked_reports(paths: list[str], reading: ReadingOptions | None = None) -> list[Checked]:
    """Every report of `paths` read and checked in the workers of `reading`, in input order, each in its light form
    (counts and digest, not the findings): what `rollup` and `compare` work from."""
    with (reading or ReadingOptions()).pool(check_file) as pool:
        return [(result.value or Checked(result.item, error=result.error)).light()
                for result in pool.imap(iter_files(paths))]


def _previous(context: Across, reading: ReadingOptions) -> list[Checked]:
    """The reports of --previous, read like the others; their errors shown, not counted."""
    if not context.previous:
        return []
    previous = checked_reports(list(context.previous), reading)
    for checked in previous:
        if checked.error is not None:  # not counted: the run's own reports decide the exit code
            click.echo(f"gongkai: {checked.error}", err=True)
    return previous


def _across(kept: list[Checked], context: Across, output: str, limit: int, tally: Tally,
            sheet: FindingsSheet | None, reading: ReadingOptions) -> list[Checked]:
    """The checks across reports, once every report is in: their findings printed after the others, one record per
    report they concern (JSON: "across": true). Returns the records of regions without a report of their own."""
    previous = _previous(context, reading)
    had_errors = {c.path for c in kept if c.errors}
    extra = context.link(kept, previous)
    found = [c for c in kept if c.findings] + extra
    if found and output == "text":
        click.secho(t("office.across.head"), bold=True)
    for checked in found:
        _show(checked, output, limit, tally, across=True)
        tally.with_errors += checked.errors and checked.path not in had_errors
        if sheet is not None:
            sheet.add(checked)
    return extra


def run_check(paths: list[str], output: str, min_severity: str, sheet: str | None = None,
              across: Across | None = None, reading: ReadingOptions | None = None) -> int:
    if sheet is not None and not _sheet_ok(sheet):
        return 2
    files = list(iter_files(paths))
    if not files:
        click.echo("gongkai: " + t("check.no_files", paths=", ".join(paths)), err=True)
        return 2
    try:
        context = _across_context(across, len(files))
        findings_sheet = _findings_sheet(sheet)
    except InputError as exc:
        click.echo(f"gongkai: {exc}", err=True)
        return 2
    except OSError as exc:
        click.echo(f"gongkai: {sheet}: {os_problem(exc)}", err=True)
        return 2
    reading = reading or ReadingOptions()
    tally = Tally()
    limit = SEVERITY_ORDER[min_severity]
    progress = _progress(len(files)) if output == "text" and len(files) > 1 else None
    try:
        kept = _check_files(files, output, limit, tally, findings_sheet, reading, context is not None, progress)
    finally:
        if progress:
            progress.close()
    tally.with_errors = sum(c.errors for c in kept)
    if context is not None:
        kept += _across(kept, context, output, limit, tally, findings_sheet, reading)
    if output == "text":
        _summary(tally)
    if findings_sheet is not None and not _close_sheet(findings_sheet, kept, sheet):  # type: ignore[arg-type]
        return 2
    if tally.unreadable:
        return 2
    return 1 if tally.with_errors else 0


def _across_context(across: Across | None, files: int) -> Across | None:
    """What the checks across reports are given, loaded; None where they cannot find anything: one report, with
    neither the reports of the year before (--previous) nor a region tree (--regions) to set it against."""
    if files < 2 and (across is None or not (across.previous or across.regions_file)):
        return None
    from gongkai.supervision.across import Across

    return (across or Across()).load()


def _findings_sheet(sheet: str | None) -> FindingsSheet | None:
    if sheet is None:
        return None
    from gongkai.supervision.findings_sheet import FindingsSheet

    return FindingsSheet(sheet)


def _sheet_ok(sheet: str) -> bool:
    from gongkai.supervision.findings_sheet import SUFFIXES

    if Path(sheet).suffix.lower() in SUFFIXES:
        return True
    click.echo(f"gongkai: {sheet}: " + t("office.output.unsupported", suffix=Path(sheet).suffix,
                                           known=", ".join(SUFFIXES)), err=True)
    return False


def _close_sheet(findings_sheet: FindingsSheet, kept: list[Checked], sheet: str) -> bool:
    try:
        findings_sheet.close(kept)
    except OSError as exc:
        click.echo(f"gongkai: {sheet}: {os_problem(exc)}", err=True)
        return False
    click.echo(t("common.written", path=sheet), err=True)
    return True


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
