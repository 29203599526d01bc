"""Hostile files under the old size limits: each ends in one line of error (or a report) within 30 s and 1 GB.

Every file is built here by a small generator (nothing large is committed): a text that repeats a real report to
63 MB and one at the text limit, a 20 KB workbook with the merged range B200:XFD1048576, workbooks of 3,000,000 and
30,000 rows (the sheet XML streamed into the zip), an image-only PDF page of 20,000 × 20,000 pt, a 12,000 × 12,000 px
PNG, and PDFs of many pages. Each is read by `gongkai parse` in a process of its own, whose time and peak memory
(its own rusage, from wait4) are measured, under an address-space limit in case a limit fails.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from gongkai.readers import limits
from support import ROOT, SEEDS

SECONDS = 30
PEAK_MB = 1024
ADDRESS_SPACE = 8 * 1024**3  # safety only: a runaway reader fails here instead of taking the machine
MEASURED = Path(__file__).with_name("measured.py")  # the go-between that reports the command's own rusage


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float  # wall time
    cpu: float  # the child's user + system time: what the file cost, however busy the machine
    peak_mb: float


def parse(path: Path, *args: str) -> Run:
    """`gongkai parse PATH` in a child process: exit code, output, wall time and the child's own peak RSS."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    out, err, usage = path.with_suffix(".stdout"), path.with_suffix(".stderr"), path.with_suffix(".usage")
    command = [sys.executable, "-m", "gongkai", *args, "parse", str(path)]
    started = time.perf_counter()
    with open(out, "wb") as o, open(err, "wb") as e:
        proc = subprocess.Popen([sys.executable, str(MEASURED), str(usage), str(ADDRESS_SPACE), *command],
                                stdout=o, stderr=e, env=env, start_new_session=True)
        _wait(proc, started)
    seconds = time.perf_counter() - started
    if not usage.exists():
        pytest.fail(f"gongkai parse {path.name} stopped after {seconds:.0f} s")
    measured = json.loads(usage.read_text())
    code = os.waitstatus_to_exitcode(measured["status"])
    return Run(code, out.read_text(errors="replace"), err.read_text(errors="replace"), seconds,
               measured["cpu"], measured["maxrss_kb"] / 1024)


def within_time(run: Run, seconds: float = SECONDS) -> None:
    """The child's CPU time within the bound, and its wall time too: on a machine shared by more runnable processes
    than it has cores (load average above the cores), the wall-time bound is stretched by that factor."""
    busy = max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    assert run.cpu < seconds, f"{run.cpu:.1f} s of CPU"
    assert run.seconds < seconds * busy, f"{run.seconds:.1f} s with load {os.getloadavg()[0]:.1f}"


def _wait(proc: subprocess.Popen, started: float) -> None:
    while proc.poll() is None:
        if time.perf_counter() - started > 3 * SECONDS:  # far past the bound: stop it, the test fails below
            os.killpg(proc.pid, signal.SIGKILL)
        time.sleep(0.02)


def words_of(msg_id: str, lang: str = "zh") -> str:
    """The longest literal piece of a message's text, to find it in what the command printed."""
    area, *rest = msg_id.removeprefix("errors.").split(".")
    catalogue = tomllib.loads((ROOT / "src/gongkai/locale/errors.toml").read_text(encoding="utf-8"))
    entry = catalogue[area]
    for part in rest:
        entry = entry[part]
    pieces = [p.split("}")[-1] for p in entry[lang].split("{")]
    return max(pieces, key=len)


def assert_refused(run: Run, path: Path, *msg_ids: str, lang: str = "zh") -> None:
    """One line `gongkai: PATH: problem` naming one of msg_ids, exit 2, within the time and memory bounds."""
    within_time(run)
    assert run.peak_mb < PEAK_MB, f"{run.peak_mb:.0f} MB"
    assert run.code == 2, (run.code, run.stderr[-2000:])
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"gongkai: {path}: "), lines[0]
    assert any(words_of(m, lang) in lines[0] for m in msg_ids), (lines[0], msg_ids)


