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
from typing import Any

import click

from gongkai.errors import InputError
from gongkai.register.db import Register, open_register, register_url, shown_url
from gongkai.register.store import RegisterError

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
KIND_ORDER = ("applications", "documents", "cases")  # cases link to applications, so those come first


class Failure(Exception):
    """Ends a command with `gongkai: {where}: {problem}` and exit code 2."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")


def _say(message: str) -> None:
    click.echo(message, err=True)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _open(db: str | None) -> tuple[Register, str]:
    """Open the register named by --db, $GONGKAI_DATABASE_URL or the default file; Failure if it cannot be."""
    where = db or os.environ.get("GONGKAI_DATABASE_URL") or "register"
    try:
        url = register_url(db)
        where = shown_url(url)
        return open_register(url), where
    except Exception as exc:  # a bad URL, a missing driver, an unreachable server, a folder not writable, …
        if os.environ.get("GONGKAI_DEBUG"):
            raise
        raise Failure(shown_url(where), f"cannot open the register ({_first_line(exc)})") from None


def guarded(db: str | None, body: Callable[[Register, str], int]) -> int:
    """Run a command's body on the open register, turning every expected failure into one line and exit 2."""
    from sqlalchemy.exc import SQLAlchemyError

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
        _say(f"gongkai: {where}: {exc}")
    except SQLAlchemyError as exc:
        if os.environ.get("GONGKAI_DEBUG"):
            raise
        _say(f"gongkai: {where}: database error ({_first_line(exc)})")
    finally:
        reg.close()
    return EXIT_INPUT


def _agency(reg: Register, agency: str | None) -> str:
    from gongkai.register.report import only_agency

    return agency if agency else only_agency(reg)


# ── import and export ───────────────────────────────────────────────────────────────────────────────────────


def _file_problem(exc: InputError) -> str:
    """An import error as printed: one line when there is one problem; else the first line and one per problem
    (by line and column), as RegisterFileError lists them."""
    from gongkai.register.tabular import RegisterFileError

    if isinstance(exc, RegisterFileError) and exc.total == 1:
        return f"gongkai: {exc.path}: nothing imported: {exc.errors[0]}"
    return f"gongkai: {exc}"


def _kind_of(path: str) -> str:
    """What a register file holds, from its header row (InputError when it cannot be told)."""
    from gongkai.register.tabular import read_rows, recognise

    try:
        header = next(iter(read_rows(Path(path))), None)
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None
    if header is None:
        raise InputError(path, "the file has no header row")
    return recognise(header[1], path)[0].kind


def _ensure_agency(reg: Register, name: str, kind: str | None, user: str | None) -> None:
    from gongkai.register import store
    from gongkai.register.db import Agency

    with reg.sessions() as session:
        existing = session.scalar(store.active(Agency).where(Agency.name == name))
        known = existing.kind if existing else None
    if known is None:
        store.add_agency(reg, name, kind or "department", user=user)
        _say(f"added agency: {name} ({kind or 'department'})")
    elif kind and kind != known:
        _say(f"gongkai: {name}: the agency is a {known} in the register; --kind {kind} ignored")


def _import_one(reg: Register, path: str, agency: str, user: str | None) -> bool:
    from gongkai.register.tabular import import_file

    try:
        result = import_file(reg, path, agency, user=user)
    except InputError as exc:  # RegisterFileError too: every problem, by line and column
        _say(_file_problem(exc))
        return False
    except OSError as exc:
        _say(f"gongkai: {path}: {exc.strerror or exc}")
        return False
    _say(f"imported: {path}: {result.rows} {result.kind} (ids {result.ids or '—'})")
    if result.ignored_columns:
        _say(f"gongkai: {path}: columns not imported: {', '.join(result.ignored_columns)}")
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
        if agency:
            _ensure_agency(reg, agency, kind, user)
        name = _agency(reg, agency)
        for _, path in sorted(ordered, key=lambda item: item[0]):
            ok = _import_one(reg, path, name, user) and ok
        return EXIT_OK if ok else EXIT_INPUT

    return guarded(db, body)


def run_export(db: str | None, output: str, kind: str, agency: str | None) -> int:
    from gongkai.register.tabular import export_file

    if Path(output).suffix.lower() not in (".csv", ".xlsx"):
        _say(f"gongkai: {output}: cannot write {Path(output).suffix or 'files without a suffix'}; write .csv or .xlsx")
        return EXIT_INPUT

    def body(reg: Register, where: str) -> int:
        try:
            rows = export_file(reg, output, _agency(reg, agency), kind)
        except OSError as exc:
            raise Failure(output, exc.strerror or str(exc)) from None
        _say(f"written: {output} ({rows} {kind})")
        return EXIT_OK

    return guarded(db, body)


# ── report ──────────────────────────────────────────────────────────────────────────────────────────────────


def _notices(notices) -> None:
    for notice in notices:
        _say(f"{notice.severity:<7} {notice.message}")


