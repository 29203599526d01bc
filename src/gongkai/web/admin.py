"""The admin's pages: 机关 (agencies), 地区 (regions) and 用户 (people).

Only an admin may open them (anyone else gets 403); the same reads and changes are in the JSON API under
/api/admin/ (agencies, regions, users: GET lists, POST adds, PUT changes, POST …/withdraw, …/disabled,
…/password). Every change goes through `gongkai.register.accounts`, where its rules live (the command line uses
the same functions), and is audited there; a refused change shows its page again with every problem beside the
form (the API answers 422 with the problems).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from gongkai.i18n import Message, t
from gongkai.register import accounts
from gongkai.register.db import AgencyKind, Role
from gongkai.register.store import NotFound, RecordInvalid, table_name
from gongkai.web import queries
from gongkai.web.auth import Forbidden, Visitor, VisitorDep, registry
from gongkai.web.render import render

router = APIRouter()  # the pages (pages) and the JSON API (api), put together at the end
pages = APIRouter(prefix="/admin", include_in_schema=False)
api = APIRouter(prefix="/api/admin", tags=["admin"])


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


def _found(row: Any, table: str, record: int) -> Any:
    """The row looked up by id; NotFound (404) when there is none, as `accounts.user_row`."""
    if row is None:
        raise NotFound(Message("register.record.not_found", table=table_name(table), id=record))
    return row


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


@pages.get("")
def admin_home(who: AdminDep) -> Response:
    return RedirectResponse("/admin/agencies", status_code=303)


# ── agencies ──────────────────────────────────────────────────────────────────────────────────────────────────


def _agencies_page(request: Request, q: str = "", status: int = 200, problems: list | None = None,
                   values: dict | None = None) -> Response:
    reg = registry(request)
    return render(request, "admin_agencies.html", status=status, rows=accounts.list_agencies(reg, q), q=q,
                  regions=accounts.region_tree(reg), kinds=list(AgencyKind), problems=problems or [],
                  values=values or {}, done=request.query_params.get("done"))


@pages.get("/agencies")
def agencies(request: Request, who: AdminDep, q: str = "") -> Response:
    return _agencies_page(request, q)


@pages.post("/agencies")
async def agency_add(request: Request, who: AdminDep) -> Response:
    values = _form(await request.form(), "name", "kind", "region")
    refused = await _attempt(request, accounts.add_agency, values["name"], values["kind"], _id(values["region"]),
                             page=lambda problems: _agencies_page(request, "", 422, problems, values))
    return refused or _done("/admin/agencies")


def _agency(request: Request, agency_id: int) -> accounts.AgencyRow:
    return _found(next(iter(accounts.list_agencies(registry(request), agency=agency_id)), None), "agencies",
                  agency_id)


def _agency_page(request: Request, agency_id: int, status: int = 200, problems: list | None = None,
                 values: dict | None = None) -> Response:
    row = _agency(request, agency_id)
    shown = values or {"name": row.name, "kind": row.kind, "region": str(row.region_id or "")}
    return render(request, "admin_agency.html", status=status, row=row, values=shown, kinds=list(AgencyKind),
                  regions=accounts.region_tree(registry(request)), problems=problems or [],
                  done=request.query_params.get("done"))


@pages.get("/agencies/{agency_id}")
def agency_page(request: Request, agency_id: int, who: AdminDep) -> Response:
    return _agency_page(request, agency_id)


@pages.post("/agencies/{agency_id}")
async def agency_change(request: Request, agency_id: int, who: AdminDep) -> Response:
    values = _form(await request.form(), "name", "kind", "region")
    refused = await _attempt(request, accounts.change_agency, agency_id, values["name"], values["kind"],
                             _id(values["region"]),
                             page=lambda problems: _agency_page(request, agency_id, 422, problems, values))
    return refused or _done(f"/admin/agencies/{agency_id}")


@pages.post("/agencies/{agency_id}/withdraw")
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


@pages.get("/regions")
def regions(request: Request, who: AdminDep) -> Response:
    return _regions_page(request)


@pages.post("/regions")
async def region_add(request: Request, who: AdminDep) -> Response:
    values = _form(await request.form(), "name", "parent")
    refused = await _attempt(request, accounts.add_region, values["name"], _id(values["parent"]),
                             page=lambda problems: _regions_page(request, 422, problems, values))
    return refused or _done("/admin/regions")


def _region_page(request: Request, region_id: int, status: int = 200, problems: list | None = None,
                 values: dict | None = None) -> Response:
    tree = accounts.region_tree(registry(request))
    row = _found(next((r for r in tree if r.id == region_id), None), "regions", region_id)
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


@pages.get("/regions/{region_id}")
def region_page(request: Request, region_id: int, who: AdminDep) -> Response:
    return _region_page(request, region_id)


@pages.post("/regions/{region_id}")
async def region_change(request: Request, region_id: int, who: AdminDep) -> Response:
    values = _form(await request.form(), "name", "parent")
    refused = await _attempt(request, accounts.change_region, region_id, values["name"], _id(values["parent"]),
                             page=lambda problems: _region_page(request, region_id, 422, problems, values))
    return refused or _done(f"/admin/regions/{region_id}")


@pages.post("/regions/{region_id}/withdraw")
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


@pages.get("/users")
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


@pages.post("/users")
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


@pages.get("/users/{user_id}")
def user_page(request: Request, user_id: int, who: AdminDep) -> Response:
    return _user_page(request, user_id)


@pages.post("/users/{user_id}/disabled")
async def user_disable(request: Request, user_id: int, who: AdminDep) -> Response:
    disabled = _form(await request.form(), "disabled")["disabled"] == "1"
    row = await run_in_threadpool(accounts.user_row, registry(request), user_id)
    refused = await _attempt(request, accounts.set_disabled, row.name, disabled,
                             page=lambda problems: _user_page(request, user_id, 422, problems))
    return refused or _done(f"/admin/users/{user_id}")


@pages.post("/users/{user_id}/password")
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


@pages.get("/audit")
def audit_page(request: Request, who: AdminDep, table: str = "", user: str = "", action: str = "",
               record: str = "", page: int = 1) -> Response:
    filters = queries.AuditFilters(table if table in ADMIN_TABLES else "", user.strip(), action,
                                   int(record) if record.isdigit() else None)
    rows, total = queries.audit(registry(request), None, filters, page, tables=ADMIN_TABLES)
    args = {"table": filters.table, "user": user, "action": action, "record": record}
    return render(request, "audit.html", title=t("web.admin.audit"), rows=rows, total=total, page=page,
                  args=args, pages=max((total + queries.PAGE_SIZE - 1) // queries.PAGE_SIZE, 1),
                  query=urlencode({k: v for k, v in args.items() if v}), tables=ADMIN_TABLES,
                  actions=("create", "update", "withdraw"))


# ── the JSON API ──────────────────────────────────────────────────────────────────────────────────────────────

JSON = Annotated[dict[str, Any], Body()]


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""


def _number(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@api.get("/agencies")
def api_agencies(request: Request, who: AdminDep, q: str = "") -> list[dict[str, Any]]:
    """The agencies not withdrawn, with their region (`q`: part of the agency's or the region's name)."""
    return [asdict(row) for row in accounts.list_agencies(registry(request), q)]


@api.post("/agencies", status_code=201)
def api_agency_add(request: Request, data: JSON, who: AdminDep) -> dict[str, int]:
    """Add an agency: `{"name", "kind": "department"|"government", "region_id"}`."""
    new = accounts.add_agency(registry(request), _text(data, "name"), _text(data, "kind") or AgencyKind.DEPARTMENT,
                              _number(data, "region_id"), user=who.account.name)
    return {"id": new}


@api.put("/agencies/{agency_id}")
def api_agency_change(request: Request, agency_id: int, data: JSON, who: AdminDep) -> dict[str, int]:
    """Rename an agency, change its kind or region: `{"name", "kind", "region_id"}` (all three)."""
    accounts.change_agency(registry(request), agency_id, _text(data, "name"), _text(data, "kind"),
                           _number(data, "region_id"), user=who.account.name)
    return {"id": agency_id}


@api.post("/agencies/{agency_id}/withdraw")
def api_agency_withdraw(request: Request, agency_id: int, data: JSON, who: AdminDep) -> dict[str, int]:
    """Withdraw an agency with no open application and no enabled officer: `{"reason"}`."""
    accounts.withdraw_agency(registry(request), agency_id, _text(data, "reason"), user=who.account.name)
    return {"id": agency_id}


@api.get("/regions")
def api_regions(request: Request, who: AdminDep) -> list[dict[str, Any]]:
    """The regions as a tree, depth first (`depth` 0 at the top)."""
    return [asdict(row) for row in accounts.region_tree(registry(request))]


@api.post("/regions", status_code=201)
def api_region_add(request: Request, data: JSON, who: AdminDep) -> dict[str, int]:
    """Add a region: `{"name", "parent_id"}`."""
    new = accounts.add_region(registry(request), _text(data, "name"), _number(data, "parent_id"),
                              user=who.account.name)
    return {"id": new}


@api.put("/regions/{region_id}")
def api_region_change(request: Request, region_id: int, data: JSON, who: AdminDep) -> dict[str, int]:
    """Rename or move a region: `{"name", "parent_id"}` (never under itself or below itself)."""
    accounts.change_region(registry(request), region_id, _text(data, "name"), _number(data, "parent_id"),
                           user=who.account.name)
    return {"id": region_id}


@api.post("/regions/{region_id}/withdraw")
def api_region_withdraw(request: Request, region_id: int, data: JSON, who: AdminDep) -> dict[str, int]:
    """Withdraw a region with nothing in it: `{"reason"}`."""
    accounts.withdraw_region(registry(request), region_id, _text(data, "reason"), user=who.account.name)
    return {"id": region_id}


def _user_json(row: accounts.UserRow) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "role": row.role, "agency": row.agency, "region": row.region,
            "disabled": row.disabled, "last_login": row.last_login.isoformat() if row.last_login else None}


@api.get("/users")
def api_users(request: Request, who: AdminDep) -> list[dict[str, Any]]:
    """The people, by name."""
    return [_user_json(row) for row in accounts.list_users(registry(request))]


def _known_places(reg: Any, agency: str | None, region: str | None) -> None:
    """RecordInvalid (422) for an agency or a region named that is not in the register: the API adds a person to
    places that exist (a misspelt name would otherwise be added as a new agency or region, as `users add` does)."""
    problems = []
    if agency and agency not in {row.name for row in accounts.list_agencies(reg)}:
        problems.append(("agency", Message("web.admin.no_such_agency", name=agency)))
    if region and region not in {row.name for row in accounts.region_tree(reg)}:
        problems.append(("region", Message("web.admin.no_such_region", name=region)))
    if problems:
        raise RecordInvalid("users", problems)


@api.post("/users", status_code=201)
def api_user_add(request: Request, data: JSON, who: AdminDep) -> dict[str, Any]:
    """Add a person: `{"name", "role", "agency"}` (officer) or `{…, "region"}` (supervisor), with `"password"`;
    the agency and the region by name, as `gongkai users add` takes them, but only those in the register (an
    unknown name is refused with 422, never added)."""
    reg = registry(request)
    agency, region = _text(data, "agency") or None, _text(data, "region") or None
    _known_places(reg, agency, region)
    new = accounts.add_user(reg, _text(data, "name"), _text(data, "password"), _text(data, "role"),
                            agency=agency, region=region, user=who.account.name)
    return _user_json(accounts.user_row(reg, new))


@api.post("/users/{user_id}/disabled")
def api_user_disable(request: Request, user_id: int, data: JSON, who: AdminDep) -> dict[str, Any]:
    """Disable (`{"disabled": true}`) or enable a person; not oneself, not the last enabled admin."""
    reg = registry(request)
    row = accounts.user_row(reg, user_id)
    accounts.set_disabled(reg, row.name, data.get("disabled") is not False, user=who.account.name)
    return _user_json(accounts.user_row(reg, user_id))


@api.post("/users/{user_id}/password", status_code=204)
def api_user_password(request: Request, user_id: int, data: JSON, who: AdminDep) -> Response:
    """A new password (`{"password"}`); every session of the person ends."""
    reg = registry(request)
    accounts.set_password(reg, accounts.user_row(reg, user_id).name, _text(data, "password"), user=who.account.name)
    return Response(status_code=204)


router.include_router(pages)
router.include_router(api)
