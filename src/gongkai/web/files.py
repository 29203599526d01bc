"""导入/导出: register files in (all or nothing, every problem by line and column) and out, and blank files.

An upload larger than the application's limit is refused (413) before and while it is read. Exported files and
blank files are those of `gongkai register export` and `register template`, cells made safe by
`gongkai.safe_cells`, so a register cannot carry =HYPERLINK(…) to the person who opens a download.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gongkai.i18n import t
from gongkai.register.tabular import SHEETS, RegisterFileError, export_file, import_file
from gongkai.web.auth import Desk, DeskDep, VisitorDep, may_write, registry
from gongkai.web.render import MEDIA, attachment, render

router = APIRouter(include_in_schema=False)
FORMATS = ("csv", "xlsx")  # of exports and blank files
CHUNK = 1 << 16


@router.get("/files")
def files_page(request: Request, desk: DeskDep) -> Response:
    return render(request, "files.html", desk=desk, kinds=list(SHEETS), result=None, errors=[], problem=None)


async def upload_form(request: Request) -> Any:
    """The request's form, no part of it larger than the application's limit."""
    return await request.form(max_part_size=request.app.state.max_upload)


def too_large(request: Request) -> str:
    return t("web.error.too_large", mb=request.app.state.max_upload / 1048576)


async def write_upload(request: Request, upload: Any, path: Path, used: int = 0) -> int | None:
    """An uploaded file written to `path` in chunks: the bytes of the request's files so far (`used` those before
    this one), or None as soon as they pass the application's limit."""
    with path.open("wb") as out:
        while chunk := await upload.read(CHUNK):
            used += len(chunk)
            if used > request.app.state.max_upload:
                return None
            out.write(chunk)
    return used


async def _saved_upload(request: Request, folder: Path) -> tuple[Path | None, str | None]:
    """The uploaded file written to `folder` (its name and suffix kept), or the problem with it."""
    upload = (await upload_form(request)).get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return None, t("web.files.no_file")
    name = Path(upload.filename).name
    if Path(name).suffix.lower() not in (".csv", ".xlsx"):
        return None, t("web.files.bad_suffix", name=name)
    path = folder / name
    if await write_upload(request, upload, path) is None:
        return None, too_large(request)
    return path, None


@router.post("/files/import")
async def import_upload(request: Request, who: VisitorDep, desk: DeskDep) -> Response:
    from gongkai.errors import InputError

    may_write(who.account)
    context: dict[str, Any] = {"desk": desk, "kinds": list(SHEETS), "result": None, "errors": [], "problem": None}
    with tempfile.TemporaryDirectory(prefix="gongkai-upload-") as folder:
        path, problem = await _saved_upload(request, Path(folder))
        if path is None:
            status = 413 if problem == too_large(request) else 400
            return render(request, "files.html", status=status, **(context | {"problem": problem}))
        try:
            result = await run_in_threadpool(lambda: import_file(registry(request), path, desk.agency,
                                                                 user=who.account.name))
        except RegisterFileError as exc:
            errors = [(e.line, e.column or "", str(e.message)) for e in exc.errors]
            more = exc.total - len(exc.errors)
            return render(request, "files.html", status=422,
                          **(context | {"errors": errors, "problem": t("web.files.refused", total=exc.total),
                                        "more": more}))
        except InputError as exc:
            return render(request, "files.html", status=422, **(context | {"problem": str(exc)}))
    return render(request, "files.html", **(context | {"result": result}))


def _export_bytes(request: Request, desk: Desk, kind: str, suffix: str) -> bytes:
    """The register's own export (register export: formula-safe cells, text kept as text), as bytes."""
    with tempfile.TemporaryDirectory(prefix="gongkai-export-") as folder:
        path = Path(folder) / f"export.{suffix}"
        export_file(registry(request), path, desk.agency, kind)
        return path.read_bytes()


@router.get("/files/export")
def export_download(request: Request, desk: DeskDep, kind: str = "applications", format: str = "csv") -> Response:
    kind = kind if kind in SHEETS else "applications"
    suffix = format if format in FORMATS else "csv"
    name = f"{desk.agency}-{SHEETS[kind].title}-{date.today().isoformat()}.{suffix}"
    return attachment(_export_bytes(request, desk, kind, suffix), name, MEDIA[suffix])


@router.get("/files/template")
def template_download(request: Request, desk: DeskDep, kind: str = "applications", format: str = "csv") -> Response:
    """A blank import file: the expected columns and one example row (`gongkai register template`)."""
    from gongkai.register.blank import write_blank

    kind = kind if kind in SHEETS else "applications"
    suffix = format if format in FORMATS else "csv"
    with tempfile.TemporaryDirectory(prefix="gongkai-blank-") as folder:
        path = Path(folder) / f"blank.{suffix}"
        write_blank(path, kind)
        content = path.read_bytes()
    return attachment(content, f"{SHEETS[kind].title}-{t('web.files.template_name')}.{suffix}", MEDIA[suffix])
