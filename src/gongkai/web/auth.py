"""Who is asking: the session of a request (cookie or bearer token), its form token, and the agencies it may see.

- A browser holds a page session in an HttpOnly, SameSite=Lax cookie (Secure when the request came over TLS);
  every form it sends carries the session's form token (CSRF), and so does every JSON write it makes
  (`X-CSRF-Token`). An API client sends `Authorization: Bearer …` and needs no form token: a browser never adds
  that header by itself.
- Agency isolation: every record is looked up through `Desk.agency_ids`; a record of an agency outside it is
  "not found" (404), never "forbidden", so ids of other agencies reveal nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select

from gongkai.i18n import Message
from gongkai.register.accounts import Account, SessionInfo, scope, session_of
from gongkai.register.db import Agency, Register, Role
from gongkai.register.store import NotFound, RegisterError

COOKIE = "gongkai_session"
LOGIN_COOKIE = "gongkai_login"  # the form token of the login page (double submit: no session exists yet)
AGENCY_COOKIE = "gongkai_agency"  # the agency a supervisor or an admin last chose
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(Exception):
    """No live session: pages redirect to the login page, the API answers 401."""


class Forbidden(RegisterError):
    """A person whose role does not allow the change (a supervisor only reads)."""


class BadFormToken(RegisterError):
    """A form or write without the session's form token (CSRF)."""


@dataclass(frozen=True)
class Visitor:
    """The person behind a request and how they came (cookie: a page session, bearer: an API client)."""

    account: Account
    csrf: str
    bearer: bool


def registry(request: Request) -> Register:
    return request.app.state.register


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def visitor_of(request: Request) -> Visitor | None:
    """The live session of a request, or None."""
    bearer = _bearer(request)
    token = bearer or request.cookies.get(COOKIE)
    if not token:
        return None
    info: SessionInfo | None = session_of(registry(request), token)
    if info is None:
        return None
    return Visitor(info.account, info.csrf, bearer is not None)


async def visitor(request: Request) -> Visitor:
    """FastAPI dependency: the person logged in, the form token checked on every write of a page session."""
    from starlette.concurrency import run_in_threadpool

    found = await run_in_threadpool(visitor_of, request)
    if found is None:
        raise LoginRequired()
    if request.method not in SAFE_METHODS and not found.bearer:
        await _check_form_token(request, found.csrf)
    request.state.visitor = found
    return found


async def _check_form_token(request: Request, expected: str) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(("multipart/", "application/x-www")):
        form = await request.form()  # Starlette keeps it: the route reads the same form again
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent, expected):
        raise BadFormToken(Message("web.error.form_token"))


def may_write(account: Account) -> None:
    """Officers keep their agency's register and admins every agency's; supervisors read."""
    if account.role == Role.SUPERVISOR:
        raise Forbidden(Message("web.error.read_only"))


@dataclass(frozen=True)
class Desk:
    """The agency a page works on and every agency the person may see."""

    agency_id: int
    agency: str
    agencies: tuple[tuple[int, str], ...]  # (id, name) in scope, by name

    @property
    def agency_ids(self) -> frozenset[int]:
        return frozenset(a for a, _ in self.agencies)


def desk_of(reg: Register, account: Account, chosen: int | None = None) -> Desk:
    """The agency of a page: an officer's own; for a supervisor or an admin the one chosen (if they may see it),
    else the first they may see. NotFound when they may see none, or chose one they may not see."""
    with reg.sessions() as session:
        allowed = scope(session, account)
        query = select(Agency.id, Agency.name).where(Agency.withdrawn_at.is_(None)).order_by(Agency.name)
        if allowed is not None:
            query = query.where(Agency.id.in_(allowed))
        agencies = tuple((row.id, row.name) for row in session.execute(query))
    if not agencies:
        raise NotFound(Message("web.error.no_agency"))
    if account.role == Role.OFFICER:
        chosen = account.agency_id
    by_id = dict(agencies)
    if chosen is None:
        chosen = agencies[0][0]
    if chosen not in by_id:
        raise NotFound(Message("web.error.not_found"))
    return Desk(chosen, by_id[chosen], agencies)


async def current_desk(request: Request, who: Annotated[Visitor, Depends(visitor)], agency: int | None = None
                       ) -> Desk:
    """FastAPI dependency: the agency a request works on (`?agency=ID` for a supervisor or an admin)."""
    from starlette.concurrency import run_in_threadpool

    reg, remembered = registry(request), request.cookies.get(AGENCY_COOKIE, "")
    if agency is None and remembered.isdigit():
        try:
            desk = await run_in_threadpool(desk_of, reg, who.account, int(remembered))
        except NotFound:  # a remembered agency no longer in scope: the first one again
            desk = await run_in_threadpool(desk_of, reg, who.account, None)
    else:
        desk = await run_in_threadpool(desk_of, reg, who.account, agency)
    request.state.desk = desk
    return desk


VisitorDep = Annotated[Visitor, Depends(visitor)]
DeskDep = Annotated[Desk, Depends(current_desk)]
