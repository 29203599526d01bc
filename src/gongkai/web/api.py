"""The JSON API under /api/ (OpenAPI at /openapi.json): the same reads and writes as the pages.

Fields are the import file's column names (see `gongkai.web.queries`). A supervisor or an admin chooses the
agency with `?agency=ID`; an officer always works on their own. A record of an agency the person may not see is
404. Writes need a page session's form token (`X-CSRF-Token`) or a bearer token.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse, Response

from gongkai.i18n import Message
from gongkai.register.db import Application
from gongkai.register.store import RecordInvalid
from gongkai.web import changes, queries
from gongkai.web.auth import Desk, DeskDep, Visitor, VisitorDep, may_write, registry

router = APIRouter(prefix="/api")
MAX_PAGE = 1000


def _resolve(vocabulary: Any, text: str) -> str:
    """A filter value given as key or label; an unknown one matches nothing (it stays as given)."""
    return (vocabulary().resolve(text) or text) if text else ""


def filters_of(q: str, status: str, year: int | None, applicant: str, outcome: str) -> queries.Filters:
    from gongkai.register.outcomes import applicants, outcomes

    return queries.Filters(q.strip(), status, year, _resolve(applicants, applicant), _resolve(outcomes, outcome))


@router.get("/applications", tags=["applications"])
def list_applications(request: Request, desk: DeskDep, open: bool = False, q: str = "", status: str = "",
                      year: int | None = None, applicant: str = "", outcome: str = "", page: int = 1,
                      size: int = queries.PAGE_SIZE) -> dict[str, Any]:
    """An agency's applications, newest first; `open=true`: only those not answered, with their deadlines."""
    filters = filters_of(q, "open" if open else status, year, applicant, outcome)
    rows, total = queries.applications(registry(request), desk.agency_id, filters, page, min(max(size, 1), MAX_PAGE))
    today = date.today()
    return {"total": total, "page": page, "items": [queries.application_json(row, today) for row in rows]}


@router.post("/applications", status_code=201, tags=["applications"])
def add_application(request: Request, data: Annotated[dict[str, Any], Body()], who: VisitorDep,
                    desk: DeskDep) -> dict[str, Any]:
    """Register an application from its import-file fields (编号 generated when not given)."""
    may_write(who.account)
    reg = registry(request)
    record_id = changes.add_application(reg, desk.agency_id, data, who.account.name)
    return queries.application_json(queries.application(reg, record_id, desk.agency_ids), date.today())


@router.get("/applications/{record_id}", tags=["applications"])
def get_application(request: Request, record_id: int, desk: DeskDep) -> dict[str, Any]:
    row = queries.application(registry(request), record_id, desk.agency_ids)
    return queries.application_json(row, date.today())


@router.get("/applications/{record_id}/deadline", tags=["applications"])
def get_deadline(request: Request, record_id: int, desk: DeskDep) -> dict[str, Any]:
    """The answer deadline with its trace, as `gongkai deadline --json` gives it."""
    row = queries.application(registry(request), record_id, desk.agency_ids)
    deadline, days = queries.deadline(row, date.today())
    return {**deadline.to_dict(), "working_days_left": days}


@router.post("/applications/{record_id}/events", tags=["applications"])
def add_event(request: Request, record_id: int, data: Annotated[dict[str, Any], Body()], who: VisitorDep,
              desk: DeskDep) -> dict[str, Any]:
    """Record an event: {"事件": "延期", "理由": …}, {"事件": "答复", "日期": …, "办理结果": …}, …
    (`version` given: refused with 409 when the application changed since)."""
    may_write(who.account)
    reg = registry(request)
    queries.application(reg, record_id, desk.agency_ids)  # 404 before anything else
    version = data.get("version")
    changes.record_event(reg, record_id, data, who.account.name,
                         expected_version=int(version) if isinstance(version, int | str) and str(version).isdigit()
                         else None)
    return queries.application_json(queries.application(reg, record_id, desk.agency_ids), date.today())


# ── cases and documents ───────────────────────────────────────────────────────────────────────────────────────


def _records(request: Request, model: type, desk: Desk) -> list[dict[str, Any]]:
    sheet = queries.SHEET_OF[model]
    reg = registry(request)
    numbers = _application_numbers(reg, desk.agency_id) if model.__tablename__ == "cases" else {}
    return [queries.record_json(sheet, row, {"application_number": numbers.get(getattr(row, "application_id", 0))})
            for row in queries.records(reg, model, desk.agency_id)]


def _application_numbers(reg: Any, agency: int) -> dict[int, str]:
    from gongkai.register import store

    with reg.sessions() as session:
        return {record_id: number for number, record_id in store.active_numbers(session, Application, agency).items()}


