"""The `gongkai` command. Heavy modules are imported inside the commands that use them.

Every text a person reads here comes from the catalogues of gongkai.i18n. A command's and an option's `help` is
a message id of locale/cli.toml, rendered when the help is printed, in the language the command line asks for
(`--lang`, accepted by every command, else the locale: `_Localized.main` decides before anything is parsed).
click's own words (Usage:, Options:, its usage errors) come from locale/click.toml: click fetches them through
gettext, bound as `_` in each of its modules, and `_route_click_strings` points those names at the catalogue.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from gongkai import __version__
from gongkai.i18n import (
    LANGUAGES,
    columns,
    id_of,
    is_wide,
    language,
    language_from,
    ljust,
    set_language,
    t,
    texts_of,
    using,
)

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def _dump(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _fail(message: object) -> None:
    click.echo(f"gongkai: {message}", err=True)
    sys.exit(EXIT_INPUT)


# ── click in the language of the command line ──────────────────────────────────────────────────────────────


def _click_text(message: str) -> str:
    """One of click's own strings (click passes its English text) in the current language, as a template: click
    fills in its placeholders itself."""
    msg_id = id_of("click", "en", message)
    return texts_of(msg_id)[language()] if msg_id else message


def _click_plural(singular: str, plural: str, n: int) -> str:
    return _click_text(singular if n == 1 else plural)


# A line may break between any two wide characters, and does not start with closing punctuation.
_NO_LINE_START = frozenset("，。、；：？！）」』》〉”’")
_click_wrap_text = click.formatting.wrap_text


def _atoms(text: str) -> list[str]:
    """Words, single wide characters and single spaces: the pieces a line is filled with."""
    atoms: list[str] = []
    for char in text:
        if char.isspace() or is_wide(char) or not atoms or atoms[-1].isspace() or is_wide(atoms[-1][-1]):
            atoms.append(" " if char.isspace() else char)
        else:
            atoms[-1] += char
    return atoms


def _wrap_wide(text: str, width: int) -> list[str]:
    """Greedy wrapping by terminal columns: breaks at spaces and between wide characters; closing punctuation
    that does not fit takes the character before it to the next line rather than start a line itself."""
    lines: list[str] = []
    line: list[str] = []
    for atom in _atoms(text):
        if atom == " " and not line:
            continue
        if line and atom != " " and columns("".join(line) + atom) > width:  # a space before the atom counts
            carried = [line.pop()] if atom[0] in _NO_LINE_START and len(line) > 1 else []
            lines.append("".join(line).rstrip())
            line = carried
        line.append(atom)
    if "".join(line).strip():
        lines.append("".join(line).rstrip())
    return lines


def _wrap_text(text: str, width: int = 78, initial_indent: str = "", subsequent_indent: str = "",
               preserve_paragraphs: bool = False) -> str:
    """click's wrap_text, counting a Chinese character as the two columns it takes (click counts one, so its
    Chinese lines came out twice too wide); text without wide characters is click's business as before."""
    if not any(map(is_wide, text)):
        return _click_wrap_text(text, width, initial_indent, subsequent_indent, preserve_paragraphs)
    paragraphs = text.split("\n\n") if preserve_paragraphs else [text]
    out = []
    for paragraph in paragraphs:
        lines = _wrap_wide(" ".join(paragraph.split()), max(width - len(initial_indent), 10)) or [""]
        out.append("\n".join([initial_indent + lines[0], *(subsequent_indent + line for line in lines[1:])]))
    return "\n\n".join(out)


def _route_click_strings() -> None:
    """click binds gettext as `_` and `ngettext` in each of its modules and looks them up when it writes a message,
    so rebinding those names gives click's words in the current language; its wrapping learns CJK widths."""
    from click import core, decorators, exceptions, formatting, parser, termui, types, utils

    for module in (core, decorators, exceptions, formatting, parser, termui, types, utils):
        if hasattr(module, "_"):
            module._ = _click_text
        if hasattr(module, "ngettext"):
            module.ngettext = _click_plural
    formatting.wrap_text = _wrap_text


_route_click_strings()


