"""`gongkai register …`: import and export the register, make a year's report from it, explain a cell, close a year.

Every failure is one line on stderr, `gongkai: WHAT: problem` (WHAT: the file, or the database URL without its
password), and exit code 2 — a database that cannot be opened included; never a traceback (GONGKAI_DEBUG=1 shows
one). `register report` exits 1 when the report contradicts a closed year (see gongkai.register.closing).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gongkai.errors import InputError, os_problem
from gongkai.i18n import Join, Message, ljust, message_of, t

if TYPE_CHECKING:  # the register's modules load SQLAlchemy: imported where a command needs them
    from gongkai.register.db import Register

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
KIND_ORDER = ("applications", "documents", "cases")  # cases link to applications, so those come first


class Failure(Exception):
    """Ends a command with `gongkai: {where}: {problem}` and exit code 2; the problem is a message (id and
    parameters, or a Message), rendered when shown."""

    def __init__(self, where: str, problem: str | Message | Join, /, **params: Any) -> None:
        self.where = where
        self.problem = Message(problem, **params) if isinstance(problem, str) else problem
        super().__init__(where, self.problem)

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


def _say(message: object) -> None:
    click.echo(str(message), err=True)


def _fail_line(where: str, problem: object) -> str:
    return f"gongkai: {where}: {problem}"


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _open(db: str | None) -> tuple[Register, str]:
    """Open the register named by --db, $GONGKAI_DATABASE_URL or the default file; Failure if it cannot be."""
    from gongkai.register.db import open_register, register_url, shown_url

    where = db or os.environ.get("GONGKAI_DATABASE_URL") or "register"
    try:
        url = register_url(db)
        where = shown_url(url)
        return open_register(url), where
    except Exception as exc:  # a bad URL, a missing driver, an unreachable server, a folder not writable, …
        if os.environ.get("GONGKAI_DEBUG"):
            raise
        raise Failure(shown_url(where), "register.cli.cannot_open", detail=_first_line(exc)) from None


def guarded(db: str | None, body: Callable[[Register, str], int]) -> int:
    """Run a command's body on the open register, turning every expected failure into one line and exit 2."""
    from sqlalchemy.exc import SQLAlchemyError

    from gongkai.register.store import RegisterError

    try:
        reg, where = _open(db)
    except Failure as exc:
        _say(f"gongkai: {exc}")
        return EXIT_INPUT
    try:
        return body(reg, where)
    except (Failure, InputError) as exc:
        _say(f"gongkai: {exc}")
    except RegisterError as exc:
        _say(_fail_line(where, exc))
    except SQLAlchemyError as exc:
        if os.environ.get("GONGKAI_DEBUG"):
            raise
        _say(_fail_line(where, t("register.cli.database_error", detail=_first_line(exc))))
    finally:
        reg.close()
    return EXIT_INPUT


def _agency(reg: Register, agency: str | None) -> str:
    from gongkai.register.store import only_agency

    return agency if agency else only_agency(reg)


# ── import and export ───────────────────────────────────────────────────────────────────────────────────────


def _file_problem(exc: InputError) -> str:
    """An import error as printed: one line when there is one problem; else the first line and one per problem
    (by line and column), as RegisterFileError lists them."""
    from gongkai.register.tabular import RegisterFileError

    if isinstance(exc, RegisterFileError) and exc.total == 1:
        return _fail_line(exc.path, t("register.file.not_imported_one", problem=exc.errors[0]))
    return f"gongkai: {exc}"


def _kind_of(path: str) -> str:
    """What a register file holds, from its header row (InputError when it cannot be told)."""
    from gongkai.register.tabular import read_rows, recognise

    try:
        header = next(iter(read_rows(Path(path))), None)
    except OSError as exc:
        raise InputError.from_os(path, exc) from None
    if header is None:
        raise InputError(path, "register.file.no_header")
    return recognise(header[1], path)[0].kind


