"""The PDFium backend (readers/pdfium_page.py) against pdfplumber: the same document from every PDF the tests make
or ship, each page pdfplumber reads instead with its reason recorded, the same one-line errors for damaged files,
and no pdfminer loaded where PDFium reads every page."""

from __future__ import annotations

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gongkai.errors import InputError
from gongkai.inputs import parse_file
from gongkai.readers import read_document
from gongkai.readers.document import Document
from gongkai.readers.pdf import BACKEND
from support import REAL, REAL_PDFS, ROOT, SEEDS, seed_names
from test_hostile_inputs import _pages_pdf, _pdf, _stream

needs_shared = pytest.mark.skipif(not REAL.exists(), reason="shared/ not beside the checkout")
needs_office = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


def _read(path: Path, monkeypatch: pytest.MonkeyPatch, backend: str | None = None) -> Document:
    with monkeypatch.context() as patch:
        if backend:
            patch.setenv(BACKEND, backend)
        else:
            patch.delenv(BACKEND, raising=False)
        return read_document(path)


def _same_reading(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PDFium read every page, and the document is pdfplumber's, block for block and cell for cell."""
    pdfium, plumber = _read(path, monkeypatch), _read(path, monkeypatch, "pdfplumber")
    assert {page: reason.id for page, reason in pdfium.fallbacks.items()} == {}
    assert pdfium.blocks == plumber.blocks
    assert set(plumber.fallbacks) == set(range(1, len(plumber.fallbacks) + 1)) and plumber.fallbacks


@needs_shared
@pytest.mark.parametrize("name", REAL_PDFS)
def test_real_pdfs_read_the_same(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _same_reading(REAL / f"{name}.pdf", monkeypatch)


@pytest.fixture(scope="module")
def written_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every seed written as a PDF (ruled tables), and printed without lines, centred and restyled."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    from gongkai.writers.pdf import write_pdf
    from unruled import unruled_pdf

    folder = tmp_path_factory.mktemp("pdfium")

    def write(job: tuple[str, str]) -> tuple[str, Path]:
        name, kind = job
        report, out = parse_file(SEEDS / f"{name}.txt"), folder / f"{name}.{kind}.pdf"
        if kind == "ruled":
            write_pdf(report, out)
        else:
            unruled_pdf(report, out, restyled=kind == "restyled")
        return f"{name}.{kind}", out

    jobs = [(name, kind) for name in seed_names() for kind in ("ruled", "unruled", "restyled")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(write, jobs))


@needs_office
@pytest.mark.parametrize("kind", ["ruled", "unruled", "restyled"])
@pytest.mark.parametrize("name", seed_names())
def test_written_pdfs_read_the_same(written_pdfs: dict[str, Path], name: str, kind: str,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _same_reading(written_pdfs[f"{name}.{kind}"], monkeypatch)


def test_standard_fonts_read_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Helvetica, not embedded: pdfminer's own metrics place its glyphs."""
    path = tmp_path / "helvetica.pdf"
    path.write_bytes(_pages_pdf(3))
    _same_reading(path, monkeypatch)


# ── pages pdfplumber reads, and why ─────────────────────────────────────────────────────────────────────────

def _one_page(content: bytes, page: bytes = b"") -> bytes:
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R %s"
                 b"/Resources << /Font << /F1 5 0 R >> >> >>" % page, _stream(content),
                 b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


TEXT = b"BT /F1 12 Tf 72 700 Td (Annual report) Tj ET BT /F1 12 Tf 72 680 Td (of the agency) Tj ET"


@pytest.mark.parametrize(("content", "page", "reason"), [
    (TEXT, b"/Rotate 90 ", "readers.pdf.fallback.rotated_page"),
    (b"BT /F1 12 Tf 0 1 -1 0 300 300 Tm (Sideways) Tj ET " + TEXT, b"", "readers.pdf.fallback.rotated_text"),
    (TEXT, b"/CropBox [10 10 500 800] ", "readers.pdf.fallback.page_box"),
])
def test_a_page_pdfium_cannot_read_as_pdfplumber_is_read_by_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                content: bytes, page: bytes, reason: str) -> None:
    path = tmp_path / "odd.pdf"
    path.write_bytes(_one_page(content, page))
    pdfium, plumber = _read(path, monkeypatch), _read(path, monkeypatch, "pdfplumber")
    assert {n: r.id for n, r in pdfium.fallbacks.items()} == {1: reason}
    assert pdfium.blocks == plumber.blocks and pdfium.blocks


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_turned_page_is_named_with_its_turn_in_degrees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         degrees: int) -> None:
    path = tmp_path / "turned.pdf"
    path.write_bytes(_one_page(TEXT, b"/Rotate %d " % degrees))
    reason = _read(path, monkeypatch).fallbacks[1]
    assert (reason.id, reason.params) == ("readers.pdf.fallback.rotated_page", {"degrees": degrees})


def test_glyphs_without_characters_go_to_pdfplumber(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A CID font with no map to Unicode: PDFium says so, pdfplumber reads (cid:65) and hands the page to OCR."""
    from gongkai.readers.pdfium_page import open_document, read_page

    content = TEXT + b" BT /F2 12 Tf 72 660 Td <00410042> Tj ET"
    cid = [b"<< /Type /Font /Subtype /Type0 /BaseFont /Mystery /Encoding /Identity-H /DescendantFonts [7 0 R] >>",
           b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Mystery /FontDescriptor 8 0 R "
           b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
           b"<< /Type /FontDescriptor /FontName /Mystery /Flags 4 /FontBBox [0 -200 1000 800] /ItalicAngle 0 "
           b"/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>"]
    path = tmp_path / "cid.pdf"
    path.write_bytes(_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                           b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                           b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>", _stream(content),
                           b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", *cid]))
    document = open_document(str(path))
    try:
        assert read_page(document, 1).id == "readers.pdf.fallback.unmapped"
    finally:
        document.close()
    errors = _errors_of_both(path, monkeypatch)
    assert errors[0] == errors[1] and "字形没有对应的文字" in errors[0]


def _errors_of_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The one-line error each backend gives for `path`, with OCR unavailable (PDFium's first, pdfplumber's)."""
    monkeypatch.setattr("gongkai.readers.ocr.ocr_available", lambda: False)
    errors = []
    for backend in (None, "pdfplumber"):
        with pytest.raises(InputError) as caught:
            _read(path, monkeypatch, backend)
        errors.append(str(caught.value))
    return errors


def test_a_forced_backend_is_recorded_for_every_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "three.pdf"
    path.write_bytes(_pages_pdf(3))
    doc = _read(path, monkeypatch, "pdfplumber")
    assert {n: r.id for n, r in doc.fallbacks.items()} == dict.fromkeys([1, 2, 3], "readers.pdf.fallback.forced")
    assert BACKEND in str(doc.fallbacks[1])


def test_a_scanned_page_goes_to_pdfplumber_and_ocr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    data = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                 b"/Resources << /XObject << /Im0 5 0 R >> >> >>", _stream(content),
                 _stream(b"\x80\x80\x80\x80", b"/Type /XObject /Subtype /Image /Width 2 /Height 2 "
                         b"/ColorSpace /DeviceGray /BitsPerComponent 8 ")])
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    errors = _errors_of_both(path, monkeypatch)
    assert errors[0] == errors[1] and "第 1 页没有文字层" in errors[0]


