"""The admin's pages: 机关 (agencies), 地区 (regions) and 用户 (people).

Only an admin may open them (anyone else gets 403). Every change goes through `gongkai.register.accounts`, where
its rules live (the command line uses the same functions), and is audited there; a refused change shows its page
again with every problem beside the form.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from gongkai.i18n import Message
from gongkai.register import accounts
from gongkai.register.db import AgencyKind, Role
from gongkai.register.store import RecordInvalid
from gongkai.web.auth import Forbidden, Visitor, VisitorDep, registry
from gongkai.web.render import render

router = APIRouter(prefix="/admin", include_in_schema=False)


async def admin_only(who: VisitorDep) -> Visitor:
    """FastAPI dependency: the person logged in, who must be an admin."""
    if not who.account.is_admin:
        raise Forbidden(Message("web.error.admin_only"))
    return who


AdminDep = Annotated[Visitor, Depends(admin_only)]


def _form(form: Any, *names: str) -> dict[str, str]:
    return {name: str(form.get(name) or "").strip() for name in names}


def _id(text: str) -> int | None:
    """A chosen region or agency (a select's value); none when left empty."""
    return int(text) if text.isdigit() else None


def _problems(exc: RecordInvalid) -> list[tuple[str, str]]:
    """The problems as the pages show them: each message names its field itself."""
    return [("", str(message)) for _, message in exc.problems]


def _done(path: str) -> Response:
    return RedirectResponse(f"{path}?done=1", status_code=303)


async def _attempt(request: Request, change: Any, *args: Any, page: Any, **kwargs: Any) -> Response | None:
    """Make a change as the admin; on RecordInvalid, the page again (422) with its problems."""
    try:
        await run_in_threadpool(change, registry(request), *args, user=request.state.visitor.account.name,
                                **kwargs)
    except RecordInvalid as exc:
        return await run_in_threadpool(page, _problems(exc))
    return None


@router.get("")
def admin_home(who: AdminDep) -> Response:
    return RedirectResponse("/admin/agencies", status_code=303)


# ── agencies ──────────────────────────────────────────────────────────────────────────────────────────────────


def _agencies_page(request: Request, q: str = "", status: int = 200, problems: list | None = None,
                   values: dict | None = None) -> Response:
    reg = registry(request)
    return render(request, "admin_agencies.html", status=status, rows=accounts.list_agencies(reg, q), q=q,
                  regions=accounts.region_tree(reg), kinds=list(AgencyKind), problems=problems or [],
                  values=values or {}, done=request.query_params.get("done"))


@router.get("/agencies")
def agencies(request: Request, who: AdminDep, q: str = "") -> Response:
    return _agencies_page(request, q)


@router.post("/agencies")
async def agency_add(request: Request, who: AdminDep) -> Response:
    values = _form(await request.form(), "name", "kind", "region")
    refused = await _attempt(request, accounts.add_agency, values["name"], values["kind"], _id(values["region"]),
                             page=lambda problems: _agencies_page(request, "", 422, problems, values))
    return refused or _done("/admin/agencies")


def _agency(request: Request, agency_id: int) -> accounts.AgencyRow:
    from gongkai.register.db import Agency
    from gongkai.register.store import NotFound, table_name

    found = next((row for row in accounts.list_agencies(registry(request)) if row.id == agency_id), None)
    if found is None:
        raise NotFound(Message("register.record.not_found", table=table_name(Agency.__tablename__), id=agency_id))
    return found


def _agency_page(request: Request, agency_id: int, status: int = 200, problems: list | None = None,
                 values: dict | None = None) -> Response:
    row = _agency(request, agency_id)
    shown = values or {"name": row.name, "kind": row.kind, "region": str(row.region_id or "")}
    return render(request, "admin_agency.html", status=status, row=row, values=shown, kinds=list(AgencyKind),
                  regions=accounts.region_tree(registry(request)), problems=problems or [],
                  done=request.query_params.get("done"))


@router.get("/agencies/{agency_id}")
def agency_page(request: Request, agency_id: int, who: AdminDep) -> Response:
    return _agency_page(request, agency_id)


@router.post("/agencies/{agency_id}")
async def agency_change(request: Request, agency_id: int, who: AdminDep) -> Response:
    values = _form(await request.form(), "name", "kind", "region")
    refused = await _attempt(request, accounts.change_agency, agency_id, values["name"], values["kind"],
                             _id(values["region"]),
                             page=lambda problems: _agency_page(request, agency_id, 422, problems, values))
    return refused or _done(f"/admin/agencies/{agency_id}")


@router.post("/agencies/{agency_id}/withdraw")
async def agency_withdraw(request: Request, agency_id: int, who: AdminDep) -> Response:
    reason = _form(await request.form(), "reason")["reason"]
    refused = await _attempt(request, accounts.withdraw_agency, agency_id, reason,
                             page=lambda problems: _agency_page(request, agency_id, 422, problems))
    return refused or _done("/admin/agencies")


# ── regions ───────────────────────────────────────────────────────────────────────────────────────────────────


def _regions_page(request: Request, status: int = 200, problems: list | None = None,
                  values: dict | None = None) -> Response:
    return render(request, "admin_regions.html", status=status, regions=accounts.region_tree(registry(request)),
                  problems=problems or [], values=values or {}, done=request.query_params.get("done"))


@router.get("/regions")
def regions(request: Request, who: AdminDep) -> Response:
    return _regions_page(request)


@router.post("/regions")
async def region_add(request: Request, who: AdminDep) -> Response:
    values = _form(await request.form(), "name", "parent")
    refused = await _attempt(request, accounts.add_region, values["name"], _id(values["parent"]),
                             page=lambda problems: _regions_page(request, 422, problems, values))
    return refused or _done("/admin/regions")


def _region_page(request: Request, region_id: int, status: int = 200, problems: list | None = None,
                 values: dict | None = None) -> Response:
    from gongkai.register.db import Region
    from gongkai.register.store import NotFound, table_name

    tree = accounts.region_tree(registry(request))
    row = next((r for r in tree if r.id == region_id), None)
    if row is None:
        raise NotFound(Message("register.record.not_found", table=table_name(Region.__tablename__), id=region_id))
    below = {r.id for r in _subtree(tree, row)}  # not offered as its new parent (the library refuses them too)
    shown = values or {"name": row.name, "parent": str(row.parent_id or "")}
    return render(request, "admin_region.html", status=status, row=row, values=shown,
                  parents=[r for r in tree if r.id not in below], problems=problems or [],
                  done=request.query_params.get("done"))


def _subtree(tree: list[accounts.RegionRow], row: accounts.RegionRow) -> list[accounts.RegionRow]:
    """A region and the rows after it in the depth-first tree that are deeper (the regions under it)."""
    start = tree.index(row)
    end = next((i for i in range(start + 1, len(tree)) if tree[i].depth <= row.depth), len(tree))
    return tree[start:end]


@router.get("/regions/{region_id}")
def region_page(request: Request, region_id: int, who: AdminDep) -> Response:
    return _region_page(request, region_id)


@router.post("/regions/{region_id}")
async def region_change(request: Request, region_id: int, who: AdminDep) -> Response:
    values = _form(await request.form(), "name", "parent")
    refused = await _attempt(request, accounts.change_region, region_id, values["name"], _id(values["parent"]),
                             page=lambda problems: _region_page(request, region_id, 422, problems, values))
    return refused or _done(f"/admin/regions/{region_id}")


@router.post("/regions/{region_id}/withdraw")
async def region_withdraw(request: Request, region_id: int, who: AdminDep) -> Response:
    reason = _form(await request.form(), "reason")["reason"]
    refused = await _attempt(request, accounts.withdraw_region, region_id, reason,
                             page=lambda problems: _region_page(request, region_id, 422, problems))
    return refused or _done("/admin/regions")


# ── people ────────────────────────────────────────────────────────────────────────────────────────────────────

def _users_page(request: Request, status: int = 200, problems: list | None = None,
                values: dict | None = None) -> Response:
    reg = registry(request)
    return render(request, "admin_users.html", status=status, rows=accounts.list_users(reg), roles=list(Role),
                  agencies=accounts.list_agencies(reg), regions=accounts.region_tree(reg), problems=problems or [],
                  values=values or {"role": Role.OFFICER}, done=request.query_params.get("done"))


@router.get("/users")
def users(request: Request, who: AdminDep) -> Response:
    return _users_page(request)


def _add_user(reg: Any, values: dict[str, str], *, user: str) -> int:
    """The person of the form: the agency or the region the role needs (chosen by id, given by name)."""
    password = accounts.confirmed_password(values["password"], values["password_again"])
    agency = next((a.name for a in accounts.list_agencies(reg) if str(a.id) == values["agency"]), None)
    region = next((r.name for r in accounts.region_tree(reg) if str(r.id) == values["region"]), None)
    needs = {Role.OFFICER: (agency, None), Role.SUPERVISOR: (None, region)}.get(values["role"], (None, None))
    return accounts.add_user(reg, values["name"], password, values["role"], agency=needs[0], region=needs[1],
                             user=user)


def _passwords(form: Any) -> dict[str, str]:
    """The two password fields as typed (spaces are part of a password)."""
    return {name: str(form.get(name) or "") for name in ("password", "password_again")}


@router.post("/users")
async def user_add(request: Request, who: AdminDep) -> Response:
    form = await request.form()
    values = _form(form, "name", "role", "agency", "region")
    kept = {**values, "password": "", "password_again": ""}  # a password is never sent back in a page
    refused = await _attempt(request, _add_user, values | _passwords(form),
                             page=lambda problems: _users_page(request, 422, problems, kept))
    return refused or _done("/admin/users")


def _user_page(request: Request, user_id: int, status: int = 200, problems: list | None = None) -> Response:
    row = accounts.user_row(registry(request), user_id)
    return render(request, "admin_user.html", status=status, row=row, problems=problems or [],
                  done=request.query_params.get("done"))


@router.get("/users/{user_id}")
def user_page(request: Request, user_id: int, who: AdminDep) -> Response:
    return _user_page(request, user_id)


@router.post("/users/{user_id}/disabled")
async def user_disable(request: Request, user_id: int, who: AdminDep) -> Response:
    disabled = _form(await request.form(), "disabled")["disabled"] == "1"
    row = await run_in_threadpool(accounts.user_row, registry(request), user_id)
    refused = await _attempt(request, accounts.set_disabled, row.name, disabled,
                             page=lambda problems: _user_page(request, user_id, 422, problems))
    return refused or _done(f"/admin/users/{user_id}")


@router.post("/users/{user_id}/password")
async def user_password(request: Request, user_id: int, who: AdminDep) -> Response:
    values = _passwords(await request.form())
    row = await run_in_threadpool(accounts.user_row, registry(request), user_id)

    def reset(reg: Any, *, user: str) -> None:
        password = accounts.confirmed_password(values["password"], values["password_again"])
        accounts.set_password(reg, row.name, password, user=user)

    refused = await _attempt(request, reset, page=lambda problems: _user_page(request, user_id, 422, problems))
    return refused or _done(f"/admin/users/{user_id}")


# ── the audit log of agencies, regions and people ────────────────────────────────────────────────────────────

ADMIN_TABLES = ("agencies", "regions", "users")


@router.get("/audit")
def audit_page(request: Request, who: AdminDep, table: str = "", user: str = "", action: str = "",
               record: str = "", page: int = 1) -> Response:
    from urllib.parse import urlencode

    from gongkai.i18n import t
    from gongkai.web import queries

    filters = queries.AuditFilters(table if table in ADMIN_TABLES else "", user.strip(), action,
                                   int(record) if record.isdigit() else None)
    rows, total = queries.audit(registry(request), None, filters, page, tables=ADMIN_TABLES)
    args = {"table": filters.table, "user": user, "action": action, "record": record}
    return render(request, "audit.html", title=t("web.admin.audit"), rows=rows, total=total, page=page,
                  args=args, pages=max((total + queries.PAGE_SIZE - 1) // queries.PAGE_SIZE, 1),
                  query=urlencode({k: v for k, v in args.items() if v}), tables=ADMIN_TABLES,
                  actions=("create", "update", "withdraw"))