def _ensure_agency(reg: Register, name: str, kind: str | None) -> str | None:
    """The kind of agency the import is to create (inside its transaction), or None when the agency is there."""
    from gongkai.register import store
    from gongkai.register.db import Agency

    with reg.sessions() as session:
        existing = session.scalar(store.active(Agency).where(Agency.name == name))
        known = existing.kind if existing else None
    if known is None:
        return kind or "department"
    if kind and kind != known:
        _say(_fail_line(name, t("register.cli.kind_ignored", known=Message(f"register.agency_kind.{known}"),
                                kind=kind)))
    return None


def _import_one(reg: Register, path: str, agency: str, user: str | None, new_agency: str | None = None) -> bool:
    from gongkai.register.tabular import import_file

    try:
        result = import_file(reg, path, agency, user=user, new_agency=new_agency)
    except InputError as exc:  # RegisterFileError too: every problem, by line and column
        _say(_file_problem(exc))
        return False
    except OSError as exc:
        _say(_fail_line(path, os_problem(exc)))
        return False
    if result.created_agency:
        _say(t("register.cli.added_agency", name=agency, kind=Message(f"register.agency_kind.{new_agency}")))
    for warning in result.warnings:  # rows dated in a closed year
        _say(_fail_line(path, warning))
    if result.warning_total > len(result.warnings):
        _say(_fail_line(path, t("register.file.more", count=result.warning_total - len(result.warnings)).strip()))
    _say(t("register.cli.imported", path=path, rows=result.rows, kind=Message(f"register.kind.{result.kind}"),
           ids=result.ids or "—"))
    if result.ignored_columns:
        _say(_fail_line(path, t("register.cli.columns_not_imported", columns=Join(result.ignored_columns))))
    return True


def run_import(db: str | None, files: tuple[str, ...], agency: str | None, kind: str | None,
               user: str | None) -> int:
    """Import register files (each all or nothing), applications before documents before cases."""

    def body(reg: Register, where: str) -> int:
        ordered, ok = [], True
        for path in files:  # every file recognised first: nothing is created for files that cannot be read
            try:
                ordered.append((KIND_ORDER.index(_kind_of(path)), path))
            except InputError as exc:
                _say(_file_problem(exc))
                ok = False
        if not ordered:
            return EXIT_INPUT
        new_agency = _ensure_agency(reg, agency, kind) if agency else None  # created by the first import done
        name = _agency(reg, agency)
        for _, path in sorted(ordered, key=lambda item: item[0]):
            ok = _import_one(reg, path, name, user, new_agency) and ok
        return EXIT_OK if ok else EXIT_INPUT

    return guarded(db, body)


def run_export(db: str | None, output: str, kind: str, agency: str | None) -> int:
    from gongkai.register.tabular import export_file

    if Path(output).suffix.lower() not in (".csv", ".xlsx"):
        suffix = Path(output).suffix
        _say(_fail_line(output, t("register.cli.cannot_write", suffix=suffix) if suffix
                        else t("register.cli.cannot_write_no_suffix")))
        return EXIT_INPUT

    def body(reg: Register, where: str) -> int:
        try:
            rows = export_file(reg, output, _agency(reg, agency), kind)
        except OSError as exc:
            raise Failure(output, os_problem(exc)) from None
        _say(t("register.cli.exported", path=output, rows=rows, kind=Message(f"register.kind.{kind}")))
        return EXIT_OK

    return guarded(db, body)


# ── report ──────────────────────────────────────────────────────────────────────────────────────────────────


def _notices(notices) -> None:
    for notice in notices:
        _say(f"{ljust(t(f'common.severity.{notice.severity}'), 7)} {notice.message}")


def _print(report, flat: dict[str, Any], shape: str) -> None:
    if shape == "flat":
        click.echo(json.dumps(flat, ensure_ascii=False, indent=2))
    elif shape == "json":
        click.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2))
    else:
        from gongkai.writers.markdown import render_markdown

        click.echo(render_markdown(report))


