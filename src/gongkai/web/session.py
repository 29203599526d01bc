"""Logging in and out: the login page (a form), and `POST /api/session` for API clients.

`POST /api/session` with `{"username", "password"}` sets the pages' session cookie and returns
`{"token": …}`, a separate, longer-lived API session to send as `Authorization: Bearer …`.
The login form is protected against cross-site posting by a double-submit token (a cookie and a hidden field
that must match), since there is no session yet to hold one.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from gongkai.i18n import Message, t
from gongkai.register.accounts import SESSION_LIFE, authenticate, close_session, open_session
from gongkai.web.auth import COOKIE, LOGIN_COOKIE, BadFormToken, VisitorDep, registry
from gongkai.web.render import render

router = APIRouter()


class Credentials(BaseModel):
    username: str
    password: str


class Token(BaseModel):
    token: str
    csrf: str


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=_secure(request),
                        path="/")


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.get("/login", include_in_schema=False)
def login_page(request: Request) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", login_token=token, error=None)
    _set_cookie(response, request, LOGIN_COOKIE, token, 3600)
    return response


@router.post("/login", include_in_schema=False)
def login(request: Request, username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          login_token: Annotated[str, Form()] = "") -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, login_token):
        raise BadFormToken(Message("web.error.form_token"))
    person = authenticate(registry(request), username, password, _client(request))
    if person is None:
        token = secrets.token_urlsafe(24)
        response = render(request, "login.html", status=401, login_token=token, error=t("web.login.failed"),
                          username=username)
        _set_cookie(response, request, LOGIN_COOKIE, token, 3600)
        return response
    session_token, _csrf = open_session(registry(request), person.id, "page")
    # an admin starts at the agencies (a new register has none yet, and no desk without one)
    response = RedirectResponse("/admin/agencies" if person.is_admin else "/", status_code=303)
    _set_cookie(response, request, COOKIE, session_token, int(SESSION_LIFE.total_seconds()))
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, who: VisitorDep) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        close_session(registry(request), token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/api/session", response_model=Token, tags=["session"])
async def api_login(request: Request, credentials: Credentials) -> Response:
    """Log in: sets the pages' session cookie and returns a bearer token for API clients."""
    reg = registry(request)
    person = await run_in_threadpool(authenticate, reg, credentials.username, credentials.password,
                                     _client(request))
    if person is None:
        return JSONResponse({"detail": t("web.login.failed")}, status_code=401)
    page_token, page_csrf = await run_in_threadpool(open_session, reg, person.id, "page")
    api_token, _ = await run_in_threadpool(open_session, reg, person.id, "api")
    response = JSONResponse({"token": api_token, "csrf": page_csrf})
    _set_cookie(response, request, COOKIE, page_token, int(SESSION_LIFE.total_seconds()))
    return response


@router.delete("/api/session", status_code=204, tags=["session"])
def api_logout(request: Request, who: VisitorDep) -> Response:
    """Log out: ends the session of the bearer token (or of the cookie)."""
    header = request.headers.get("authorization", "")
    token = header.partition(" ")[2].strip() if who.bearer else request.cookies.get(COOKIE)
    if token:
        close_session(registry(request), token)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/")
    return response