def assert_bounded(run: Run) -> None:
    """A report or one line of error, within the bounds."""
    within_time(run)
    assert run.peak_mb < PEAK_MB, f"{run.peak_mb:.0f} MB"
    assert run.code in (0, 2), (run.code, run.stderr[-2000:])
    assert run.code == 0 or len(run.stderr.splitlines()) == 1, run.stderr


# ── text ──────────────────────────────────────────────────────────────────────────────────────────────────────

def _repeated_report(path: Path, size: int) -> Path:
    seed = (SEEDS / "000_1fa4e0cf87918f09.txt").read_bytes()
    with open(path, "wb") as f:
        for _ in range(size // len(seed)):
            f.write(seed)
    return path


def test_a_63_mb_text_repeating_a_report_is_refused_at_once(tmp_path: Path) -> None:
    path = _repeated_report(tmp_path / "repeated.txt", 63 * limits.MB)
    run = parse(path)
    assert_refused(run, path, "errors.file.too_large")
    within_time(run, 10)


def test_a_text_at_the_limit_is_refused_by_its_cells_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """Just under MAX_TEXT_BYTES of a repeated report: read (linearly in its lines), refused before extraction."""
    path = _repeated_report(tmp_path / "long.txt", limits.MAX_TEXT_BYTES - 64 * limits.KB)
    run = parse(path, "--lang", "en")
    assert_refused(run, path, "errors.file.too_many_cells", lang="en")
    assert run.peak_mb < 500


def test_a_text_of_many_report_tables_under_the_cell_limit_is_extracted_in_bounded_time(tmp_path: Path) -> None:
    """The report repeated as often as MAX_CELLS allows: extracted in full (its work grows linearly)."""
    path = _repeated_report(tmp_path / "tables.txt", 300 * limits.KB)
    assert_bounded(parse(path))


def test_a_header_broken_into_many_fragments_is_read_in_linear_time(tmp_path: Path) -> None:
    """A cell followed by thousands of one-character fragments between blank lines: once quadratic (28 s for 9 KB)."""
    path = tmp_path / "fragments.txt"
    path.write_text("\t一\n" + "\n字\n" * 100_000 + "\n\t二\n", encoding="utf-8")
    assert_bounded(parse(path))


# ── workbooks ─────────────────────────────────────────────────────────────────────────────────────────────────

def _small_workbook() -> dict[str, bytes]:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "一、总体情况"
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as z:
        return {name: z.read(name) for name in z.namelist()}


def _rezip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_a_merged_range_to_the_end_of_the_sheet_is_refused(tmp_path: Path) -> None:
    members = _small_workbook()
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    merge = '<mergeCells count="1"><mergeCell ref="B200:XFD1048576"/></mergeCells>'
    members["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>", "</sheetData>" + merge).encode()
    path = _rezip(tmp_path / "merged.xlsx", members)
    assert path.stat().st_size < 20 * limits.KB
    run = parse(path)
    assert_refused(run, path, "errors.xlsx.merged_too_large")
    within_time(run, 10)


def _rows_workbook(path: Path, rows: int, level: int) -> Path:
    """A workbook whose one sheet has `rows` rows of three cells, its XML streamed into the zip."""
    members = _small_workbook()
    head, _, tail = members.pop("xl/worksheets/sheet1.xml").decode().partition("<sheetData>")
    tail = tail.partition("</sheetData>")[2]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in members.items():
            z.writestr(name, data)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write((head + "<sheetData>").encode())
            for start in range(1, rows + 1, 10_000):
                f.write("".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>{r * 7}</v></c>'
                                f'<c r="C{r}"><v>{r % 97}</v></c></row>'
                                for r in range(start, min(start + 10_000, rows + 1))).encode())
            f.write(("</sheetData>" + tail).encode())
    return path


def test_a_workbook_of_three_million_rows_is_refused(tmp_path: Path) -> None:
    path = _rows_workbook(tmp_path / "rows.xlsx", 3_000_000, level=1)
    run = parse(path)
    assert_refused(run, path, "errors.file.too_large", "errors.package.member_too_large")
    within_time(run, 10)


