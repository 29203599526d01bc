"""收集 and 审核: the supervising office's board of a year's reports, uploads (files, many files, a zip), the review
of one submitted version, and the officer's side (报送 from the register, a corrected report, the 问题清单).

A thin layer over `gongkai.register.submissions`: files are read once at upload in a guarded worker
(`pool.read_guarded`), matched to an agency of the person's scope, and stored; every page afterwards reads what was
stored. Every query takes the agencies the person may see (`accounts.scope`): outside them is 404.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from gongkai.i18n import Message, t
from gongkai.register import submissions as subs
from gongkai.register.accounts import Account, scope
from gongkai.register.db import Agency, Region, Register, Role, User
from gongkai.register.store import NotFound, RegisterError
from gongkai.web.app import wants_json
from gongkai.web.auth import DeskDep, Forbidden, VisitorDep, may_write, registry
from gongkai.web.files import too_large, upload_form, write_upload
from gongkai.web.render import MEDIA, attachment, render, render_error

router = APIRouter(include_in_schema=False)


def may_review(account: Account) -> None:
    """The office's work (board, uploads, decisions) is a supervisor's or an admin's."""
    if account.role == Role.OFFICER:
        raise Forbidden(Message("collect.web.office_only"))


def _allowed(reg: Register, account: Account) -> set[int] | None:
    with reg.sessions() as session:
        return scope(session, account)


# ── the board ──────────────────────────────────────────────────────────────────────────────────────────────


def default_year(today: date) -> int:
    """Reports of year Y are collected in Y+1: the board opens on last year."""
    return today.year - 1


def board(reg: Register, account: Account, year: int, today: date) -> list[dict[str, Any]]:
    """Every agency the person oversees with its latest version of `year`, its due date and timeliness."""
    with reg.sessions() as session:
        if account.role == Role.ADMIN:
            rows = subs.latest_versions(session, year, every=True, with_flat=False)
        else:
            rows = subs.latest_versions(session, year, regions=[account.region_id] if account.region_id else [],
                                        with_flat=False)
    return [{"row": row, "due": subs.due_date(year, row.kind), "when": subs.timeliness(row, year, today)}
            for row in rows]