def _add(request: Request, model: type, data: dict[str, Any], who: Visitor, desk: Desk) -> dict[str, Any]:
    may_write(who.account)
    reg = registry(request)
    record_id = changes.add_record(reg, queries.SHEET_OF[model], desk.agency_id, data, who.account.name)
    return next(r for r in _records(request, model, desk) if r["id"] == record_id)


@router.get("/cases", tags=["cases"])
def list_cases(request: Request, desk: DeskDep) -> list[dict[str, Any]]:
    from gongkai.register.db import Case

    return _records(request, Case, desk)


@router.post("/cases", status_code=201, tags=["cases"])
def add_case(request: Request, data: Annotated[dict[str, Any], Body()], who: VisitorDep,
             desk: DeskDep) -> dict[str, Any]:
    from gongkai.register.db import Case

    return _add(request, Case, data, who, desk)


@router.get("/documents", tags=["documents"])
def list_documents(request: Request, desk: DeskDep) -> list[dict[str, Any]]:
    from gongkai.register.db import Document

    return _records(request, Document, desk)


@router.post("/documents", status_code=201, tags=["documents"])
def add_document(request: Request, data: Annotated[dict[str, Any], Body()], who: VisitorDep,
                 desk: DeskDep) -> dict[str, Any]:
    from gongkai.register.db import Document

    return _add(request, Document, data, who, desk)


# ── table 二's yearly counts ──────────────────────────────────────────────────────────────────────────────────


@router.get("/counts/{year}", tags=["counts"])
def get_counts(request: Request, year: int, desk: DeskDep) -> dict[str, Any]:
    """The yearly counts of table 二 entered for a year, by cell key."""
    values = queries.yearly_counts(registry(request), desk.agency_id, year)
    return {key: format(value.normalize(), "f") for key, value in values.items()}


def number_of(key: str, value: Any) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise RecordInvalid("yearly_counts", [(key, Message("web.error.not_a_number", value=value))]) from None
    if not number.is_finite() or number < 0:
        raise RecordInvalid("yearly_counts", [(key, Message("web.error.not_a_number", value=value))])
    return number


@router.put("/counts/{year}", tags=["counts"])
def put_counts(request: Request, year: int, data: Annotated[dict[str, Any], Body()], who: VisitorDep,
               desk: DeskDep) -> dict[str, Any]:
    """Set yearly counts of table 二: {"proactive.licensing.decisions": 12, …} (audited)."""
    from gongkai.register.store import set_yearly_count

    may_write(who.account)
    for key, value in data.items():
        set_yearly_count(registry(request), desk.agency, year, key, number_of(key, value), user=who.account.name)
    return get_counts(request, year, desk)


# ── the year's report ─────────────────────────────────────────────────────────────────────────────────────────


@router.get("/reports/{year}.{kind}", tags=["reports"])
def report_file(request: Request, year: int, kind: str, desk: DeskDep) -> Response:
    """The year's report as Word (.docx) or PDF (.pdf), with the prose written in the pages."""
    from gongkai.web.render import MEDIA, attachment
    from gongkai.web.yearly import REPORT_KINDS, file_name, report_bytes, year_report

    if kind not in REPORT_KINDS:
        return JSONResponse({"detail": str(Message("web.error.not_found"))}, status_code=404)
    built = year_report(registry(request), desk.agency, desk.agency_id, year, checked=False)
    return attachment(report_bytes(built.report, kind), file_name(desk.agency, year, kind), MEDIA[kind])


@router.get("/reports/{year}", tags=["reports"])
def report_flat(request: Request, year: int, desk: DeskDep) -> dict[str, Any]:
    """The flat cell data of the year's report, as `gongkai register report --flat` gives it."""
    from gongkai.register.report import build_report

    return build_report(registry(request), desk.agency, year).flat


@router.get("/reports/{year}/cells/{key}", tags=["reports"])
def explain_cell(request: Request, year: int, key: str, desk: DeskDep) -> dict[str, Any]:
    """The records behind one cell, as `gongkai register explain --json` gives them."""
    from gongkai.web.reports import explanation_json

    return explanation_json(registry(request), desk.agency, year, key)


# ── the audit log ─────────────────────────────────────────────────────────────────────────────────────────────


@router.get("/audit", tags=["audit"])
def audit_log(request: Request, desk: DeskDep, table: str = "", user: str = "", action: str = "",
              record: int | None = None, page: int = 1) -> dict[str, Any]:
    rows, total = queries.audit(registry(request), desk.agency_id, queries.AuditFilters(table, user, action, record),
                                page)
    return {"total": total, "page": page, "items": [
        {"at": row.at.isoformat(), "user": row.user_name, "action": row.action, "table": row.table_name,
         "record": row.record_id, "field": row.field, "before": row.before, "after": row.after} for row in rows]}