def _print(report, flat: dict[str, Any], shape: str) -> None:
    if shape == "flat":
        click.echo(json.dumps(flat, ensure_ascii=False, indent=2))
    elif shape == "json":
        click.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2))
    else:
        from gongkai.writers.markdown import render_markdown

        click.echo(render_markdown(report))


def _write(result, output: str, force: bool, lang: str) -> int:
    """Write the report through the writers, after the checks every written report gets (as `gongkai build`)."""
    from gongkai.checks import has_errors, run_checks
    from gongkai.checks.catalogue import render
    from gongkai.commands.build import writer_for

    findings = run_checks(result.report)
    for finding in findings:
        item = render(finding, lang)
        _say(f"{item['severity']:<7} {item['code']}  {item['message']}")
    if (has_errors(findings) or result.has_errors) and not force:
        _say(f"gongkai: {output}: the report has errors; nothing written (use --force to write it anyway)")
        return EXIT_FINDINGS
    try:
        writer_for(output)(result.report, output)
    except OSError as exc:
        raise Failure(output, exc.strerror or str(exc)) from None
    _say(f"written: {output}")
    return EXIT_OK


def run_report(db: str | None, year: int, agency: str | None, shape: str, output: str | None, force: bool,
               prose: str | None, lang: str) -> int:
    if output:
        from gongkai.commands.build import writer_for

        try:
            writer_for(output)
        except click.UsageError as exc:
            _say(f"gongkai: {exc.message}")
            return EXIT_INPUT

    def body(reg: Register, where: str) -> int:
        from gongkai.register.report import build_report

        result = build_report(reg, _agency(reg, agency), year)
        if prose:
            from gongkai.serialized import add_prose

            add_prose(result.report, prose)
        _notices(result.notices)
        if output:
            return _write(result, output, force, lang)
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
    fields = [field for field, _ in explanation.columns]
    kind = "cases" if "filed" in fields else "documents"
    lines = [f"{explanation.label} {explanation.year} = {_value(explanation.value)}",
             f"condition: {explanation.condition}"]
    if explanation.closing:
        lines.append(f"{explanation.year} is closed ({explanation.closing}): the report says "
                     f"{_value(explanation.reported)}"
                     + ("" if explanation.reported == explanation.value else
                        f", the register now gives {_value(explanation.value)}"))
    lines.append("\t".join(header for _, header in explanation.columns))
    labels = _labels()
    for record in explanation.records:
        lines.append("\t".join(_shown(f, record.get(f), labels, kind) for f in fields))
    lines.append(f"{len(explanation.records)} record(s)")
    return lines


def _value(value: Any) -> str:
    return "blank" if value is None else str(value)


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
        from gongkai.register.closing import difference_text
        from gongkai.register.report import close_year

        name = _agency(reg, agency)
        result = close_year(reg, name, year, revise=revise, reason=reason, user=user)
        verb = "revised" if revise else "closed"
        _say(f"{verb}: {year} for {name}: version {result.version}, {result.carried_forward} application(s) "
             "carried forward")
        for change in result.changes:
            _say(f"  {describe(change['key'])}: {_value(change['before'])} → {_value(change['after'])}")
        if result.difference:
            _say(f"  carried forward: {difference_text(result.difference)}")
        return EXIT_OK

    return guarded(db, body)


# ── deadlines of the open applications ──────────────────────────────────────────────────────────────────────


def _due_text(item, lang: str) -> str:
    status = item.deadline.status.value
    if item.working_days_left is None:
        return {"awaiting_correction": "待补正", "awaiting_payment": "待缴费"}[status] if lang == "zh" else status
    days = item.working_days_left
    if lang == "en":
        return f"overdue by {-days} working day(s)" if days < 0 else f"{days} working day(s) left"
    return f"逾期 {-days} 个工作日" if days < 0 else f"剩 {days} 个工作日"


def run_deadlines(db: str | None, agency: str | None, overdue_only: bool, today: str | None, as_json: bool,
                  lang: str) -> int:
    """Open applications with their due dates; exit 1 when any is overdue (for a daily reminder job)."""
    def body(reg: Register, where: str) -> int:
        from gongkai.register.deadline import parse_date
        from gongkai.register.due import open_applications

        try:
            day = parse_date(today) if today else date.today()
        except ValueError as exc:
            raise Failure("--today", str(exc)) from None
        items = [a for a in open_applications(reg, _agency(reg, agency), day) if a.overdue or not overdue_only]
        for item in items:
            if as_json:
                click.echo(json.dumps(item.to_dict(), ensure_ascii=False))
                continue
            due = item.deadline.due.isoformat() if item.deadline.due else "—"
            mark = "*" if item.deadline.provisional else ""
            click.echo(f"{item.number}\t{item.received.isoformat()}\t{due}{mark}\t{_due_text(item, lang)}")
        if not as_json and any(i.deadline.provisional for i in items):
            _say("* provisional: a year the working-day calendar does not cover yet (plain weekdays)" if lang == "en"
                 else "* 暂定：日历尚未收录该年节假日安排，按周一至周五计算")
        return 1 if any(i.overdue for i in items) else 0

    return guarded(db, body)