class _Formatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, t("cli.usage") if prefix is None else prefix)  # 用法：gongkai, no space

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{t('cli.heading', heading=heading)}\n")  # 选项：, not 选项:


class _Context(click.Context):
    formatter_class = _Formatter


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:  # also when a command is run without main(), e.g. through ctx.invoke
        set_language(value)


class Option(click.Option):
    """An option whose `help` is a message id, rendered whenever click reads it."""

    _help_id: str | None = None

    @property  # type: ignore[override]
    def help(self) -> str | None:
        return t(self._help_id) if self._help_id else None

    @help.setter
    def help(self, value: str | None) -> None:
        self._help_id = value


def _lang_option() -> Option:
    return Option(["--lang"], type=click.Choice(LANGUAGES), expose_value=False, is_eager=True,
                  callback=_choose_language, help="cli.option.lang")


def _freeze_at_exit() -> None:
    """At exit, hand every object to the collector's permanent generation (gc.freeze) before Python's last
    collections: they would walk the hundreds of thousands of objects SQLAlchemy and the rest leave behind, only for
    the process to end (a quarter of a register command's time: `python bench/startup.py`). Nothing is lost: the
    commands close their files and registers, atexit handlers and weakref finalizers still run, and the operating
    system takes the memory back."""
    import atexit
    import gc

    atexit.unregister(gc.freeze)  # once, however often main() runs in one process
    atexit.register(gc.freeze)


class _Localized:
    """What every gongkai command shares: help and short help as message ids, a --lang option, headings with
    Chinese punctuation, and the language chosen from the whole command line before click parses any of it (so
    that `--help` anywhere, eager as it is, already prints in the language asked for)."""

    context_class = _Context
    _help_id: str | None = None
    _short_id: str | None = None
    params: list[click.Parameter]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not any("--lang" in param.opts for param in self.params):
            self.params.append(_lang_option())

    @property
    def help(self) -> str | None:
        return t(self._help_id) if self._help_id else None

    @help.setter
    def help(self, value: str | None) -> None:
        self._help_id = value

    @property
    def short_help(self) -> str | None:
        return t(self._short_id) if self._short_id else None

    @short_help.setter
    def short_help(self, value: str | None) -> None:
        self._short_id = value

    def main(self, args: Any = None, *rest: Any, **extra: Any) -> Any:
        if args is None:  # run as the program, not called by a test or another program
            _freeze_at_exit()
        argv = sys.argv[1:] if args is None else list(args)
        with using(language_from(argv, os.environ)):
            return super().main(args, *rest, **extra)  # type: ignore[misc]

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        found = super().get_help_option(ctx)  # type: ignore[misc]
        if found is not None:  # click makes it once, in the language of that moment
            found.help = t("cli.option.help")
        return found


class Command(_Localized, click.Command):
    pass


class Group(_Localized, click.Group):
    command_class = Command
    group_class = type  # subgroups are Groups too


def option(*decls: str, **attrs: Any) -> Callable:
    return click.option(*decls, cls=Option, **attrs)


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(t("cli.version", version=__version__))
        ctx.exit()


@click.group(cls=Group, help="cli.main.help", context_settings={"help_option_names": ["-h", "--help"]})
@option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
        help="cli.option.version")
def main() -> None:
    """gongkai (公开): read, check and write 政府信息公开工作年度报告."""


def _reading_options(function: Callable) -> Callable:
    """--jobs, --timeout and --max-memory: how the commands that read many files read them (gongkai.pool)."""
    function = option("--max-memory", type=click.IntRange(min=0), metavar="MB", help="cli.option.max_memory")(function)
    function = option("--timeout", type=click.FloatRange(min=0), metavar="SECONDS",
                      help="cli.option.timeout")(function)
    return option("--jobs", "-j", type=click.IntRange(min=1), metavar="N", help="cli.option.jobs")(function)


def _reading(command: str, jobs: int | None, timeout: float | None, max_memory: int | None,
             inputs: tuple[str, ...] = ()) -> Any:
    """The reading options as gongkai.pool.ReadingOptions (None: the default), the workers' server started
    (it loads the readers while this process imports the command).

    One file given and neither --jobs nor --max-memory: it is read in this process (as --jobs 1, the time limit
    holding), since starting a worker costs more than most reports take to read."""
    from gongkai.pool import ReadingOptions

    if jobs is None and max_memory is None and len(inputs) == 1 and os.path.isfile(inputs[0]):
        jobs = 1
    return ReadingOptions(jobs=jobs, seconds=timeout, memory_mb=max_memory).prepare(f"gongkai.commands.{command}")


