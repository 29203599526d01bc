"""The application factory: `create_app(url)` opens the register and puts the pages, the API and the errors
together. `gongkai serve` runs it under uvicorn; tests run it under httpx's TestClient or a real server.

Nothing is loaded from the internet: the pages use the package's own CSS and a little plain JavaScript, and the
Content-Security-Policy allows nothing but this server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from gongkai.i18n import t
from gongkai.register.accounts import Throttled
from gongkai.register.db import Register, open_register
from gongkai.register.store import ConflictError, NotFound, RecordInvalid, RegisterError
from gongkai.web.auth import BadFormToken, Forbidden, LoginRequired

HERE = Path(__file__).parent
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # an import file larger than this is refused before it is read
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(url: str | None = None, *, register: Register | None = None,
               max_upload: int = MAX_UPLOAD_BYTES) -> FastAPI:
    """The web application over the register at `url` (or an open `register`)."""
    from gongkai.web import admin, api, collect, files, pages, reports, session, summary

    app = FastAPI(title="gongkai", version=_version(), docs_url=None, redoc_url=None)
    app.state.register = register or open_register(url)
    app.state.max_upload = max_upload
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (session, api, pages, reports, files, collect, summary, admin):
        app.include_router(module.router)
    _errors(app)

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > request.app.state.max_upload:
            return _error(request, 413, t("web.error.too_large", mb=request.app.state.max_upload / 1048576))
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def _version() -> str:
    from gongkai import __version__

    return __version__


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _error(request: Request, status: int, message: str, **extra: Any) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": message, **extra}, status_code=status)
    from gongkai.web.render import render_error

    return render_error(request, status, message)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": t("web.error.login")}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        return RedirectResponse("/login", status_code=303)

    statuses: list[tuple[type[Exception], int]] = [
        (NotFound, 404), (Forbidden, 403), (BadFormToken, 403), (Throttled, 429), (ConflictError, 409),
        (RecordInvalid, 422), (RegisterError, 400)]
    for kind, status in statuses:
        app.add_exception_handler(kind, _handler(status))


def _handler(status: int) -> Any:
    async def handle(request: Request, exc: Exception) -> Response:
        extra = {}
        if isinstance(exc, RecordInvalid):
            extra["problems"] = [{"field": field, "message": str(message)} for field, message in exc.problems]
        return _error(request, status, str(exc), **extra)

    return handle