# ── damaged files: the errors of before ─────────────────────────────────────────────────────────────────────

@needs_shared
@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.97])
def test_a_damaged_pdf_gives_the_same_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     fraction: float) -> None:
    data = (REAL / "huaian-city-2024.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: int(len(data) * fraction)])
    messages = []
    for backend in (None, "pdfplumber"):
        with pytest.raises(InputError) as caught:
            _read(path, monkeypatch, backend)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "\n" not in messages[0] and str(path) in messages[0]


def test_an_encrypted_pdf_gives_the_same_error(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret", algorithm="AES-128")
    path = tmp_path / "locked.pdf"
    with open(path, "wb") as f:
        writer.write(f)
    with pytest.raises(InputError, match="加密的 PDF"):
        read_document(path)


# ── the imports a PDF read costs ────────────────────────────────────────────────────────────────────────────

@needs_shared
def test_pdfminer_is_not_imported_when_pdfium_reads_every_page() -> None:
    code = ("import sys; from gongkai.inputs import parse_file; parse_file(sys.argv[1]); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pdfminer', 'pdfplumber'}))")
    out = subprocess.run([sys.executable, "-c", code, str(REAL / "huaian-city-2024.pdf")], capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""})
    assert out.stdout.strip() == "[]"


# ── PDFium's library, as gongkai loads it ───────────────────────────────────────────────────────────────────

def test_a_file_pdfium_cannot_open_gives_pdfiums_reason() -> None:
    from gongkai.readers.pdfium_lib import PdfiumError, library

    with pytest.raises(PdfiumError, match=r"^Failed to load document \(PDFium: Data format error\)\.$"):
        library().open(b"%PDF-1.7\nnot a PDF at all\n")


def test_without_a_library_in_its_folder_pypdfium2_raws_own_loader_finds_one(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A pypdfium2_raw built against a PDFium installed elsewhere has no library beside its modules."""
    from importlib.machinery import ModuleSpec

    from gongkai.readers import pdfium_lib

    spec = ModuleSpec("pypdfium2_raw", None, is_package=True)
    spec.submodule_search_locations = [str(tmp_path)]
    monkeypatch.setattr(pdfium_lib, "find_spec", lambda name: spec)
    library = pdfium_lib.Library(pdfium_lib._load())
    data = _one_page(TEXT)
    document = library.open(data)
    try:
        assert library.GetPageCount(document) == 1
    finally:
        library.CloseDocument(document)


def test_a_pdfium_without_a_function_gongkai_calls_leaves_the_file_to_pdfplumber(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai.readers import pdfium_lib

    monkeypatch.setattr(pdfium_lib, "_library", None)
    monkeypatch.setitem(pdfium_lib._SIGNATURES, "FPDF_NoSuchFunction", (None, ()))
    path = tmp_path / "one.pdf"
    path.write_bytes(_one_page(TEXT))
    document = _read(path, monkeypatch)
    reason = document.fallbacks[1]
    assert reason.id == "readers.pdf.fallback.unopened" and "FPDF_NoSuchFunction" in reason.params["kind"]
    assert document.blocks == _read(path, monkeypatch, "pdfplumber").blocks


def test_text_pdfium_does_not_count_as_its_characters_goes_to_pdfplumber(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai.readers import pdfium_lib

    whole = pdfium_lib.Library.text
    monkeypatch.setattr(pdfium_lib.Library, "text", lambda self, page, count: whole(self, page, count)[1:])
    path = tmp_path / "one.pdf"
    path.write_bytes(_one_page(TEXT))
    assert _read(path, monkeypatch).fallbacks[1].id == "readers.pdf.fallback.text_mismatch"


def test_pdfplumber_reads_its_pages_with_pdfiums_lock_released(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another thread's PDF is not kept waiting while a page goes to pdfplumber (or to OCR, tens of seconds)."""
    from gongkai.readers import pdf
    from gongkai.readers.pdfium_lib import LOCK

    free = []
    read = pdf._Plumber.page

    def page(self, number: int):
        other = ThreadPoolExecutor(1)
        free.append(other.submit(lambda: LOCK.acquire(timeout=0) and (LOCK.release() or True)).result())
        other.shutdown()
        return read(self, number)

    monkeypatch.setattr(pdf._Plumber, "page", page)
    path = tmp_path / "turned.pdf"
    path.write_bytes(_one_page(TEXT, b"/Rotate 90 "))
    assert _read(path, monkeypatch).fallbacks[1].id == "readers.pdf.fallback.rotated_page"
    assert free == [True]