@main.command(help="cli.check.help", short_help="cli.check.short")
@click.argument("paths", nargs=-1, required=True)
@option("--format", "output", type=click.Choice(["text", "json"]), default="text", help="cli.check.format")
@option("--min-severity", type=click.Choice(["error", "warning", "info"]), default="info",
        help="cli.check.min_severity")
@option("--exit-zero", is_flag=True, help="cli.check.exit_zero")
@_reading_options
@option("-o", "--output", "sheet", metavar="FILE", help="cli.check.sheet")
@option("--previous", multiple=True, metavar="DIR", help="cli.check.previous")
@option("--regions", metavar="CSV", help="cli.check.regions")
@option("--agencies", metavar="CSV", help="cli.check.agencies")
def check(paths: tuple[str, ...], output: str, min_severity: str, exit_zero: bool, jobs: int | None,
          timeout: float | None, max_memory: int | None, sheet: str | None, previous: tuple[str, ...],
          regions: str | None, agencies: str | None) -> None:
    """Check reports (files or folders) against the official format and its arithmetic."""
    reading = _reading("check", jobs, timeout, max_memory, () if previous else paths)
    from gongkai.commands.check import run_check

    across = None
    if previous or regions or agencies:  # otherwise imported only where more than one report is checked
        from gongkai.supervision.across import Across

        across = Across(list(previous), regions, agencies)
    code = run_check(list(paths), output, min_severity, sheet, across, reading)
    sys.exit(EXIT_OK if exit_zero and code == EXIT_FINDINGS else code)


@main.command(help="cli.parse.help", short_help="cli.parse.short")
@click.argument("paths", nargs=-1, required=True)
@option("--flat", "shape", flag_value="flat", help="cli.parse.flat")
@option("--json", "shape", flag_value="json", default=True, help="cli.parse.json")
@_reading_options
def parse(paths: tuple[str, ...], shape: str, jobs: int | None, timeout: float | None,
          max_memory: int | None) -> None:
    """Parse reports and print them as JSON: one report as one object, several as one line each."""
    reading = _reading("parse", jobs, timeout, max_memory, paths)
    from gongkai.commands.parse import run_parse

    sys.exit(run_parse(list(paths), shape, reading))


@main.command(help="cli.export.help", short_help="cli.export.short")
@click.argument("paths", nargs=-1, required=True)
@option("-o", "--output", required=True, help="cli.export.output")
@option("--headers", type=click.Choice(["keys", "zh"]), default="keys", help="cli.export.headers")
@_reading_options
@option("--engine", type=click.Choice(["local", "dask"]), default="local", help="cli.export.engine")
@option("--scheduler", metavar="ADDRESS", help="cli.export.scheduler")
def export(paths: tuple[str, ...], output: str, headers: str, jobs: int | None, timeout: float | None,
           max_memory: int | None, engine: str, scheduler: str | None) -> None:
    """Export reports as a table: one row per report, one column per cell key; or as a Parquet dataset."""
    engine = "dask" if scheduler else engine
    if engine == "dask":  # the cluster's workers read: no local pool's server to start
        from gongkai.pool import ReadingOptions

        reading = ReadingOptions(jobs=jobs, seconds=timeout, memory_mb=max_memory)
    else:
        reading = _reading("export", jobs, timeout, max_memory)
    from gongkai.commands.export import run_export

    sys.exit(run_export(list(paths), output, reading, headers, engine, scheduler))


