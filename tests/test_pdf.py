"""PDF: the three real published reports cell by cell, their real defects, seeds through PDF, bad files."""

from __future__ import annotations

import io
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gongkai.checks import run_checks
from gongkai.errors import InputError
from gongkai.inputs import parse_file
from gongkai.readers import read_document
from support import REAL, REAL_PDFS, SEEDS, differences, seed_names, truth

needs_shared = pytest.mark.skipif(not REAL.exists(), reason="shared/ not beside the checkout")
needs_office = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")

# What each real report gets, checked by hand against the PDF:
EXPECTED_CODES = {
    # table 四 as published: 复议 10 + 1 with 总计 0, 复议后起诉 5 with 总计 0; a 2021 report whose
    # table 三 keeps the single （六）其他处理 row; the typo 其他法律行政止公开; no date at the end
    "hongze-district-2023": ["A104", "A104", "D402", "F301", "F302", "S213"],
    # the prose says 17 applications, table 三 says 95; otherwise as above but table 四 holds
    "hongze-district-2024": ["D402", "F301", "F302", "P501", "S213"],
    "huaian-city-2024": ["D402"],  # every identity holds (3119 + 34 = 3050 + 103); no date printed
}


@needs_shared
@pytest.mark.parametrize("name", REAL_PDFS)
def test_real_pdf_equals_truth_cell_by_cell(name: str) -> None:
    assert differences(parse_file(REAL / f"{name}.pdf").flat(), truth(name, REAL), types=True) == {}


@needs_shared
@pytest.mark.parametrize("name", REAL_PDFS)
def test_real_pdf_findings(name: str) -> None:
    report = parse_file(REAL / f"{name}.pdf")
    assert sorted(f.code for f in run_checks(report)) == EXPECTED_CODES[name]


@needs_shared
def test_real_defects_point_at_their_cells_and_pages() -> None:
    report = parse_file(REAL / "hongze-district-2023.pdf")
    a104 = [f for f in run_checks(report) if f.code == "A104"]
    assert {f.params["left"] for f in a104} == {0}
    assert {f.params["right"] for f in a104} == {11, 5}
    assert {s.page for f in a104 for s in f.where} == {4}
    prose = [f for f in run_checks(parse_file(REAL / "hongze-district-2024.pdf")) if f.code == "P501"]
    assert (prose[0].params["prose"], prose[0].params["table"]) == (17, 95)


@needs_shared
def test_table_cut_by_a_page_break_is_one_table() -> None:
    doc = read_document(REAL / "huaian-city-2024.pdf")
    table3 = next(t for t in doc.tables() if any("申请人情况" in c.text for r in t.rows for c in r))
    labels = ["".join(c.text.split()) for r in table3.rows for c in r]
    assert "（四）无法提供" in labels  # 「（四）无」 on page 4, 「法提供」 on page 5
    assert "三、本年度办理结果" in labels  # one character per line
    assert not any(label.startswith("-") and label.endswith("-") for label in labels)  # no page numbers


@needs_shared
def test_prose_lines_join_into_paragraphs() -> None:
    lines = parse_file(REAL / "hongze-district-2024.pdf").section(1).text.split("\n")
    # 「（二）依申请公开情况。…受理政府信息公开申请 17 件，均已在法定期限内予以答复。」 wraps over
    # four lines on the page; it reads as one paragraph, and each paragraph is one line of the text
    paragraph = next(line for line in lines if line.startswith("（二）依申请公开情况"))
    assert paragraph.endswith("受理政府信息公开申请 17 件，均已在法定期限内予以答复。")
    assert len(lines) == 6


@needs_office
@pytest.mark.parametrize("name", seed_names())
def test_seed_through_pdf_and_back(tmp_path: Path, name: str) -> None:
    from gongkai.writers.pdf import write_pdf

    report = parse_file(SEEDS / f"{name}.txt")
    out = tmp_path / "report.pdf"
    write_pdf(report, out)
    assert parse_file(out).flat() == report.flat()


@needs_office
def test_conversions_at_once_each_get_their_own_profile(tmp_path: Path) -> None:
    from gongkai.writers.pdf import write_pdf

    reports = [parse_file(SEEDS / f"{n}.txt") for n in seed_names()[:3]]
    outs = [tmp_path / f"r{i}.pdf" for i in range(len(reports))]
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(write_pdf, reports, outs))
    assert all(out.stat().st_size > 10_000 for out in outs)
    assert [parse_file(out).flat() for out in outs] == [r.flat() for r in reports]


# ── bad files ──────────────────────────────────────────────────────────────

def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _blank_pdf(pages: int, password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password, algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_not_a_pdf(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="不是 PDF 文件"):
        read_document(_write(tmp_path, "a.pdf", b"<html>not a pdf</html>"))


def test_encrypted_pdf(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="加密的 PDF"):
        read_document(_write(tmp_path, "locked.pdf", _blank_pdf(1, password="secret")))


@needs_shared
@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_truncated_pdf(tmp_path: Path, fraction: float) -> None:
    data = (REAL / "huaian-city-2024.pdf").read_bytes()
    path = _write(tmp_path, "cut.pdf", data[: int(len(data) * fraction)])
    with pytest.raises(InputError):
        parse_file(path)


def test_too_many_pages(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="共 500 页"):
        read_document(_write(tmp_path, "book.pdf", _blank_pdf(500)))


def test_pdf_of_something_else(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="未找到年度报告"):
        parse_file(_write(tmp_path, "blank.pdf", _blank_pdf(2)))


def test_cli_one_line_for_a_bad_pdf(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from gongkai.cli import main

    path = _write(tmp_path, "locked.pdf", _blank_pdf(1, password="secret"))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("gongkai:")]
    assert len(errors) == 1 and str(path) in errors[0] and "加密的 PDF" in errors[0]
    assert "Traceback" not in result.output
