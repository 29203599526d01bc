"""The written report page by page, read from the printed PDF itself: for the five seeds and the
three real reports, `gongkai build … -o x.pdf` (Word through LibreOffice) and the web page printed
by headless Chromium.

On every page a table is printed on: its header rows whole, at the top of each continuation page;
table 三 on at most two pages, tables 二 and 四 each on one; every label broken only between words
(no line break inside a word of four characters or fewer, words as jieba finds them); the body
in a 仿宋 face; and the PDF gongkai writes reads back to the same data.

Each report is converted once per printer (module-scoped fixtures, two conversions at a time).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import pages
from gongkai.inputs import parse_file
from gongkai.layout import layouts_by_section
from gongkai.model import Report
from support import SEEDS, SHARED, seed_names

REAL = SHARED / "fixtures" / "real"
REAL_PDFS = ["hongze-district-2023", "hongze-district-2024", "huaian-city-2024"]
FANDOL = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")
FACES = ["FandolFang-Regular", "FandolHei-Regular", "FandolKai-Regular", "FandolSong-Bold", "FandolSong-Regular"]
SOURCES = {name: SEEDS / f"{name}.txt" for name in seed_names()} | {
    name: REAL / f"{name}.pdf" for name in REAL_PDFS if (REAL / f"{name}.pdf").exists()}
NAMES = sorted(SOURCES)
PRINTERS = ["word", "html"]
WORKERS = 2  # the machine has two cores


def _missing(*tools: str) -> list[str]:
    return [tool for tool in tools if shutil.which(tool) is None]


def _skip_unless(printer: str) -> None:
    missing = _missing("soffice", "pdffonts") if printer == "word" else _missing("chromium", "pdffonts")
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)}")
    if not (FANDOL / "FandolFang-Regular.otf").exists():
        pytest.skip("the Fandol faces are not installed (Debian: texlive-lang-chinese)")


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {name: parse_file(path) for name, path in SOURCES.items()}


@pytest.fixture(scope="module")
def word_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`gongkai build SOURCE -o NAME.pdf --force` for every report, as a user runs it."""
    _skip_unless("word")
    folder = tmp_path_factory.mktemp("word-pdf")

    def build(name: str) -> Path:
        out = folder / f"{name}.pdf"
        subprocess.run([sys.executable, "-m", "gongkai", "build", str(SOURCES[name]), "-o", str(out), "--force"],
                       capture_output=True, check=True, timeout=300)
        return out

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return dict(zip(NAMES, pool.map(build, NAMES), strict=True))


@pytest.fixture(scope="module")
def html_pdfs(tmp_path_factory: pytest.TempPathFactory, reports: dict[str, Report]) -> dict[str, Path]:
    """Every report written as a web page and printed to PDF by headless Chromium."""
    _skip_unless("html")
    pytest.importorskip("fontTools")
    from gongkai.office import print_html
    from gongkai.writers.html import render_html, write_html
    from gongkai.writers.pdf import font_environment

    folder = tmp_path_factory.mktemp("html-pdf")
    text = "".join(render_html(r) for r in reports.values())
    for face in FACES:
        pages.truetype_copy(FANDOL / f"{face}.otf", text, folder / f"{face}.ttf")
    conf = folder / "fonts.conf"
    conf.write_text(pages.fonts_conf(Path(font_environment()["FONTCONFIG_FILE"]), folder,
                                     [f"{face}.otf" for face in FACES]), encoding="utf-8")

    def printed(name: str) -> Path:
        page = folder / f"{name}.html"
        write_html(reports[name], page)
        return print_html(page, folder / f"{name}.pdf", env={"FONTCONFIG_FILE": str(conf)})

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return dict(zip(NAMES, pool.map(printed, NAMES), strict=True))


def _printed(request: pytest.FixtureRequest, printer: str, name: str) -> Path:
    return request.getfixturevalue(f"{printer}_pdfs")[name]


def _tables(report: Report, pdf: Path) -> tuple[dict, dict[int, list[pages.Fragment]]]:
    layouts = {t.spec.number: t for t in layouts_by_section(report).values()}
    return layouts, pages.assign(pages.fragments(pdf), list(layouts.values()))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("printer", PRINTERS)