@main.command(help="cli.rules.help", short_help="cli.rules.short")
@option("--format", "output", type=click.Choice(["text", "json"]), default="text", help="cli.rules.format")
@click.argument("code", required=False)
def rules(output: str, code: str | None) -> None:
    """List the catalogue of checks, or explain one: gongkai rules A101."""
    from gongkai.checks.catalogue import rules as catalogue

    lang = language()
    entries = list(catalogue().values())
    if code:
        entries = [r for r in entries if r.code == code.upper()]
        if not entries:
            _fail(t("check.no_rule", code=code))
    if output == "json":
        for r in entries:
            click.echo(_dump({"code": r.code, "severity": r.severity, "title": r.title[lang],
                              "explain": r.explain[lang]}))
        return
    for r in entries:
        click.echo(f"{r.code}  {ljust(t(f'common.severity.{r.severity}'), 7)}  {r.title[lang]}")
        if code:
            click.echo(f"\n{r.explain[lang]}")


@main.command(help="cli.build.help", short_help="cli.build.short")
@click.argument("source")
@option("-o", "--output", required=True, help="cli.build.output")
@option("--force", is_flag=True, help="cli.build.force")
@option("--prose", type=click.Path(dir_okay=False), help="cli.build.prose")
@option("--fill-totals", is_flag=True, help="cli.build.fill_totals")
def build(source: str, output: str, force: bool, prose: str | None, fill_totals: bool) -> None:
    """Write a report in the official layout, after running every check on it."""
    from gongkai.commands.build import run_build

    sys.exit(run_build(source, output, force, fill_totals, prose))


class FormatId(click.ParamType):
    """The id of a format present (gongkai.formats: the package's files and $GONGKAI_FORMATS), read when needed."""

    name = "format"

    def get_metavar(self, param: click.Parameter, *args: Any, **kwargs: Any) -> str:
        from gongkai.formats import format_ids

        return "[" + "|".join(format_ids()) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from gongkai.formats import format_ids

        if value in format_ids():
            return value
        self.fail(t("cli.template.unknown_format", value=value, known=", ".join(format_ids())), param, ctx)


@main.command(help="cli.template.help", short_help="cli.template.short")
@option("--format", "format_id", type=FormatId(), default=None, help="cli.template.format")
@option("-o", "--output", required=True, help="cli.template.output")
def template(format_id: str | None, output: str) -> None:
    """Write the fill-in workbook of an official format (年报填报.xlsx); by default the newest format."""
    from gongkai.commands.build import run_template
    from gongkai.formats import newest_format

    sys.exit(run_template(format_id or newest_format().id, output))


@main.command(help="cli.rollup.help", short_help="cli.rollup.short")
@click.argument("paths", nargs=-1, required=True)
@option("-o", "--output", required=True, help="cli.rollup.output")
@option("--year", type=click.IntRange(2000, 2100), help="cli.rollup.year")
@option("--format", "format_id", type=FormatId(), help="cli.rollup.format")
@option("--include-errors", is_flag=True, help="cli.rollup.include_errors")
@option("--regions", metavar="CSV", help="cli.rollup.regions")
@option("--region", metavar="NAME", help="cli.rollup.region")
@option("--agencies", metavar="CSV", help="cli.check.agencies")
@_reading_options
def rollup(paths: tuple[str, ...], output: str, year: int | None, format_id: str | None, include_errors: bool,
           regions: str | None, region: str | None, agencies: str | None, jobs: int | None, timeout: float | None,
           max_memory: int | None) -> None:
    """Sum a region's reports of one year and one format, cell by cell (汇总)."""
    reading = _reading("rollup", jobs, timeout, max_memory)
    from gongkai.commands.rollup import run_rollup

    sys.exit(run_rollup(list(paths), output, year, format_id, include_errors, regions, agencies, region, reading))


@main.command(help="cli.compare.help", short_help="cli.compare.short")
@click.argument("paths", nargs=-1, required=True)
@option("-o", "--output", required=True, help="cli.compare.output")
@_reading_options
def compare(paths: tuple[str, ...], output: str, jobs: int | None, timeout: float | None,
            max_memory: int | None) -> None:
    """Compare agencies and years: indicators beside the region's P25/P50/P75, with charts (对比)."""
    reading = _reading("compare", jobs, timeout, max_memory)
    from gongkai.commands.compare import run_compare

    sys.exit(run_compare(list(paths), output, reading))