def test_a_workbook_of_more_rows_than_a_report_has_is_refused_before_openpyxl(tmp_path: Path) -> None:
    """30,000 rows: the package is small enough, its sheet is measured and refused without being loaded."""
    path = _rows_workbook(tmp_path / "rows.xlsx", 30_000, level=6)
    run = parse(path, "--lang", "en")
    assert_refused(run, path, "errors.xlsx.too_many_rows", lang="en")
    assert run.peak_mb < 300


def test_one_cell_far_away_does_not_make_a_billion_cell_grid(tmp_path: Path) -> None:
    members = _small_workbook()
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>远</t></is></c></row>'
    members["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>", far + "</sheetData>").encode()
    path = _rezip(tmp_path / "far.xlsx", members)
    assert_refused(parse(path), path, "errors.xlsx.sheet_too_large")


# ── PDF ───────────────────────────────────────────────────────────────────────────────────────────────────────

def _pdf(objects: list[bytes]) -> bytes:
    """A PDF from its numbered objects (1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def test_an_image_only_page_of_20000_points_is_refused_not_rendered(tmp_path: Path) -> None:
    side = 20_000
    content = b"q %d 0 0 %d 0 0 cm /Im0 Do Q" % (side, side)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
        b"/Resources << /XObject << /Im0 5 0 R >> >> >>" % (side, side),
        _stream(content),
        _stream(b"\x80\x80\x80\x80", b"/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 "),
    ]
    path = tmp_path / "huge-page.pdf"
    path.write_bytes(_pdf(objects))
    assert path.stat().st_size < 2 * limits.KB
    run = parse(path)
    assert_refused(run, path, "errors.pdf.page_too_large", "errors.pdf.page_needs_ocr")
    within_time(run, 15)


def _pages_pdf(count: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i in range(count):
        text = b"BT /F1 11 Tf 72 %d Td (Page %d of a long file, line %d) Tj ET"
        lines = b"\n".join(text % (760 - 14 * j, i + 1, j) for j in range(40))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * i))
        objects.append(_stream(lines))
    return _pdf(objects)


def test_a_pdf_of_more_pages_than_the_limit_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "many.pdf"
    path.write_bytes(_pages_pdf(limits.MAX_PAGES + 195))  # the 295 pages of the probe
    run = parse(path)
    assert_refused(run, path, "errors.file.too_many_pages")
    within_time(run, 10)


def test_a_pdf_at_the_page_limit_is_read_in_bounded_time(tmp_path: Path) -> None:
    path = tmp_path / "limit.pdf"
    path.write_bytes(_pages_pdf(limits.MAX_PAGES))  # 40 lines of text on every page
    assert_bounded(parse(path))


# ── images ────────────────────────────────────────────────────────────────────────────────────────────────────

def _png(width: int, height: int) -> bytes:
    """A grey PNG, all white, its rows deflated a band at a time (a few hundred KB for 144 Mpx)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    packer = zlib.compressobj(9)
    row = b"\0" + b"\xff" * width
    band = row * 500
    idat = b"".join(packer.compress(band) for _ in range(height // 500)) + packer.compress(row * (height % 500))
    idat += packer.flush()
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_12000_pixel_square_png_is_refused_without_warnings(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    path.write_bytes(_png(12_000, 12_000))
    run = parse(path)
    assert_refused(run, path, "errors.image.too_many_pixels", "errors.ocr.missing")
    assert "DecompressionBomb" not in run.stderr


# ── web pages ─────────────────────────────────────────────────────────────────────────────────────────────────

def test_a_page_nested_thousands_deep_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 5000 + "一、总体情况" + "</div>" * 5000 + "</body></html>",
                    encoding="utf-8")
    assert_bounded(run := parse(path))
    assert run.code == 2


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_a_member_that_unzips_to_hundreds_of_mb_is_refused(tmp_path: Path, suffix: str) -> None:
    members = _small_workbook() if suffix == ".xlsx" else {"word/document.xml": b"<w:document/>"}
    path = tmp_path / f"bomb{suffix}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        with z.open("docProps/custom.xml", "w", force_zip64=True) as f:
            for _ in range(300):
                f.write(b" " * limits.MB)
    run = parse(path)
    assert_refused(run, path, "errors.package.member_too_large", "errors.package.zip_bomb")
