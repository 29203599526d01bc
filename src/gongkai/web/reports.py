"""The 年度报告 page: the year's three tables counted from the register (cells clickable: the records behind
each), the findings of the checks, the six sections' prose edited in place, downloads as Word or PDF, closing the
year and its earlier versions with what changed between them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from gongkai.register.db import Register
from gongkai.register.store import RegisterError
from gongkai.web.auth import Desk, DeskDep, VisitorDep, may_write, registry
from gongkai.web.render import render
from gongkai.web.yearly import SECTIONS, prose, save_prose, year_report

router = APIRouter(include_in_schema=False)


def tables_html(report: Any) -> dict[int, Markup]:
    """Each section's table as the HTML writer renders it (every number cell carries its key: data-key)."""
    from gongkai.layout import layouts_by_section
    from gongkai.writers.html import render_table

    return {number: Markup(render_table(layout)) for number, layout in layouts_by_section(report).items()}


def findings_of(findings: list[Any]) -> list[dict[str, Any]]:
    from gongkai.checks.catalogue import render as render_finding

    return [render_finding(finding) for finding in findings]


def versions(reg: Register, agency: int, year: int) -> list[dict[str, Any]]:
    """The closed versions of a year, the newest first, each with the cells it changed."""
    from gongkai.formats.naming import describe
    from gongkai.register.closing import closing_history, shown_value

    with reg.sessions() as session:
        rows = closing_history(session, agency, year)
    out = []
    for row in rows:
        changes = json.loads(row.changes) if row.changes else {}
        cells = [(describe(c["key"]), str(shown_value(c["before"])), str(shown_value(c["after"])))
                 for c in changes.get("cells", [])]
        out.append({"version": row.version, "by": row.closed_by, "at": row.closed_at, "reason": row.reason,
                    "cells": cells})
    return sorted(out, key=lambda v: -v["version"])


@router.get("/report")
def report_page(request: Request, desk: DeskDep, year: int | None = None) -> Response:
    return _page(request, desk, year or date.today().year)


def _page(request: Request, desk: Desk, year: int, status: int = 200, message: str | None = None) -> Response:
    reg = registry(request)
    built = year_report(reg, desk.agency, desk.agency_id, year)
    texts = prose(reg, desk.agency_id, year)
    sections = [(s.number, s.heading, texts[s.number].text if s.number in texts else "")
                for s in built.report.sections]
    notices = [(n.severity, str(n.message)) for n in built.result.notices]
    return render(request, "report.html", status=status, desk=desk, year=year, tables=tables_html(built.report),
                  sections=sections, findings=findings_of(built.findings), notices=notices,
                  versions=versions(reg, desk.agency_id, year), message=message,
                  closed=built.result.closing is not None, years=range(date.today().year, date.today().year - 10, -1))


@router.post("/report/prose")
async def report_prose(request: Request, who: VisitorDep, desk: DeskDep) -> Response:
    from starlette.concurrency import run_in_threadpool

    may_write(who.account)
    form = await request.form()
    year = int(str(form.get("year")))
    texts = {n: str(form.get(f"section{n}") or "") for n in SECTIONS if f"section{n}" in form}
    await run_in_threadpool(save_prose, registry(request), desk.agency_id, year, texts, who.account.name)
    return RedirectResponse(f"/report?year={year}#prose", status_code=303)


@router.post("/report/close")
async def report_close(request: Request, who: VisitorDep, desk: DeskDep) -> Response:
    from starlette.concurrency import run_in_threadpool

    from gongkai.register.report import close_year

    may_write(who.account)
    form = await request.form()
    year = int(str(form.get("year")))
    reason = str(form.get("reason") or "").strip() or None
    try:
        revise = bool(form.get("revise"))
        await run_in_threadpool(lambda: close_year(registry(request), desk.agency, year, revise=revise,
                                                   reason=reason, user=who.account.name))
    except RegisterError as exc:
        return await run_in_threadpool(_page, request, desk, year, 422, str(exc))
    return RedirectResponse(f"/report?year={year}#versions", status_code=303)


def explanation_json(reg: Register, agency: str, year: int, key: str) -> dict[str, Any]:
    """One cell's records, as `gongkai register explain --json` gives them, values shown as labels."""
    from gongkai.commands.register import _labels, _shown
    from gongkai.register.closing import shown_value
    from gongkai.register.report import explain

    found = explain(reg, agency, year, key)
    fields = [field for field, _ in found.columns]
    kind = "cases" if "filed" in fields else "documents"
    labels = _labels()
    return {"key": found.key, "label": found.label, "year": found.year, "condition": found.condition,
            "value": str(shown_value(found.value)), "reported": str(shown_value(found.reported)),
            "closing": found.closing, "columns": [header for _, header in found.columns],
            "records": [[_shown(f, record.get(f), labels, kind) for f in fields] for record in found.records],
            "ids": [record.get("id") for record in found.records], "table": kind if "filed" in fields or
            "title" in fields else "applications"}