@main.command(help="cli.deadline.help", short_help="cli.deadline.short")
@click.argument("received")
@option("--extension", is_flag=True, help="cli.deadline.extension")
@option("--channel", type=click.Choice(["当面", "邮寄", "网络", "传真"]), help="cli.deadline.channel")
@option("--correction-asked", metavar="DATE", help="cli.deadline.correction_asked")
@option("--correction-received", metavar="DATE", help="cli.deadline.correction_received")
@option("--consultation", "consultations", multiple=True, metavar="START:END", help="cli.deadline.consultation")
@option("--fee-notice", metavar="DATE", help="cli.deadline.fee_notice")
@option("--fee-paid", metavar="DATE", help="cli.deadline.fee_paid")
@option("--json", "as_json", is_flag=True, help="cli.deadline.json")
def deadline(received: str, extension: bool, channel: str | None, correction_asked: str | None,
             correction_received: str | None, consultations: tuple[str, ...], fee_notice: str | None,
             fee_paid: str | None, as_json: bool) -> None:
    """The answer deadline of an application received on RECEIVED (YYYY-MM-DD), in working days, with its trace."""
    from gongkai.commands.deadline import run_deadline

    sys.exit(run_deadline(received, extension, channel, correction_asked, correction_received, consultations,
                          fee_notice, fee_paid, as_json))


@main.command(help="cli.fee.help", short_help="cli.fee.short")
@option("--applications", type=int, help="cli.fee.applications")
@option("--pages", type=int, help="cli.fee.pages")
@option("--json", "as_json", is_flag=True, help="cli.fee.json")
def fee(applications: int | None, pages: int | None, as_json: bool) -> None:
    """The information processing fee of 国办函〔2020〕109号, band by band."""
    from gongkai.commands.deadline import run_fee

    sys.exit(run_fee(applications, pages, as_json))


# ── the register (台账) ─────────────────────────────────────────────────────────────────────────────────────


def _db_option(function):
    return option("--db", metavar="URL", help="cli.option.db")(function)


def _agency_option(function):
    return option("--agency", metavar="NAME", help="cli.option.agency")(function)


def _year_option(function):
    return option("--year", required=True, type=click.IntRange(2000, 2100), help="cli.option.year")(function)


def _user_option(function):
    return option("--user", metavar="NAME", help="cli.option.user")(function)


@main.group(help="cli.register.help", short_help="cli.register.short")
def register() -> None:
    """The register (台账) of the year's disclosure work, and the annual report made from it."""


@register.command("import", help="cli.register_import.help", short_help="cli.register_import.short")
@click.argument("files", nargs=-1, required=True)
@_db_option
@_agency_option
@option("--kind", type=click.Choice(["department", "government"]), help="cli.register_import.kind")
@_user_option
def register_import(files: tuple[str, ...], db: str | None, agency: str | None, kind: str | None,
                    user: str | None) -> None:
    """Import register files (.csv, .xlsx): applications, cases or documents, told apart by their headers."""
    from gongkai.commands.register import run_import

    sys.exit(run_import(db, files, agency, kind, user))


@register.command("export", help="cli.register_export.help", short_help="cli.register_export.short")
@option("-o", "--output", required=True, help="cli.register_export.output")
@option("--kind", type=click.Choice(["applications", "cases", "documents"]), default="applications",
        help="cli.register_export.kind")
@_db_option
@_agency_option
def register_export(output: str, kind: str, db: str | None, agency: str | None) -> None:
    """Export an agency's records with the Chinese column headers of the import files."""
    from gongkai.commands.register import run_export

    sys.exit(run_export(db, output, kind, agency))


@register.command("report", help="cli.register_report.help", short_help="cli.register_report.short")
@_year_option
@_db_option
@_agency_option
@option("--flat", "shape", flag_value="flat", help="cli.register_report.flat")
@option("--json", "shape", flag_value="json", help="cli.register_report.json")
@option("--markdown", "shape", flag_value="markdown", default=True, help="cli.register_report.markdown")
@option("-o", "--output", help="cli.register_report.output")
@option("--force", is_flag=True, help="cli.register_report.force")
@option("--prose", type=click.Path(dir_okay=False), help="cli.register_report.prose")
def register_report(year: int, db: str | None, agency: str | None, shape: str, output: str | None, force: bool,
                    prose: str | None) -> None:
    """The annual report of a year, counted from the register (a closed year: its latest closed version)."""
    from gongkai.commands.register import run_report

    sys.exit(run_report(db, year, agency, shape, output, force, prose))


