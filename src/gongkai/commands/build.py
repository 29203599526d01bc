"""`gongkai build` and `gongkai template`: write a report in the official layout."""

from __future__ import annotations

from pathlib import Path

import click

from gongkai.checks import has_errors, run_checks
from gongkai.checks.catalogue import render
from gongkai.errors import InputError
from gongkai.formats.naming import describe, listing
from gongkai.inputs import read_report
from gongkai.totals import FilledTotal, fill_totals

# output suffix → (module, function(report, path))
WRITERS = {
    ".html": ("gongkai.writers.html", "write_html"),
    ".htm": ("gongkai.writers.html", "write_html"),
    ".md": ("gongkai.writers.markdown", "write_markdown"),
    ".xlsx": ("gongkai.writers.xlsx", "write_workbook"),
    ".docx": ("gongkai.writers.docx", "write_docx"),
    ".pdf": ("gongkai.writers.pdf", "write_pdf"),
}


def writer_for(output: str):
    from importlib import import_module

    suffix = Path(output).suffix.lower()
    if suffix not in WRITERS:
        raise click.UsageError(f"{output}: cannot write {suffix or 'files without a suffix'}; "
                               f"supported: {', '.join(sorted(WRITERS))}")
    module, function = WRITERS[suffix]
    return getattr(import_module(module), function)


def run_build(source: str, output: str, force: bool, lang: str, fill: bool = False,
              prose: str | None = None) -> int:
    write = writer_for(output)
    outcome = read_report(source)
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
        report_filled(fill_totals(outcome.report), lang)
    findings = run_checks(outcome.report)
    for finding in findings:
        item = render(finding, lang)
        click.echo(f"{item['severity']:<7} {item['code']}  {item['message']}", err=True)
    if has_errors(findings) and not force:
        click.echo(f"gongkai: {source}: the report has errors; nothing written (use --force to write it anyway)",
                   err=True)
        return 1
    try:
        write(outcome.report, output)
    except OSError as exc:
        click.echo(f"gongkai: {output}: {exc.strerror or exc}", err=True)
        return 2
    except InputError as exc:  # LibreOffice missing or failing, for .pdf
        click.echo(f"gongkai: {exc}", err=True)
        return 2
    click.echo(f"written: {output}", err=True)
    return 0


def report_filled(changes: list[FilledTotal], lang: str) -> None:
    """One line per total that was filled, corrected, or could not be computed."""
    for change in changes:
        label = describe(change.key)
        if change.after is None:
            blanks = listing(list(change.missing), limit=3)
            text = (f"not computed: {label}: blank parts {blanks}" if lang == "en"
                    else f"未计算：{label}，以下各项为空：{blanks}")
        elif change.before is None:
            text = f"filled: {label} = {change.after}" if lang == "en" else f"已填：{label} = {change.after}"
        else:
            text = (f"corrected: {label} {change.before} → {change.after}" if lang == "en"
                    else f"已更正：{label} {change.before} → {change.after}")
        click.echo(text, err=True)
    if not changes:
        click.echo("totals: all already equal to the sum of their parts" if lang == "en"
                   else "合计：均已等于各项之和，未作改动", err=True)


def run_template(format_id: str, output: str) -> int:
    from gongkai.formats import get_format
    from gongkai.writers.xlsx import write_template

    if Path(output).suffix.lower() != ".xlsx":
        raise click.UsageError(f"{output}: the fill-in template is an Excel workbook (.xlsx)")
    try:
        write_template(get_format(format_id), output)
    except OSError as exc:
        click.echo(f"gongkai: {output}: {exc.strerror or exc}", err=True)
        return 2
    click.echo(f"written: {output}", err=True)
    return 0
