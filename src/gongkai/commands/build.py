"""`gongkai build` and `gongkai template`: write a report in the official layout."""

from __future__ import annotations

from pathlib import Path

import click

from gongkai.checks import has_errors, run_checks
from gongkai.checks.catalogue import finding_line
from gongkai.errors import InputError, os_problem
from gongkai.formats.naming import describe, listing
from gongkai.i18n import t
from gongkai.inputs import read_report
from gongkai.model import Finding
from gongkai.totals import FilledTotal, fill_totals
from gongkai.writers import Writer, unsupported, writer_for


def output_writer(output: str) -> Writer:
    """The writer for an output file, or a usage error naming the suffixes gongkai writes."""
    problem = unsupported(output)
    if problem:
        raise click.UsageError(problem)
    return writer_for(output)  # type: ignore[return-value]


def print_findings(findings: list[Finding]) -> None:
    for finding in findings:
        click.echo(finding_line(finding), err=True)


def run_build(source: str, output: str, force: bool, fill: bool = False, prose: str | None = None) -> int:
    write = output_writer(output)
    try:
        outcome = read_report(source)
    except MemoryError:  # in a worker gongkai.pool says so; here, in this process, we do
        click.echo(f"gongkai: {source}: {t('pool.out_of_memory')}", err=True)
        return 2
    if outcome.report is None:
        click.echo(f"gongkai: {outcome.error}", err=True)
        return 2
    if prose is not None:
        from gongkai.serialized import add_prose

        try:
            add_prose(outcome.report, prose)
        except InputError as exc:
            click.echo(f"gongkai: {exc}", err=True)
            return 2
    if fill:
        report_filled(fill_totals(outcome.report))
    findings = run_checks(outcome.report)
    print_findings(findings)
    if has_errors(findings) and not force:
        click.echo(f"gongkai: {source}: {t('check.build.refused')}", err=True)
        return 1
    try:
        write(outcome.report, output)
    except OSError as exc:
        click.echo(f"gongkai: {output}: {os_problem(exc)}", err=True)
        return 2
    except InputError as exc:  # LibreOffice missing or failing, for .pdf
        click.echo(f"gongkai: {exc}", err=True)
        return 2
    click.echo(t("common.written", path=output), err=True)
    return 0


def _filled_text(change: FilledTotal) -> str:
    label = describe(change.key)
    if change.after is None:
        return t("check.totals.not_computed", label=label, blanks=listing(list(change.missing), limit=3))
    if change.before is None:
        return t("check.totals.filled", label=label, after=change.after)
    return t("check.totals.corrected", label=label, before=change.before, after=change.after)


def report_filled(changes: list[FilledTotal]) -> None:
    """One line per total that was filled, corrected, or could not be computed."""
    for change in changes:
        click.echo(_filled_text(change), err=True)
    if not changes:
        click.echo(t("check.totals.unchanged"), err=True)


def run_template(format_id: str, output: str) -> int:
    from gongkai.formats import get_format
    from gongkai.writers.xlsx import write_template

    if Path(output).suffix.lower() != ".xlsx":
        raise click.UsageError(t("check.build.template_suffix", output=output))
    try:
        write_template(get_format(format_id), output)
    except OSError as exc:
        click.echo(f"gongkai: {output}: {os_problem(exc)}", err=True)
        return 2
    click.echo(t("common.written", path=output), err=True)
    return 0