@register.command("explain", help="cli.register_explain.help", short_help="cli.register_explain.short")
@click.argument("key")
@_year_option
@_db_option
@_agency_option
@option("--json", "as_json", is_flag=True, help="cli.register_explain.json")
def register_explain(key: str, year: int, db: str | None, agency: str | None, as_json: bool) -> None:
    """The records behind one cell of a year's report: gongkai register explain --year 2025 applications.new.total"""
    from gongkai.commands.register import run_explain

    sys.exit(run_explain(db, year, agency, key, as_json))


@register.command("close-year", help="cli.register_close_year.help", short_help="cli.register_close_year.short")
@_year_option
@_db_option
@_agency_option
@option("--revise", is_flag=True, help="cli.register_close_year.revise")
@option("--reason", help="cli.register_close_year.reason")
@_user_option
def register_close_year(year: int, db: str | None, agency: str | None, revise: bool, reason: str | None,
                        user: str | None) -> None:
    """Close a year: freeze its report (version 1) and the applications it carries into the next year."""
    from gongkai.commands.register import run_close

    sys.exit(run_close(db, year, agency, revise, reason, user))


@register.command("deadlines", help="cli.register_deadlines.help", short_help="cli.register_deadlines.short")
@_db_option
@_agency_option
@option("--overdue", "overdue_only", is_flag=True, help="cli.register_deadlines.overdue")
@option("--today", metavar="DATE", help="cli.register_deadlines.today")
@option("--json", "as_json", is_flag=True, help="cli.register_deadlines.json")
def register_deadlines(db: str | None, agency: str | None, overdue_only: bool, today: str | None,
                       as_json: bool) -> None:
    """The open applications (no 答复日期) with their answer deadlines, the soonest first."""
    from gongkai.commands.register import run_deadlines

    sys.exit(run_deadlines(db, agency, overdue_only, today, as_json))


# ── the web application and its people ────────────────────────────────────────────────────────────────────


@main.command(help="cli.serve.help", short_help="cli.serve.short")
@_db_option
@option("--host", default="127.0.0.1", show_default=True, help="cli.serve.host")
@option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="cli.serve.port")
@option("--demo", is_flag=True, help="cli.serve.demo")
def serve(db: str | None, host: str, port: int, demo: bool) -> None:
    """The web application (the agency's desk) on the register, under uvicorn."""
    from gongkai.commands.serve import run_serve

    sys.exit(run_serve(db, host, port, demo))


@main.group(help="cli.users.help", short_help="cli.users.short")
def users() -> None:
    """The people who log in to the web application."""


@users.command("add", help="cli.users_add.help", short_help="cli.users_add.short")
@click.argument("name")
@option("--role", required=True, type=click.Choice(["officer", "supervisor", "admin"]), help="cli.users_add.role")
@_agency_option
@option("--region", metavar="NAME", help="cli.users_add.region")
@option("--kind", type=click.Choice(["department", "government"]), help="cli.register_import.kind")
@_db_option
@_user_option
def users_add(name: str, role: str, agency: str | None, region: str | None, kind: str | None, db: str | None,
              user: str | None) -> None:
    """Add a person; the password is read from standard input."""
    from gongkai.commands.users import run_add

    sys.exit(run_add(db, name, role, agency, region, kind, user))


@users.command("list", help="cli.users_list.help", short_help="cli.users_list.short")
@_db_option
def users_list(db: str | None) -> None:
    from gongkai.commands.users import run_list

    sys.exit(run_list(db))


@users.command("disable", help="cli.users_disable.help", short_help="cli.users_disable.short")
@click.argument("name")
@option("--enable", is_flag=True, help="cli.users_disable.enable")
@_db_option
@_user_option
def users_disable(name: str, enable: bool, db: str | None, user: str | None) -> None:
    from gongkai.commands.users import run_disable

    sys.exit(run_disable(db, name, enable, user))