def test_header_rows_lie_on_one_page_and_open_every_continuation_page(
        request: pytest.FixtureRequest, printer: str, name: str, reports: dict[str, Report]) -> None:
    layouts, found = _tables(reports[name], _printed(request, printer, name))
    for number, table in layouts.items():
        assert found[number], f"table {number} not found on any page"
        header = pages.header_texts(table)
        for fragment in found[number]:
            texts = fragment.texts()
            assert header <= set(texts), f"page {fragment.page}: header of table {number} lacks {header - set(texts)}"
            heads = [c for c in fragment.cells if c.text in header]
            rest = [c for c in fragment.cells if c.text and c.text not in header]
            if heads and rest:
                assert max(c.bottom for c in heads) <= min(c.top for c in rest) + 1, \
                    f"page {fragment.page}: the header of table {number} is not at the top"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("printer", PRINTERS)
def test_table3_on_two_pages_at_most_and_tables_2_and_4_on_one(
        request: pytest.FixtureRequest, printer: str, name: str, reports: dict[str, Report]) -> None:
    layouts, found = _tables(reports[name], _printed(request, printer, name))
    spans = {number: sorted({f.page for f in fragments}) for number, fragments in found.items()}
    three, *short = sorted(layouts, key=lambda n: -layouts[n].nrows)  # table 三 is the long one
    assert 1 <= len(spans[three]) <= 2, spans
    for number in short:
        assert len(spans[number]) == 1, spans


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("printer", PRINTERS)
def test_labels_break_only_between_words(request: pytest.FixtureRequest, printer: str, name: str,
                                         reports: dict[str, Report]) -> None:
    jieba = pytest.importorskip("jieba")
    layouts, found = _tables(reports[name], _printed(request, printer, name))
    problems = []
    for number, table in layouts.items():
        printed = [c for f in found[number] for c in f.cells]
        for label in pages.labels(table):
            cells = [c for c in printed if c.text == label]
            if not cells:
                problems.append(f"table {number}: 「{label}」 is not whole in one cell")
            words = list(jieba.cut(label))
            problems += [f"table {number} p.{c.page}: {b}" for c in cells for b in pages.bad_breaks(c.lines, words)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("printer", PRINTERS)
def test_body_is_set_in_a_fangsong_face(request: pytest.FixtureRequest, printer: str, name: str) -> None:
    pdf = _printed(request, printer, name)
    assert any("Fang" in font for font in pages.pdf_fonts(pdf)), pages.pdf_fonts(pdf)
    body = pages.body_fonts(pdf)
    assert body and "Fang" in body.most_common(1)[0][0], body


@pytest.mark.parametrize("name", NAMES)
def test_written_pdf_reads_back_to_the_same_data(request: pytest.FixtureRequest, name: str,
                                                 reports: dict[str, Report]) -> None:
    """The PDF gongkai writes reads back exactly. (The web page reads back exactly as a page,
    tests/test_html.py; its printout is the reader's browser's, not a file gongkai writes.)"""
    again = parse_file(_printed(request, "word", name))
    assert again.flat() == reports[name].flat()
    assert again.meta.signature == (reports[name].meta.signature or reports[name].meta.agency)
    assert again.meta.published == reports[name].meta.published


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("printer", PRINTERS)
def test_printed_pdf_reads_the_same_through_pdfium_and_pdfplumber(request: pytest.FixtureRequest, printer: str,
                                                                  name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Word/LibreOffice's and Chromium's PDFs: PDFium reads every page, to the document pdfplumber gives."""
    from gongkai.readers import read_document
    from gongkai.readers.pdf import BACKEND

    pdf = _printed(request, printer, name)
    monkeypatch.delenv(BACKEND, raising=False)
    pdfium = read_document(pdf)
    monkeypatch.setenv(BACKEND, "pdfplumber")
    assert pdfium.fallbacks == {} and pdfium.blocks == read_document(pdf).blocks


def test_the_page_loads_nothing_from_the_network() -> None:
    """The page names only local fonts (local() or installed families): no url(), @import or link."""
    from gongkai.writers.html import render_html

    page = render_html(parse_file(SEEDS / f"{seed_names()[0]}.txt"))
    assert "url(" not in page and "@import" not in page and "<link" not in page and "src=" not in page
    assert "local(" in page