def _write(result, output: str, force: bool) -> int:
    """Write the report through the writers, after the checks every written report gets (as `gongkai build`)."""
    from gongkai.checks import has_errors, run_checks
    from gongkai.checks.catalogue import finding_line
    from gongkai.writers import write_report

    findings = run_checks(result.report)
    for finding in findings:
        _say(finding_line(finding))
    if (has_errors(findings) or result.has_errors) and not force:
        _say(_fail_line(output, t("check.build.refused")))
        return EXIT_FINDINGS
    try:
        write_report(result.report, output)
    except OSError as exc:
        raise Failure(output, os_problem(exc)) from None
    _say(t("common.written", path=output))
    return EXIT_OK


def run_report(db: str | None, year: int, agency: str | None, shape: str, output: str | None, force: bool,
               prose: str | None) -> int:
    if output:
        from gongkai.writers import unsupported

        problem = unsupported(output)
        if problem:
            _say(f"gongkai: {problem}")
            return EXIT_INPUT

    def body(reg: Register, where: str) -> int:
        from gongkai.register.report import build_report

        result = build_report(reg, _agency(reg, agency), year)
        if prose:
            from gongkai.serialized import add_prose

            add_prose(result.report, prose)
        _notices(result.notices)
        if output:
            return _write(result, output, force)
        _print(result.report, result.flat, shape)
        return EXIT_FINDINGS if result.has_errors else EXIT_OK

    return guarded(db, body)


# ── explain ─────────────────────────────────────────────────────────────────────────────────────────────────


def _labels() -> dict[str, Callable[[Any], str]]:
    """How each explained field is shown: keys as their official labels."""
    from gongkai.register.outcomes import applicants, case_results, outcomes

    def label(vocabulary):
        return lambda key: vocabulary().label(key) if key in vocabulary().keys else str(key)

    return {"applicant": label(applicants), "outcome": label(outcomes), "result": label(case_results)}


