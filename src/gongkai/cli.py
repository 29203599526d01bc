"""The `gongkai` command. Heavy modules are imported inside the commands that use them."""

from __future__ import annotations

import json
import sys

import click

from gongkai import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def _dump(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _fail(message: str) -> None:
    click.echo(f"gongkai: {message}", err=True)
    sys.exit(EXIT_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gongkai")
def main() -> None:
    """gongkai (公开): read, check and write 政府信息公开工作年度报告."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text",
              help="text for people, json for one JSON object per report per line.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of messages.")
@click.option("--min-severity", type=click.Choice(["error", "warning", "info"]), default="info",
              help="Show findings of this severity and above.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when errors are found (unreadable input still exits 2).")
def check(paths: tuple[str, ...], output: str, lang: str, min_severity: str, exit_zero: bool) -> None:
    """Check reports (files or folders) against the official format and its arithmetic.

    Exit code 0: no errors; 1: errors found; 2: an input could not be read.
    """
    from gongkai.commands.check import run_check

    code = run_check(list(paths), output, lang, min_severity)
    sys.exit(EXIT_OK if exit_zero and code == EXIT_FINDINGS else code)


@main.command()
@click.argument("path")
@click.option("--flat", "shape", flag_value="flat", help="The flat cell data of cell-keys.md.")
@click.option("--json", "shape", flag_value="json", default=True,
              help="The full model: meta, sections, every cell with raw text and source.")
def parse(path: str, shape: str) -> None:
    """Parse one report and print it as JSON."""
    from dataclasses import asdict

    from gongkai.inputs import read_report

    outcome = read_report(path)
    if outcome.report is None:
        _fail(outcome.error or path)
    data = outcome.report.flat() if shape == "flat" else asdict(outcome.report)  # type: ignore[union-attr]
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", required=True, help="Output file: .csv, .xlsx, .parquet or .jsonl")
def export(paths: tuple[str, ...], output: str) -> None:
    """Export reports as a table: one row per report, one column per cell key."""
    from gongkai.commands.export import run_export

    sys.exit(run_export(list(paths), output))


@main.command()
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
@click.argument("code", required=False)
def rules(lang: str, output: str, code: str | None) -> None:
    """List the catalogue of checks, or explain one: gongkai rules A101."""
    from gongkai.checks.catalogue import rules as catalogue

    entries = list(catalogue().values())
    if code:
        entries = [r for r in entries if r.code == code.upper()]
        if not entries:
            _fail(f"no check with code {code!r}; run `gongkai rules` for the list")
    if output == "json":
        for r in entries:
            click.echo(_dump({"code": r.code, "severity": r.severity, "title": r.title[lang],
                              "explain": r.explain[lang]}))
        return
    for r in entries:
        click.echo(f"{r.code}  {r.severity:<7}  {r.title[lang]}")
        if code:
            click.echo(f"\n{r.explain[lang]}")


@main.command()
@click.argument("source")
@click.option("-o", "--output", required=True, help="Output file: .html, .md, .xlsx (or .docx).")
@click.option("--force", is_flag=True, help="Write the report even when the checks find errors.")
@click.option("--prose", type=click.Path(dir_okay=False),
              help="A Markdown file with the six section headings and their text (for JSON data).")
@click.option("--fill-totals", is_flag=True,
              help="Compute the 总计 cells and row （七） from their parts first, and list what changed.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of the findings.")
def build(source: str, output: str, force: bool, prose: str | None, fill_totals: bool, lang: str) -> None:
    """Write a report in the official layout, after running every check on it.

    SOURCE is any report gongkai reads: the JSON of `gongkai parse --json`, flat cell data as JSON
    (prose in a "prose" field or from --prose), a filled-in workbook, a Word file, a web page, text.
    """
    from gongkai.commands.build import run_build

    sys.exit(run_build(source, output, force, lang, fill_totals, prose))


@main.command()
@click.option("--format", "format_id", type=click.Choice(["2019", "2021"]), default="2021",
              help="Official format of the workbook.")
@click.option("-o", "--output", required=True, help="The workbook to write (.xlsx).")
def template(format_id: str, output: str) -> None:
    """Write the fill-in workbook of an official format (年报填报.xlsx)."""
    from gongkai.commands.build import run_template

    sys.exit(run_template(format_id, output))


@main.command()
@click.argument("received")
@click.option("--extension", is_flag=True, help="The one extension of 20 working days (15 before 2019-05-15).")
@click.option("--channel", type=click.Choice(["当面", "邮寄", "网络", "传真"]), help="How it was received.")
@click.option("--correction-asked", metavar="DATE", help="补正: the day the agency asked for a correction.")
@click.option("--correction-received", metavar="DATE", help="补正: the day the corrected application arrived.")
@click.option("--consultation", "consultations", multiple=True, metavar="START:END",
              help="征求意见: a consultation period, not counted (repeatable).")
@click.option("--fee-notice", metavar="DATE", help="The day the fee notice was sent.")
@click.option("--fee-paid", metavar="DATE", help="The day the fee was paid.")
@click.option("--json", "as_json", is_flag=True, help="The due date and its trace as JSON.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh")
def deadline(received: str, extension: bool, channel: str | None, correction_asked: str | None,
             correction_received: str | None, consultations: tuple[str, ...], fee_notice: str | None,
             fee_paid: str | None, as_json: bool, lang: str) -> None:
    """The answer deadline of an application received on RECEIVED (YYYY-MM-DD), in working days, with its trace."""
    from gongkai.commands.deadline import run_deadline

    sys.exit(run_deadline(received, extension, channel, correction_asked, correction_received, consultations,
                          fee_notice, fee_paid, as_json, lang))


@main.command()
@click.option("--applications", type=int, help="按件: applications by one applicant in one calendar month.")
@click.option("--pages", type=int, help="按量: pages supplied for one application.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh")
def fee(applications: int | None, pages: int | None, as_json: bool, lang: str) -> None:
    """The information processing fee of 国办函〔2020〕109号, band by band."""
    from gongkai.commands.deadline import run_fee

    sys.exit(run_fee(applications, pages, as_json, lang))


# ── the register (台账) ─────────────────────────────────────────────────────────────────────────────────────

_DB_HELP = ("The register: an SQLite file path or a database URL (postgresql+psycopg://…). Default: "
            "$GONGKAI_DATABASE_URL, else register.sqlite in gongkai's folder of the user.")


def _db_option(function):
    return click.option("--db", metavar="URL", help=_DB_HELP)(function)


def _agency_option(function):
    return click.option("--agency", metavar="NAME",
                        help="The agency (机关); may be left out when the register holds only one.")(function)


def _year_option(function):
    return click.option("--year", required=True, type=click.IntRange(2000, 2100), help="The report year.")(function)


def _user_option(function):
    return click.option("--user", metavar="NAME", help="Who, for the audit log (default: the login name).")(function)


@main.group()
def register() -> None:
    """The register (台账) of the year's disclosure work, and the annual report made from it.

    The database is named by --db URL or $GONGKAI_DATABASE_URL; by default an SQLite file in the user's
    gongkai folder. Errors are one line, exit code 2.
    """


@register.command("import")
@click.argument("files", nargs=-1, required=True)
@_db_option
@_agency_option
@click.option("--kind", type=click.Choice(["department", "government"]),
              help="The kind of agency, when --agency names one not yet in the register (default: department).")
@_user_option
def register_import(files: tuple[str, ...], db: str | None, agency: str | None, kind: str | None,
                    user: str | None) -> None:
    """Import register files (.csv, .xlsx): applications, cases or documents, told apart by their headers.

    Each file is imported whole or not at all; a bad row is named by its line and column.
    """
    from gongkai.commands.register import run_import

    sys.exit(run_import(db, files, agency, kind, user))


@register.command("export")
@click.option("-o", "--output", required=True, help="The file to write: .csv or .xlsx.")
@click.option("--kind", type=click.Choice(["applications", "cases", "documents"]), default="applications",
              help="Which records.")
@_db_option
@_agency_option
def register_export(output: str, kind: str, db: str | None, agency: str | None) -> None:
    """Export an agency's records with the Chinese column headers of the import files."""
    from gongkai.commands.register import run_export

    sys.exit(run_export(db, output, kind, agency))


@register.command("report")
@_year_option
@_db_option
@_agency_option
@click.option("--flat", "shape", flag_value="flat", help="Print the flat cell data of cell-keys.md (JSON).")
@click.option("--json", "shape", flag_value="json", help="Print the full model: meta, sections, cells with sources.")
@click.option("--markdown", "shape", flag_value="markdown", default=True,
              help="Print the report as Markdown (default).")
@click.option("-o", "--output", help="Write the report: .docx, .xlsx, .html, .md (or .pdf), after the checks.")
@click.option("--force", is_flag=True, help="Write the report even when it has errors.")
@click.option("--prose", type=click.Path(dir_okay=False),
              help="A Markdown file with the six section headings and their text.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of the findings.")
def register_report(year: int, db: str | None, agency: str | None, shape: str, output: str | None, force: bool,
                    prose: str | None, lang: str) -> None:
    """The annual report of a year, counted from the register (a closed year: its latest closed version).

    Exit code 1 when the report contradicts a closed year (上年结转 against the closing before).
    """
    from gongkai.commands.register import run_report

    sys.exit(run_report(db, year, agency, shape, output, force, prose, lang))


@register.command("explain")
@click.argument("key")
@_year_option
@_db_option
@_agency_option
@click.option("--json", "as_json", is_flag=True, help="The condition and the records as JSON.")
def register_explain(key: str, year: int, db: str | None, agency: str | None, as_json: bool) -> None:
    """The records behind one cell of a year's report: gongkai register explain --year 2025 applications.new.total"""
    from gongkai.commands.register import run_explain

    sys.exit(run_explain(db, year, agency, key, as_json))


@register.command("close-year")
@_year_option
@_db_option
@_agency_option
@click.option("--revise", is_flag=True, help="Correct a closed year: store its report again as the next version.")
@click.option("--reason", help="Why the closed year is revised (required with --revise).")
@_user_option
def register_close_year(year: int, db: str | None, agency: str | None, revise: bool, reason: str | None,
                        user: str | None) -> None:
    """Close a year: freeze its report (version 1) and the applications it carries into the next year."""
    from gongkai.commands.register import run_close

    sys.exit(run_close(db, year, agency, revise, reason, user))


@register.command("deadlines")
@_db_option
@_agency_option
@click.option("--overdue", "overdue_only", is_flag=True, help="Only the overdue ones.")
@click.option("--today", metavar="DATE", help="Count as on this day (YYYY-MM-DD) instead of today.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per application, with its deadline trace.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh")
def register_deadlines(db: str | None, agency: str | None, overdue_only: bool, today: str | None, as_json: bool,
                       lang: str) -> None:
    """The open applications (no 答复日期) with their answer deadlines, the soonest first.

    Columns: 编号, 收到日期, 答复期限, working days left or overdue. Exit code 1 when any is overdue.
    """
    from gongkai.commands.register import run_deadlines

    sys.exit(run_deadlines(db, agency, overdue_only, today, as_json, lang))


@main.command()
def schema() -> None:
    """Print the JSON Schema of the full report model (gongkai parse --json)."""
    from gongkai.export.schema import report_schema

    click.echo(json.dumps(report_schema(), ensure_ascii=False, indent=2))


if __name__ == "__main__":  # pragma: no cover
    main()
