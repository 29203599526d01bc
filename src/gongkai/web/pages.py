"""The officer's pages: 工作台, 依申请公开 (list, form, timeline), 复议诉讼, 规章/规范性文件, 年度数据, 操作记录.

Each page reads through `gongkai.web.queries` (scoped to the agency of the desk) and writes through
`gongkai.web.changes`; a refused change shows the form again with every problem beside it.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from gongkai.register.db import Application, Case, Document
from gongkai.register.store import RecordInvalid, history
from gongkai.web import changes, queries
from gongkai.web import desk as desk_view
from gongkai.web.api import filters_of
from gongkai.web.auth import AGENCY_COOKIE, Desk, DeskDep, Visitor, VisitorDep, may_write, registry
from gongkai.web.render import render

router = APIRouter(include_in_schema=False)


def _form(form: Any, *names: str) -> dict[str, str]:
    return {name: str(form.get(name) or "").strip() for name in names}


def _problems(exc: RecordInvalid) -> list[tuple[str, str]]:
    return [(field, str(message)) for field, message in exc.problems]


def vocabularies() -> dict[str, Any]:
    """The controlled words a form offers: (key, label) pairs."""
    from gongkai.register.deadline import Channel
    from gongkai.register.outcomes import applicants, case_kinds, case_results, document_kinds, outcomes

    def pairs(vocabulary: Any) -> list[tuple[str, str]]:
        return [(key, vocabulary().label(key)) for key in vocabulary().keys]

    return {"applicants": pairs(applicants), "outcomes": pairs(outcomes), "case_kinds": pairs(case_kinds),
            "case_results": pairs(case_results), "document_kinds": pairs(document_kinds),
            "channels": [c.value for c in Channel]}


@router.get("/")
def desk_page(request: Request, desk: DeskDep) -> Response:
    reg, today = registry(request), date.today()
    due, waiting = desk_view.due_list(reg, desk.agency_id, today)
    report_years = [y for y in (today.year - 1, today.year)]
    from gongkai.web.collect import submissions_of

    return render(request, "desk.html", desk=desk, today=today, due=due, waiting=waiting,
                  counts=desk_view.year_counts(reg, desk.agency_id, today.year),
                  missing=[desk_view.missing(reg, desk.agency_id, y) for y in report_years],
                  submissions=submissions_of(reg, desk.agency_id))


@router.get("/switch")
def switch_agency(request: Request, agency: int, desk: DeskDep) -> Response:
    """A supervisor or an admin chooses the agency the pages show (remembered in a cookie)."""
    response = RedirectResponse(request.headers.get("referer") or "/", status_code=303)
    response.set_cookie(AGENCY_COOKIE, str(desk.agency_id), httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")
    return response


# ── applications ──────────────────────────────────────────────────────────────────────────────────────────────


@router.get("/applications")
def application_list(request: Request, desk: DeskDep, q: str = "", status: str = "", year: str = "",
                     applicant: str = "", outcome: str = "", page: int = 1) -> Response:
    year_value = int(year) if year.isdigit() else None
    filters = filters_of(q, status, year_value, applicant, outcome)
    rows, total = queries.applications(registry(request), desk.agency_id, filters, page)
    today = date.today()
    items = [(row, None if row.answered else queries.deadline(row, today)) for row in rows]
    args = {"q": q, "status": status, "year": year, "applicant": applicant, "outcome": outcome}
    pages = max((total + queries.PAGE_SIZE - 1) // queries.PAGE_SIZE, 1)
    return render(request, "applications.html", desk=desk, items=items, total=total, page=page, pages=pages,
                  args=args, query=urlencode({k: v for k, v in args.items() if v}), words=vocabularies(),
                  years=range(today.year, today.year - 6, -1))


@router.get("/applications/new")
def application_form(request: Request, desk: DeskDep) -> Response:
    return render(request, "application_form.html", desk=desk, values={"收到日期": date.today().isoformat()},
                  problems=[], words=vocabularies())


APPLICATION_FORM = ("编号", "收到日期", "渠道", "申请人类型", "申请人", "联系方式", "申请内容")


@router.post("/applications")
async def application_add(request: Request, who: VisitorDep, desk: DeskDep) -> Response:
    from starlette.concurrency import run_in_threadpool

    may_write(who.account)
    values = _form(await request.form(), *APPLICATION_FORM)
    data = {k: v for k, v in values.items() if v}
    try:
        record_id = await run_in_threadpool(changes.add_application, registry(request), desk.agency_id, data,
                                            who.account.name)
    except RecordInvalid as exc:
        return render(request, "application_form.html", status=422, desk=desk, values=values,
                      problems=_problems(exc), words=vocabularies())
    return RedirectResponse(f"/applications/{record_id}", status_code=303)


def _extended_on(reg: Any, record_id: int) -> date | None:
    entries = [e for e in history(reg, Application, record_id) if e.field == "extended" and e.after == "true"]
    return entries[-1].at.date() if entries else None


def _detail(request: Request, desk: Desk, record_id: int, status: int = 200, **extra: Any) -> Response:
    reg = registry(request)
    row = queries.application(reg, record_id, desk.agency_ids)
    today = date.today()
    deadline, days = queries.deadline(row, today)
    return render(request, "application.html", status=status, desk=desk, row=row,
                  data=queries.application_json(row, today), deadline=deadline, days=days,
                  timeline=changes.timeline(row, _extended_on(reg, record_id)), events=changes.EVENTS,
                  words=vocabularies(), today=today, **({"problems": [], "event_values": {}} | extra))


@router.get("/applications/{record_id}")
def application_page(request: Request, record_id: int, desk: DeskDep) -> Response:
    return _detail(request, desk, record_id)


@router.post("/applications/{record_id}/events")
async def application_event(request: Request, record_id: int, who: VisitorDep, desk: DeskDep) -> Response:
    from starlette.concurrency import run_in_threadpool

    may_write(who.account)
    form = await request.form()
    values = _form(form, "事件", "日期", "办理结果", "收费", "理由", "version")
    reg = registry(request)
    await run_in_threadpool(queries.application, reg, record_id, desk.agency_ids)
    version = int(values["version"]) if values["version"].isdigit() else None
    try:
        await run_in_threadpool(changes.record_event, reg, record_id, values, who.account.name, version)
    except RecordInvalid as exc:
        problems = _problems(exc)
        return await run_in_threadpool(lambda: _detail(request, desk, record_id, 422, problems=problems,
                                                       event_values=values))
    return RedirectResponse(f"/applications/{record_id}", status_code=303)


@router.get("/applications/{record_id}/letters/{kind}.docx")
def application_letter(request: Request, record_id: int, kind: str, desk: DeskDep) -> Response:
    """The Word file of one letter of an application (答复书, 补正告知书, …)."""
    from gongkai.web.letters import letter_response

    row = queries.application(registry(request), record_id, desk.agency_ids)
    return letter_response(request, desk, row, kind)


# ── cases and documents ───────────────────────────────────────────────────────────────────────────────────────

RECORD_FORMS = {
    "cases": (Case, ("编号", "类型", "立案日期", "结果", "审结日期", "关联申请")),
    "documents": (Document, ("类型", "文号", "标题", "发布日期", "废止日期")),
}


def _record_page(request: Request, desk: Desk, kind: str, status: int = 200, values: dict | None = None,
                 problems: list | None = None) -> Response:
    from gongkai.web.api import _records

    model, fields = RECORD_FORMS[kind]
    return render(request, "records.html", status=status, desk=desk, kind=kind, fields=fields,
                  rows=_records(request, model, desk), values=values or {}, problems=problems or [],
                  words=vocabularies())


@router.get("/cases")
def cases_page(request: Request, desk: DeskDep) -> Response:
    return _record_page(request, desk, "cases")


@router.get("/documents")
def documents_page(request: Request, desk: DeskDep) -> Response:
    return _record_page(request, desk, "documents")


async def _record_add(request: Request, kind: str, who: Visitor, desk: Desk) -> Response:
    from starlette.concurrency import run_in_threadpool

    may_write(who.account)
    model, fields = RECORD_FORMS[kind]
    values = _form(await request.form(), *fields)
    data = {k: v for k, v in values.items() if v}
    try:
        await run_in_threadpool(changes.add_record, registry(request), queries.SHEET_OF[model], desk.agency_id, data,
                                who.account.name)
    except RecordInvalid as exc:
        return await run_in_threadpool(_record_page, request, desk, kind, 422, values, _problems(exc))
    return RedirectResponse(f"/{kind}", status_code=303)


@router.post("/cases")
async def case_add(request: Request, who: VisitorDep, desk: DeskDep) -> Response:
    return await _record_add(request, "cases", who, desk)


@router.post("/documents")
async def document_add(request: Request, who: VisitorDep, desk: DeskDep) -> Response:
    return await _record_add(request, "documents", who, desk)


# ── table 二's yearly counts ──────────────────────────────────────────────────────────────────────────────────


def count_rows(year_values: dict[str, Any]) -> list[tuple[str, list[tuple[str, str, str, Any]]]]:
    """Table 二's entered cells of the newest format, block by block:
    (article, [(key, row label, column label, value)])."""
    from gongkai.formats import get_format
    from gongkai.register.outcomes import yearly_count_keys
    from gongkai.register.report import format_id

    fmt, wanted = get_format(format_id()), yearly_count_keys()
    spec = fmt.table(2)
    out = []
    for block in fmt.table2:
        rows = {r.key: r.label for r in block.rows}
        columns = {c.key: c.label for c in block.columns}
        cells = []
        for key in fmt.table2_keys():
            row, col = spec.split(key)[:2]  # type: ignore[index]
            if key in wanted and row in rows and col in columns:
                cells.append((key, rows[row], columns[col], year_values.get(key)))
        if cells:
            out.append((block.article, cells))
    return out


@router.get("/counts")
def counts_page(request: Request, desk: DeskDep, year: int | None = None) -> Response:
    year = year or date.today().year
    values = queries.yearly_counts(registry(request), desk.agency_id, year)
    shown = {key: format(value.normalize(), "f") for key, value in values.items()}
    return render(request, "counts.html", desk=desk, year=year, blocks=count_rows(shown), problems=[],
                  years=range(date.today().year, date.today().year - 6, -1))


@router.post("/counts")
async def counts_save(request: Request, who: VisitorDep, desk: DeskDep) -> Response:
    from starlette.concurrency import run_in_threadpool

    from gongkai.register.outcomes import yearly_count_keys
    from gongkai.web.api import number_of

    may_write(who.account)
    form = await request.form()
    year = int(str(form.get("year") or date.today().year))
    current = queries.yearly_counts(registry(request), desk.agency_id, year)
    try:
        for key in yearly_count_keys():
            text = str(form.get(key) or "").strip()
            if text and (key not in current or number_of(key, text) != current[key]):
                from gongkai.register.store import set_yearly_count

                await run_in_threadpool(set_yearly_count, registry(request), desk.agency, year, key,
                                        number_of(key, text), user=who.account.name)
    except RecordInvalid as exc:
        shown = {key: str(form.get(key) or "") for key in yearly_count_keys()}
        return render(request, "counts.html", status=422, desk=desk, year=year, blocks=count_rows(shown),
                      problems=_problems(exc), years=range(date.today().year, date.today().year - 6, -1))
    return RedirectResponse(f"/counts?year={year}&saved=1", status_code=303)


# ── the audit log ─────────────────────────────────────────────────────────────────────────────────────────────


@router.get("/audit")
def audit_page(request: Request, desk: DeskDep, table: str = "", user: str = "", action: str = "", record: str = "",
               page: int = 1) -> Response:
    filters = queries.AuditFilters(table, user.strip(), action, int(record) if record.isdigit() else None)
    rows, total = queries.audit(registry(request), desk.agency_id, filters, page)
    args = {"table": table, "user": user, "action": action, "record": record}
    return render(request, "audit.html", desk=desk, rows=rows, total=total, page=page, args=args,
                  pages=max((total + queries.PAGE_SIZE - 1) // queries.PAGE_SIZE, 1),
                  query=urlencode({k: v for k, v in args.items() if v}),
                  tables=("applications", "cases", "documents", "yearly_counts", "report_texts", "submissions"),
                  actions=("create", "update", "withdraw", "import"))