@users.command("reset-password", help="cli.users_reset.help", short_help="cli.users_reset.short")
@click.argument("name")
@_db_option
@_user_option
def users_reset(name: str, db: str | None, user: str | None) -> None:
    from gongkai.commands.users import run_reset

    sys.exit(run_reset(db, name, user))
@register.command("edit", help="cli.register_edit.help", short_help="cli.register_edit.short")
@click.argument("kind", type=click.Choice(["applications", "cases", "documents"]), metavar="KIND")
@click.argument("number")
@click.argument("field")
@click.argument("value")
@_db_option
@_agency_option
@_user_option
def register_edit(kind: str, number: str, field: str, value: str, db: str | None, agency: str | None,
                  user: str | None) -> None:
    """Correct one field of a record: gongkai register edit applications 2025-001 答复日期 2025-03-10"""
    from gongkai.commands.register import run_edit

    sys.exit(run_edit(db, kind, number, field, value, agency, user))


@register.command("counts", help="cli.register_counts.help", short_help="cli.register_counts.short")
@click.argument("settings", nargs=-1, metavar="[NAME=VALUE]...")
@_year_option
@_db_option
@_agency_option
@_user_option
@option("--json", "as_json", is_flag=True, help="cli.register_counts.json")
def register_counts(settings: tuple[str, ...], year: int, db: str | None, agency: str | None, user: str | None,
                    as_json: bool) -> None:
    """Table 二's yearly counts (行政许可, 行政处罚, 行政强制, 行政事业性收费): show them, or set NAME=VALUE."""
    from gongkai.commands.register import run_counts

    sys.exit(run_counts(db, year, agency, settings, user, as_json))


@register.command("template", help="cli.register_template.help", short_help="cli.register_template.short")
@option("--kind", type=click.Choice(["applications", "cases", "documents"]), default="applications",
        help="cli.register_template.kind")
@option("-o", "--output", required=True, help="cli.register_template.output")
def register_template(kind: str, output: str) -> None:
    """A blank import file (.csv or .xlsx): the expected columns and one example row."""
    from gongkai.commands.register import run_template

    sys.exit(run_template(kind, output))


@register.command("letter", help="cli.register_letter.help", short_help="cli.register_letter.short")
@click.argument("number")
@option("--kind", metavar="KIND", help="cli.register_letter.kind")
@option("-o", "--output", help="cli.register_letter.output")
@_db_option
@_agency_option
@option("--templates", metavar="DIR", help="cli.register_letter.templates")
@option("--date", "day", metavar="DATE", help="cli.register_letter.date")
@option("--to", "recipient", metavar="NAME", help="cli.register_letter.to")
@option("--fee-applications", type=click.IntRange(0), metavar="N", help="cli.register_letter.fee_applications")
@option("--fee-pages", type=click.IntRange(0), metavar="N", help="cli.register_letter.fee_pages")
@option("--set", "details", multiple=True, metavar="NAME=TEXT", help="cli.register_letter.set")
def register_letter(number: str, kind: str | None, output: str | None, db: str | None, agency: str | None,
                    templates: str | None, day: str | None, recipient: str | None, fee_applications: int | None,
                    fee_pages: int | None, details: tuple[str, ...]) -> None:
    """The letter an agency sends for an application's event (补正告知书, …, 答复书), as Word or PDF."""
    from gongkai.commands.register import run_letter

    options = {"day": day, "recipient": recipient, "fee_applications": fee_applications, "fee_pages": fee_pages,
               "details": details}
    sys.exit(run_letter(db, number, kind, output, agency, templates, options))


@register.command("letter-templates", help="cli.register_letter_templates.help",
                  short_help="cli.register_letter_templates.short")
@click.argument("folder")
def register_letter_templates(folder: str) -> None:
    """Copy the letters' templates into a folder, for an office to adapt their wording."""
    from gongkai.commands.register import run_letter_templates

    sys.exit(run_letter_templates(folder))


@main.command(help="cli.schema.help", short_help="cli.schema.short")
def schema() -> None:
    """Print the JSON Schema of the full report model (gongkai parse --json)."""
    from gongkai.export.schema import report_schema

    click.echo(json.dumps(report_schema(), ensure_ascii=False, indent=2))


if __name__ == "__main__":  # pragma: no cover
    main()