def _shown(field: str, value: Any, labels: dict[str, Callable[[Any], str]], model_kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if field == "kind":
        from gongkai.register.outcomes import case_kinds, document_kinds

        vocabulary = case_kinds() if model_kind == "cases" else document_kinds()
        return vocabulary.label(value) if value in vocabulary.keys else str(value)
    return labels[field](value) if field in labels else str(value)


def _explanation_text(explanation) -> list[str]:
    from gongkai.register.closing import shown_value

    fields = [field for field, _ in explanation.columns]
    kind = "cases" if "filed" in fields else "documents"
    lines = [f"{explanation.label} {explanation.year} = {shown_value(explanation.value)}",
             t("register.cli.condition", condition=explanation.condition)]
    if explanation.closing:
        same = explanation.reported == explanation.value
        lines.append(t("register.cli.closed_reported" if same else "register.cli.closed_reported_differs",
                       year=explanation.year, when=explanation.closing, reported=shown_value(explanation.reported),
                       value=shown_value(explanation.value)))
    lines.append("\t".join(header for _, header in explanation.columns))
    labels = _labels()
    for record in explanation.records:
        lines.append("\t".join(_shown(f, record.get(f), labels, kind) for f in fields))
    lines.append(t("register.cli.records", count=len(explanation.records)))
    return lines


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def run_explain(db: str | None, year: int, agency: str | None, key: str, as_json: bool) -> int:
    def body(reg: Register, where: str) -> int:
        from gongkai.register.report import explain

        explanation = explain(reg, _agency(reg, agency), year, key)
        if as_json:
            data = asdict(explanation)
            data["columns"] = [field for field, _ in explanation.columns]
            data["records"] = [{k: _jsonable(v) for k, v in r.items()} for r in explanation.records]
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            click.echo("\n".join(_explanation_text(explanation)))
        return EXIT_OK

    return guarded(db, body)


# ── close-year ──────────────────────────────────────────────────────────────────────────────────────────────


def run_close(db: str | None, year: int, agency: str | None, revise: bool, reason: str | None,
              user: str | None) -> int:
    def body(reg: Register, where: str) -> int:
        from gongkai.formats.naming import describe
        from gongkai.register.closing import difference_text, shown_value
        from gongkai.register.report import close_year

        name = _agency(reg, agency)
        result = close_year(reg, name, year, revise=revise, reason=reason, user=user)
        _say(t("register.cli.revised" if revise else "register.cli.closed", year=year, name=name,
               version=result.version, carried=result.carried_forward))
        for change in result.changes:
            _say(f"  {describe(change['key'])}: {shown_value(change['before'])} → {shown_value(change['after'])}")
        if result.difference:
            _say("  " + t("register.cli.carried_forward", difference=difference_text(result.difference)))
        return EXIT_OK

    return guarded(db, body)


# ── deadlines of the open applications ──────────────────────────────────────────────────────────────────────


def _due_text(item) -> str:
    days = item.working_days_left
    if days is None:  # waiting for the applicant: awaiting_correction, awaiting_payment
        return t(f"register.cli.{item.deadline.status.value}")
    return t("register.cli.overdue", days=-days) if days < 0 else t("register.cli.days_left", days=days)


def run_deadlines(db: str | None, agency: str | None, overdue_only: bool, today: str | None, as_json: bool) -> int:
    """Open applications with their due dates; exit 1 when any is overdue (for a daily reminder job)."""
    def body(reg: Register, where: str) -> int:
        from gongkai.register.deadline import parse_date
        from gongkai.register.due import open_applications

        try:
            day = parse_date(today) if today else date.today()
        except ValueError as exc:
            raise Failure("--today", message_of(exc)) from None
        items = [a for a in open_applications(reg, _agency(reg, agency), day) if a.overdue or not overdue_only]
        if not as_json:
            click.echo(t("register.cli.deadlines_header"))
        for item in items:
            if as_json:
                click.echo(json.dumps(item.to_dict(), ensure_ascii=False))
                continue
            due = item.deadline.due.isoformat() if item.deadline.due else "—"
            mark = "*" if item.deadline.provisional else ""
            click.echo(f"{item.number}\t{item.received.isoformat()}\t{due}{mark}\t{_due_text(item)}")
        if not as_json and any(i.deadline.provisional for i in items):
            _say(t("register.cli.provisional"))
        return 1 if any(i.overdue for i in items) else 0

    return guarded(db, body)


# ── letters ─────────────────────────────────────────────────────────────────────────────────────────────────


LETTER_SUFFIXES = (".docx", ".pdf")


def _details(pairs: tuple[str, ...]) -> dict[str, str]:
    """--set NAME=TEXT, repeated: placeholders only the officer can fill (不予公开理由=…)."""
    found = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            raise Failure("--set", "letters.bad_detail", text=pair)
        found[name.strip()] = text.strip()
    return found


def _letter_options(day: str | None, recipient: str | None, fee_applications: int | None, fee_pages: int | None,
                    details: tuple[str, ...]):
    from gongkai.letters import Options
    from gongkai.register.deadline import parse_date

    try:
        when = parse_date(day) if day else None
    except ValueError as exc:
        raise Failure("--date", message_of(exc)) from None
    return Options(day=when, recipient=recipient, fee_applications=fee_applications, fee_pages=fee_pages,
                   details=_details(details))


def _write_letter(letter, output: str) -> None:
    from gongkai.letters.word import write_docx, write_pdf

    try:
        (write_pdf if output.lower().endswith(".pdf") else write_docx)(letter, output)
    except OSError as exc:
        raise Failure(output, os_problem(exc)) from None
    _say(t("letters.written", path=output, kind=letter.kind, article=letter.article))
    if letter.missing:
        _say(_fail_line(output, t("letters.left_blank", names=Join(letter.missing))))


def run_letter(db: str | None, number: str, kind: str | None, output: str | None, agency: str | None,
               templates: str | None, options: dict[str, Any]) -> int:
    """Write the letter of one kind for an application (or, with no --kind, list the letters it has)."""
    from gongkai.letters import LetterError, Templates, compose, kind_of, kinds_for

    if kind and (not output or Path(output).suffix.lower() not in LETTER_SUFFIXES):
        where = output or "-o"
        _say(_fail_line(where, t("register.cli.letter_suffix", suffixes=Join(LETTER_SUFFIXES))))
        return EXIT_INPUT

    def body(reg: Register, where: str) -> int:
        from gongkai.register.db import Application
        from gongkai.register.store import by_number

        name = _agency(reg, agency)
        application = by_number(reg, Application, name, number)
        if not kind:
            kinds = kinds_for(application)
            click.echo(t("letters.kinds_of", number=number, kinds=Join(kinds)) if kinds
                       else t("letters.no_letters", number=number))
            return EXIT_OK
        try:
            letter = compose(kind_of(kind), application, name, templates=Templates(templates),
                             options=_letter_options(**options))
        except LetterError as exc:
            raise Failure(number, exc.message) from None
        _write_letter(letter, output)  # type: ignore[arg-type]
        return EXIT_OK

    return guarded(db, body)


def run_letter_templates(folder: str) -> int:
    """Copy the package's letter templates into an office's folder, to adapt."""
    from gongkai.letters import copy_package_templates

    try:
        written = copy_package_templates(folder)
    except OSError as exc:
        _say(_fail_line(folder, os_problem(exc)))
        return EXIT_INPUT
    _say(t("letters.copied", count=len(written), folder=folder))
    return EXIT_OK


# ── edit, counts, template ──────────────────────────────────────────────────────────────────────────────────


def run_edit(db: str | None, kind: str, number: str, field: str, value: str, agency: str | None,
             user: str | None) -> int:
    """Correct one field of a record, checked as an import checks it, audited."""
    def body(reg: Register, where: str) -> int:
        from gongkai.register.editing import edit

        result = edit(reg, kind, _agency(reg, agency), number, field, value, user=user)
        if not result.changes:
            _say(t("register.cli.unchanged", table=Message(f"register.table.{kind}"), number=number,
                   header=result.header))
        for before, after in result.shown:
            _say(t("register.cli.edited", table=Message(f"register.table.{kind}"), number=number,
                   header=result.header, before=before or "—", after=after or "—", version=result.version))
        return EXIT_OK

    return guarded(db, body)


def _count_line(count) -> str:
    from gongkai.register.store import audit_text

    return f"{count.label}\t{count.key}\t{audit_text(count.value) if count.value is not None else '—'}"


def _json_number(value) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def run_counts(db: str | None, year: int, agency: str | None, settings: tuple[str, ...], user: str | None,
               as_json: bool) -> int:
    """Show a year's table-二 counts; NAME=VALUE arguments set them first (each audited)."""
    def body(reg: Register, where: str) -> int:
        from gongkai.register.store import set_yearly_count
        from gongkai.register.yearly import count_key, count_value, yearly_counts

        name = _agency(reg, agency)
        wanted = []
        for setting in settings:  # every one read before any is written
            field, sep, text = setting.partition("=")
            if not sep:
                raise Failure(setting, "register.counts.not_a_setting")
            key = count_key(field)
            wanted.append((key, count_value(key, text)))
        for key, value in wanted:
            set_yearly_count(reg, name, year, key, value, user=user)
        counts = yearly_counts(reg, name, year)
        if as_json:
            click.echo(json.dumps({c.key: _json_number(c.value) for c in counts}, ensure_ascii=False, indent=2))
            return EXIT_OK
        click.echo(t("register.cli.counts_header"))
        for count in counts:
            click.echo(_count_line(count))
        return EXIT_OK

    return guarded(db, body)


def run_template(kind: str, output: str) -> int:
    """Write a blank import file with the expected columns and one example row (no register is opened)."""
    from gongkai.register.blank import write_blank

    if Path(output).suffix.lower() not in (".csv", ".xlsx"):
        suffix = Path(output).suffix
        _say(_fail_line(output, t("register.cli.cannot_write", suffix=suffix) if suffix
                        else t("register.cli.cannot_write_no_suffix")))
        return EXIT_INPUT
    try:
        write_blank(output, kind)
    except OSError as exc:
        _say(_fail_line(output, os_problem(exc)))
        return EXIT_INPUT
    _say(t("register.cli.template_written", path=output, kind=Message(f"register.kind.{kind}")))
    return EXIT_OK
