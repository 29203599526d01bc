"""导入/导出: register files in (all or nothing, every problem by line and column) and out, and blank files.

An upload larger than the application's limit is refused (413) before and while it is read. Exported CSV cells
are the register export's own (`gongkai register export`), and the blank files go through the same
`gongkai.safe_cells` rules, so a register cannot carry =HYPERLINK(…) to the person who opens a download.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gongkai.i18n import t
from gongkai.register.tabular import SHEETS
from gongkai.safe_cells import csv_row, xlsx_row
from gongkai.web.auth import Desk, DeskDep, VisitorDep, may_write, registry
from gongkai.web.render import render

router = APIRouter(include_in_schema=False)
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
CHUNK = 1 << 16

# One example row per kind of file, for the blank template (what a person types, as the import reads it).
EXAMPLES: dict[str, dict[str, str]] = {
    "applications": {"编号": "2026-0001", "收到日期": "2026-02-10", "渠道": "网络", "申请人类型": "自然人",
                     "申请内容": "某路段改造工程的立项批复文件", "答复日期": "2026-03-05", "办理结果": "予以公开"},
    "cases": {"编号": "复议2026-01", "类型": "行政复议", "立案日期": "2026-04-01", "结果": "维持",
              "审结日期": "2026-05-20", "关联申请": "2026-0001"},
    "documents": {"类型": "行政规范性文件", "文号": "某府规〔2026〕1号", "标题": "关于某事项的管理办法",
                  "发布日期": "2026-03-01", "废止日期": ""},
}


def _csv_bytes(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(csv_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _download(content: bytes, name: str, suffix: str) -> Response:
    return Response(content, media_type=MEDIA[suffix],
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.get("/files")
def files_page(request: Request, desk: DeskDep) -> Response:
    return render(request, "files.html", desk=desk, kinds=list(SHEETS), result=None, errors=[], problem=None)


async def _saved_upload(request: Request, folder: Path) -> tuple[Path | None, str | None]:
    """The uploaded file written to `folder` (its name and suffix kept), or the problem with it."""
    form = await request.form(max_part_size=request.app.state.max_upload)
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return None, t("web.files.no_file")
    name = Path(upload.filename).name
    if Path(name).suffix.lower() not in (".csv", ".xlsx"):
        return None, t("web.files.bad_suffix", name=name)
    path, size = folder / name, 0
    with path.open("wb") as out:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > request.app.state.max_upload:
                return None, t("web.error.too_large", mb=request.app.state.max_upload / 1048576)
            out.write(chunk)
    return path, None


@router.post("/files/import")
async def import_upload(request: Request, who: VisitorDep, desk: DeskDep) -> Response:
    from starlette.concurrency import run_in_threadpool

    from gongkai.errors import InputError
    from gongkai.register.tabular import RegisterFileError, import_file

    may_write(who.account)
    context: dict[str, Any] = {"desk": desk, "kinds": list(SHEETS), "result": None, "errors": [], "problem": None}
    with tempfile.TemporaryDirectory(prefix="gongkai-upload-") as folder:
        path, problem = await _saved_upload(request, Path(folder))
        if path is None:
            status = 413 if problem and problem == t("web.error.too_large", mb=request.app.state.max_upload / 1048576) \
                else 400
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
    from gongkai.register.tabular import export_file

    with tempfile.TemporaryDirectory(prefix="gongkai-export-") as folder:
        path = Path(folder) / f"export.{suffix}"
        export_file(registry(request), path, desk.agency, kind)
        return path.read_bytes()


def _xlsx_bytes(sheet_title: str, rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet_title)
    for row in rows:
        ws.append(xlsx_row(ws, row))  # text stays text: '=…' is no formula, '007' no number
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _as_file(rows: list[list[Any]], kind: str, suffix: str, name: str) -> Response:
    if suffix == "xlsx":
        return _download(_xlsx_bytes(SHEETS[kind].title, rows), f"{name}.xlsx", "xlsx")
    return _download(_csv_bytes(rows), f"{name}.csv", "csv")


@router.get("/files/export")
def export_download(request: Request, desk: DeskDep, kind: str = "applications", format: str = "csv") -> Response:
    kind = kind if kind in SHEETS else "applications"
    suffix = format if format in MEDIA else "csv"
    name = f"{desk.agency}-{SHEETS[kind].title}-{date.today().isoformat()}.{suffix}"
    return _download(_export_bytes(request, desk, kind, suffix), name, suffix)


@router.get("/files/template")
def template_download(request: Request, desk: DeskDep, kind: str = "applications", format: str = "csv") -> Response:
    """A blank import file: the expected columns and one example row."""
    kind = kind if kind in SHEETS else "applications"
    headers = list(SHEETS[kind].headers)
    example = [EXAMPLES[kind].get(header, "") for header in headers]
    return _as_file([headers, example], kind, format if format in MEDIA else "csv",
                    f"{SHEETS[kind].title}-{t('web.files.template_name')}")
