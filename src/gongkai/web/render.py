"""Rendering the pages: one Jinja2 environment (autoescaped), the message catalogue as `t`, and the frame every
page shares (the person, the agency, the form token, the menu)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from gongkai.i18n import t
from gongkai.web.app import HERE

MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf"}  # downloads, by suffix
MENU = (("desk", "/"), ("applications", "/applications"), ("cases", "/cases"), ("documents", "/documents"),
        ("counts", "/counts"), ("report", "/report"), ("files", "/files"), ("audit", "/audit"))


@cache
def environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    from gongkai.web.queries import field_label, value_label

    env.globals.update(t=t, menu=MENU, field_label=field_label, value_label=value_label)
    env.filters["iso"] = lambda value: value.isoformat() if isinstance(value, date) else ("" if value is None
                                                                                           else value)
    return env


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    visitor = getattr(request.state, "visitor", None)
    frame = {"request": request, "visitor": visitor, "csrf": visitor.csrf if visitor else "",
             "path": request.url.path}
    html = environment().get_template(template).render(**frame, **context)
    return HTMLResponse(html, status_code=status)


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message,
                  desk=getattr(request.state, "desk", None))


def attachment(content: bytes, name: str, media: str) -> Response:
    """A download, saved as `name` (any characters: RFC 5987's UTF-8 form)."""
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