def _counts(items: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {state.value: 0 for state in subs.State}
    for item in items:
        counts[item["row"].state.value] += 1
    counts["late"] = sum(1 for item in items if item["when"] == "late")
    return counts


def _board_page(request: Request, account: Account, year: int, results: list[dict[str, Any]] | None = None,
                problem: str | None = None, status: int = 200) -> Response:
    today = date.today()
    items = board(registry(request), account, year, today)
    return render(request, "collect_board.html", status=status, year=year, items=items, counts=_counts(items),
                  results=results or [], problem=problem, today=today,
                  years=range(today.year, today.year - 8, -1))


@router.get("/collect")
def board_page(request: Request, who: VisitorDep, year: int | None = None) -> Response:
    may_review(who.account)
    return _board_page(request, who.account, year or default_year(date.today()))


# ── uploads ────────────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class Outcome:
    """What became of one uploaded file (or zip member): stored as a version, or why not."""

    file: str
    agency: str | None = None
    year: int | None = None
    state: str | None = None
    version: int | None = None
    submission_id: int | None = None
    problem: str | None = None

    def shown(self) -> dict[str, Any]:
        out = dict(vars(self))
        out["state_label"] = t(f"collect.state.{self.state}") if self.state else None
        out["label"] = (t("collect.web.problem_line", file=self.file, problem=self.problem) if self.problem else
                        t("collect.web.result_line", file=self.file, agency=self.agency, year=self.year,
                          state=out["state_label"], version=t("collect.web.version", version=self.version)))
        return out


def _read(path: Path) -> subs.Read:
    """Read and check in a guarded worker (time and memory limits: a scan read by OCR may take minutes)."""
    from gongkai.pool import read_guarded

    result = read_guarded(subs.read_submission, str(path))
    return result.value if result.value is not None else subs.Read(error=result.error)


def store_file(reg: Register, path: Path, shown_name: str, agencies: dict[int, str], aliases: Any,
               who: str, source: str = subs.Source.UPLOAD) -> Outcome:
    """One file: read, matched among `agencies`, stored as the next version of its agency's year."""
    problem = subs.not_a_report(shown_name)
    if problem is not None:
        return Outcome(shown_name, problem=str(problem))
    read = _read(path).shown_as(str(path), shown_name)
    found = subs.match(read, agencies, aliases)
    if found.agency_id is None:
        return Outcome(shown_name, year=found.year, problem=str(found.problem))
    try:
        submission = subs.submit(reg, found.agency_id, read, shown_name, path.read_bytes(), source=source, user=who)
    except RegisterError as exc:
        return Outcome(shown_name, agencies[found.agency_id], found.year, problem=str(exc))
    with reg.sessions() as session:
        row = subs.get(session, submission, None)
        return Outcome(shown_name, agencies[found.agency_id], row.year, row.state, row.version, row.id)


def store_upload(reg: Register, path: Path, shown_name: str, agencies: dict[int, str], aliases: Any, who: str
                 ) -> list[Outcome]:
    """A file, or every member of a zip (each listed, taken or not)."""
    from gongkai.errors import InputError

    if not shown_name.lower().endswith(".zip"):
        return [store_file(reg, path, shown_name, agencies, aliases, who)]
    folder = path.parent / f"{path.name}.members"
    folder.mkdir()
    try:
        members = subs.unpack(path, folder)
    except InputError as exc:
        return [Outcome(shown_name, problem=str(exc).replace(str(path), shown_name))]
    return [store_file(reg, member, f"{shown_name}/{name}", agencies, aliases, who) if member is not None
            else Outcome(f"{shown_name}/{name}", problem=str(problem)) for name, member, problem in members]


async def _saved(request: Request, folder: Path) -> tuple[list[tuple[str, Path]], str | None]:
    """The uploaded files written to `folder` (names kept for the list), or the problem with the upload."""
    saved: list[tuple[str, Path]] = []
    used = 0  # the bytes of the files before (the limit is the request's)
    for index, upload in enumerate((await upload_form(request)).getlist("files")):
        if isinstance(upload, str) or not upload.filename:
            continue
        name = Path(upload.filename).name
        path = folder / f"{index:04d}{Path(name).suffix.lower()}"
        written = await write_upload(request, upload, path, used)
        if written is None:
            return [], too_large(request)
        used = written
        saved.append((name, path))
    return saved, None if saved else t("collect.web.no_file")


def _aliases(saved: list[tuple[str, Path]]) -> tuple[Any, list[tuple[str, Path]], list[Outcome]]:
    """An agencies.csv among the files gives the aliases (names that changed); the rest are reports."""
    from gongkai.errors import InputError
    from gongkai.supervision.agencies import Aliases, read_aliases

    aliases, rest, problems = Aliases(), [], []
    for name, path in saved:
        if not name.lower().endswith(".csv"):
            rest.append((name, path))
            continue
        try:
            aliases.names.update(read_aliases(path).names)
        except InputError as exc:
            problems.append(Outcome(name, problem=str(exc).replace(str(path), name)))
    return aliases, rest, problems


def _names(reg: Register, account: Account) -> dict[int, str]:
    """The agencies the person may submit for, id → name."""
    with reg.sessions() as session:
        allowed = scope(session, account)
        query = select(Agency.id, Agency.name).where(Agency.withdrawn_at.is_(None))
        if allowed is not None:
            query = query.where(Agency.id.in_(allowed))
        return {row.id: row.name for row in session.execute(query)}


def _upload_all(reg: Register, account: Account, saved: list[tuple[str, Path]]) -> list[Outcome]:
    aliases, reports, outcomes = _aliases(saved)
    agencies = _names(reg, account)
    for name, path in reports:
        outcomes += store_upload(reg, path, name, agencies, aliases, account.name)
    return outcomes


async def _upload(request: Request, account: Account) -> tuple[list[Outcome], str | None]:
    with tempfile.TemporaryDirectory(prefix="gongkai-collect-") as folder:
        saved, problem = await _saved(request, Path(folder))
        if problem:
            return [], problem
        return await run_in_threadpool(_upload_all, registry(request), account, saved), None


def _year_of(outcomes: list[Outcome], fallback: int) -> int:
    years = [o.year for o in outcomes if o.year and o.problem is None]
    return max(set(years), key=years.count) if years else fallback


@router.post("/collect/upload")
async def upload(request: Request, who: VisitorDep) -> Response:
    """Files (one, many, a zip; an agencies.csv of aliases among them): each listed with what became of it."""
    may_review(who.account)
    outcomes, problem = await _upload(request, who.account)
    if wants_json(request):
        return JSONResponse({"results": [o.shown() for o in outcomes], "problem": problem},
                            status_code=400 if problem else 200)
    year = _year_of(outcomes, default_year(date.today()))
    return _board_page(request, who.account, year, [o.shown() for o in outcomes], problem, 400 if problem else 200)


# ── review ─────────────────────────────────────────────────────────────────────────────────────────────────


def _review_context(reg: Register, account: Account, submission: int) -> dict[str, Any]:
    """One version (NotFound outside the person's scope) with its tables, findings, decisions and history."""
    from gongkai.checks.catalogue import render as render_finding
    from gongkai.supervision.cells import label
    from gongkai.web.reports import tables_html

    with reg.sessions() as session:
        allowed = scope(session, account)
        row = subs.get(session, submission, allowed)
        agency = session.get(Agency, row.agency_id)
        decided = subs.decisions(session, row.id, allowed)
        versions = subs.history(session, row.agency_id, row.year, allowed)
    report = _report(row)
    template = report.meta.template
    findings = [{"index": i, **render_finding(f), "cells_shown": [label(k, template) for k in f.cells[:3]],
                 "decision": decided.get(i)} for i, f in enumerate(subs.findings_of(row.findings))]
    return {"sub": row, "agency": agency, "tables": tables_html(report), "findings": findings, "versions": versions,
            "latest": versions[0].id == row.id, "confirmed": sum(1 for d in decided.values() if d.decision ==
                                                                  subs.Decision.CONFIRMED),
            "sections": [(s.number, s.heading) for s in report.sections]}


def _report(row: Any) -> Any:
    from gongkai.serialized import report_from_flat

    flat = json.loads(row.flat)
    return report_from_flat(flat, row.file_name, json.loads(row.prose))


@router.get("/collect/{submission}")
def review_page(request: Request, who: VisitorDep, submission: int) -> Response:
    """审核 (an officer sees their own agency's versions here, without the office's actions)."""
    context = _review_context(registry(request), who.account, submission)
    return render(request, "collect_review.html", reviewer=who.account.role != Role.OFFICER, **context)


def _act(request: Request, account: Account, submission: int, action: Any, *args: Any) -> Response:
    may_review(account)
    reg = registry(request)
    try:
        action(reg, submission, *args, _allowed(reg, account), user=account.name)
    except subs.SubmissionError as exc:
        context = _review_context(reg, account, submission)
        return render(request, "collect_review.html", status=409, reviewer=True, message=str(exc), **context)
    return RedirectResponse(f"/collect/{submission}", status_code=303)


@router.post("/collect/{submission}/findings/{finding}")
async def decide(request: Request, who: VisitorDep, submission: int, finding: int) -> Response:
    form = await request.form()
    decision = str(form.get("decision") or "")
    if decision not in set(subs.Decision):
        raise NotFound(Message("web.error.not_found"))
    note = str(form.get("note") or "").strip() or None
    return _act(request, who.account, submission, subs.decide, finding, decision, note)


@router.post("/collect/{submission}/return")
async def return_report(request: Request, who: VisitorDep, submission: int) -> Response:
    form = await request.form()
    return _act(request, who.account, submission, subs.return_report, str(form.get("note") or ""))


@router.post("/collect/{submission}/accept")
def accept(request: Request, who: VisitorDep, submission: int) -> Response:
    return _act(request, who.account, submission, subs.accept)


@router.post("/collect/{submission}/publish")
def publish(request: Request, who: VisitorDep, submission: int) -> Response:
    return _act(request, who.account, submission, subs.publish)


# ── downloads ──────────────────────────────────────────────────────────────────────────────────────────────


@router.get("/collect/{submission}/file")
def original_file(request: Request, who: VisitorDep, submission: int) -> Response:
    """The file as it was received."""
    reg = registry(request)
    with reg.sessions() as session:
        row = subs.get(session, submission, scope(session, who.account), with_file=True)
        content, name = row.content, row.file_name.rsplit("/", 1)[-1]
    return attachment(content, name, "application/octet-stream")


def returned_of(reg: Register, account: Account, submission: int) -> Any:
    """The 问题清单 of a version: its confirmed findings, the note, the office that signs."""
    from gongkai.supervision.problem_list import Returned

    with reg.sessions() as session:
        allowed = scope(session, account)
        row = subs.get(session, submission, allowed)
        agency = session.get(Agency, row.agency_id)
        decided = subs.decisions(session, row.id, allowed)
        region = _signing_region(session, row.decided_by) or _region_name(session, agency.region_id)
    findings = [f for i, f in enumerate(subs.findings_of(row.findings))
                if i in decided and decided[i].decision == subs.Decision.CONFIRMED]
    flat = json.loads(row.flat)
    meta = {"year": row.year, "agency": agency.name, "template": flat.get("meta.template"),
            "published": flat.get("meta.published"), "kind": agency.kind}
    office = t("collect.problems.office", lang="zh", region=region) if region else ""
    day = (row.decided_at or row.uploaded_at).date()
    return Returned(agency.name, row.year, row.version, row.file_name, meta, row.note, findings, office, day)


def _signing_region(session: Any, decided_by: str | None) -> str | None:
    """The region of the supervisor who returned the report: their office signs the 问题清单 (a county's office
    returning a report signs as the county, not as the city above it)."""
    if not decided_by:
        return None
    region_id = session.scalar(select(User.region_id).where(User.name == decided_by, User.withdrawn_at.is_(None)))
    return session.get(Region, region_id).name if region_id is not None else None


def _region_name(session: Any, region_id: int | None) -> str | None:
    """The top of the agency's region tree: the office that oversees it (the county's or city's)."""
    name = None
    while region_id is not None:
        region = session.get(Region, region_id)
        name, region_id = region.name, region.parent_id
    return name


@router.get("/collect/{submission}/problems.{kind}")
def problems(request: Request, who: VisitorDep, submission: int, kind: str) -> Response:
    """问题清单 as Excel or Word, for the office and for the agency's officer."""
    from gongkai.supervision.problem_list import docx_bytes, xlsx_bytes

    if kind not in ("xlsx", "docx"):
        raise NotFound(Message("web.error.not_found"))
    returned = returned_of(registry(request), who.account, submission)
    content = xlsx_bytes(returned) if kind == "xlsx" else docx_bytes(returned)
    name = t("collect.problems.file_name", agency=returned.agency, year=returned.year, version=returned.version)
    name += f".{kind}"
    return attachment(content, name, MEDIA[kind])


# ── the officer's side ─────────────────────────────────────────────────────────────────────────────────────


def submissions_of(reg: Register, agency: int) -> list[Any]:
    """The agency's latest version of each year (its 工作台 lists them, returns first)."""
    with reg.sessions() as session:
        rows = subs.of_agency(session, agency)
    return sorted(rows, key=lambda r: (r.state != subs.State.RETURNED, -r.year))


@router.post("/collect/resubmit")
async def resubmit(request: Request, who: VisitorDep, desk: DeskDep) -> Response:
    """An officer's corrected report: a new version of their own agency's year (matched to their agency only)."""
    may_write(who.account)
    with tempfile.TemporaryDirectory(prefix="gongkai-collect-") as folder:
        saved, problem = await _saved(request, Path(folder))
        agencies = {desk.agency_id: desk.agency}
        outcomes = [] if problem else await run_in_threadpool(
            lambda: [o for name, path in saved for o in store_upload(registry(request), path, name, agencies, None,
                                                                     who.account.name)])
    failed = problem or next((o.problem for o in outcomes if o.problem), None)
    if failed:
        return render_error(request, 422, failed)
    return RedirectResponse(f"/collect/{outcomes[0].submission_id}", status_code=303)


def register_submission(reg: Register, agency: int, agency_name: str, year: int, who: str) -> Outcome:
    """The report counted from the register (its closed version if closed), with its prose, submitted as a JSON
    file of flat data — the file gongkai reads back through the same code as an upload."""
    from gongkai.web.yearly import file_name, year_report

    built = year_report(reg, agency_name, agency, year, checked=False)
    flat = dict(built.result.flat)
    flat["meta.kind"] = built.report.meta.kind
    flat["prose"] = {str(s.number): s.text for s in built.report.sections if s.text}
    name = file_name(agency_name, year, "json")
    with tempfile.TemporaryDirectory(prefix="gongkai-collect-") as folder:
        path = Path(folder) / "report.json"
        path.write_text(json.dumps(flat, ensure_ascii=False, indent=1), encoding="utf-8")
        return store_file(reg, path, name, {agency: agency_name}, None, who, subs.Source.REGISTER)


@router.post("/report/submit")
async def submit_from_register(request: Request, who: VisitorDep, desk: DeskDep) -> Response:
    """报送: the 年度报告 page sends the register's report of the year to the office."""
    may_write(who.account)
    form = await request.form()
    text = str(form.get("year") or "").strip()
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        return render_error(request, 422, t("collect.web.bad_year", year=text))
    year = int(text)
    outcome = await run_in_threadpool(register_submission, registry(request), desk.agency_id, desk.agency, year,
                                      who.account.name)
    if outcome.problem:
        return render_error(request, 422, outcome.problem)
    return RedirectResponse(f"/collect/{outcome.submission_id}", status_code=303)
