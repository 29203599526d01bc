"""Scans: the real PDFs rendered with pdftoppm, degraded, and read back by OCR; the checks that ask a
person to confirm what OCR read; the clear error when OCR is not installed."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.checks import run_checks
from gongkai.checks.ocr import _one_digit_apart
from gongkai.errors import InputError
from gongkai.inputs import parse_file
from gongkai.readers.ocr import METHOD_ENV, METHODS, ocr_available
from scans import FLAGS, Degradation, degrade, pdftoppm_available, render, scanned_pdf, score
from support import REAL, REAL_PDFS, truth

needs_ocr = pytest.mark.skipif(not ocr_available(), reason='OCR extra not installed (pip install ".[ocr]")')
needs_scans = pytest.mark.skipif(not (REAL.exists() and pdftoppm_available()),
                                 reason="needs shared/ beside the checkout and pdftoppm (poppler-utils)")


def _truth(name: str) -> dict:
    return truth(name, REAL)


@pytest.fixture(scope="module")
def scans(tmp_path_factory) -> dict[str, tuple]:
    """Each real report as an image-only PDF, every page turned, blurred, grainy and JPEG'd at random."""
    out = {}
    for number, name in enumerate(REAL_PDFS, start=1):
        folder = tmp_path_factory.mktemp(name)
        path, used = scanned_pdf(REAL / f"{name}.pdf", folder, seed=number)
        out[name] = (parse_file(path), used)
    return out


@needs_ocr
@needs_scans
def test_degraded_scans_read_99_percent_of_cells_and_flag_every_wrong_one(scans) -> None:
    cells = exact = 0
    for name, (report, used) in scans.items():
        n, good, unflagged = score(report, _truth(name))
        cells, exact = cells + n, exact + good
        assert not unflagged, f"{name}: wrong and not flagged: {unflagged} (degraded as {used})"
        assert max(abs(d.angle) for d in used) > 0.5  # the scans really lean
    assert exact / cells >= 0.99, f"{exact}/{cells} cells exact"


@needs_ocr
@needs_scans
@pytest.mark.parametrize("name", REAL_PDFS)
def test_scan_keeps_the_reports_shape(scans, name: str) -> None:
    report, _ = scans[name]
    truth = _truth(name)
    assert report.meta.year == truth["meta.year"]
    assert report.meta.agency == truth["meta.agency"]
    assert [s.number for s in report.sections] == [1, 2, 3, 4, 5, 6]
    ocr_cells = [c for c in report.cells.values() if c.confidence is not None]
    assert len(ocr_cells) >= 0.9 * len(report.cells)  # OCR'd cells carry the engine's confidence
    assert all(0.0 <= c.confidence <= 1.0 for c in ocr_cells)
    assert all(c.source.page for c in report.cells.values())


@needs_ocr
@needs_scans
def test_a_page_image_is_read_as_a_scan(tmp_path: Path) -> None:
    """A PNG of the page with table 二 gives its cells (the rest of the report is not on it)."""
    truth = _truth("huaian-city-2024")
    pages = render(REAL / "huaian-city-2024.pdf", tmp_path, dpi=200)
    report = parse_file(pages[2])
    got = {k: c.value for k, c in report.cells.items() if k.startswith("proactive.")}
    assert got
    assert got == {k: truth[k] for k in got}


@pytest.fixture(scope="module")
def table_page(tmp_path_factory) -> tuple[Path, Path]:
    """Page 5 of the huaian report (table 三's end, table 四): rendered, and a copy with 行政复议·维持 scribbled
    over; each degraded as a scanner would."""
    from PIL import Image, ImageDraw

    folder = tmp_path_factory.mktemp("page5")
    clean = render(REAL / "huaian-city-2024.pdf", folder, dpi=200)[4]
    upheld = str(_truth("huaian-city-2024")["review.upheld"])
    with pdfplumber.open(REAL / "huaian-city-2024.pdf") as pdf:
        word = next(w for w in pdf.pages[4].extract_words() if w["text"] == upheld)
    x, y, size = word["x0"] * 200 / 72, word["top"] * 200 / 72, (word["bottom"] - word["top"]) * 200 / 72
    scribbled = folder / "scribbled.png"
    with Image.open(clean) as image:
        draw = ImageDraw.Draw(image)
        for k in range(6):  # a pen's strokes across the number, as a hand cancels a figure
            draw.line([(x + k * size / 6, y), (x + size / 3 + k * size / 7, y + size)], fill=30, width=3)
            draw.line([(x, y + k * size / 6), (x + size, y + size / 7 + k * size / 7)], fill=30, width=2)
        image.save(scribbled)
    how = Degradation(angle=-1.2, blur=0.9, noise=10, quality=55)
    out = []
    for number, page in enumerate((clean, scribbled)):
        path = folder / f"scan-{page.stem}.png"
        degrade(page, how, seed=number).save(path)
        out.append(path)
    return out[0], out[1]


@needs_ocr
@needs_scans
@pytest.mark.parametrize("method", METHODS)
def test_a_degraded_table_page_is_read_exactly_cell_by_cell_or_whole(table_page, method: str, monkeypatch) -> None:
    """The cells read one by one (the default) and the whole page recognised (GONGKAI_OCR=page, the fallback)
    give table 四 exactly, each cell with its page, row and column."""
    monkeypatch.setenv(METHOD_ENV, method)
    truth = _truth("huaian-city-2024")
    report = parse_file(table_page[0])
    got = {k: c for k, c in report.cells.items() if k.startswith(("review.", "litigation"))}
    assert len(got) == 15
    assert {k: c.value for k, c in got.items()} == {k: truth[k] for k in got}
    assert all(c.source.page == 1 and c.source.row is not None and c.source.column is not None for c in got.values())
    assert all(c.confidence is not None for c in got.values())


@needs_ocr
@needs_scans
def test_a_cell_that_cannot_be_read_is_reported_not_guessed(table_page) -> None:
    report = parse_file(table_page[1])
    assert report.value("review.upheld") is None
    findings = [f for f in run_checks(report) if "review.upheld" in f.cells]
    assert {f.code for f in findings} & FLAGS
    others = {k: report.value(k) for k in report.cells if k.startswith(("review.", "litigation"))}
    truth = _truth("huaian-city-2024")
    assert {k: v for k, v in others.items() if v != truth[k]} == {"review.upheld": None}


def test_a_characters_strokes_are_one_line_and_lines_stay_apart() -> None:
    """Rows with ink in a cell: 三's three strokes are one band (alone in its cell, the page's usual line
    height tells), two lines of text two bands."""
    import numpy as np

    from gongkai.readers.ocr_cells import _bands

    three = np.array([0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0], dtype=bool)
    assert _bands(three, 22) == [(1, 23)]
    assert _bands(three, 0) == [(1, 4), (10, 12), (19, 23)]  # three lines of a rule, for all it knows
    two_lines = np.array([0] + [1] * 20 + [0] * 8 + [1] * 18 + [0], dtype=bool)
    assert _bands(two_lines, 22) == [(1, 21), (29, 47)]
    underlined = np.array([1] * 20 + [0] * 3 + [1] * 2 + [0] * 20 + [1] * 20, dtype=bool)  # a stray stroke
    assert _bands(underlined, 0) == [(0, 25), (45, 65)]


@needs_ocr
@needs_scans
def test_a_leaning_page_of_tables_is_measured_to_a_hundredth_of_a_degree(tmp_path: Path) -> None:
    """The fitted slope of the long lines and the Hough search both find the lean the page was given."""
    import numpy as np
    from PIL import Image

    from gongkai.readers.ocr import _binary, _fitted_angles, _hough_angles, _long_lines, _weighted_median

    page = render(REAL / "huaian-city-2024.pdf", tmp_path, dpi=200)[3]
    for lean in (-1.7, 0.4, 1.3):
        with Image.open(page) as image:
            turned = np.asarray(image.convert("L").rotate(lean, resample=Image.Resampling.BICUBIC, fillcolor=255))
        lines = _long_lines(_binary(turned), True, 40)
        assert abs(_weighted_median(*_fitted_angles(lines)) + lean) < 0.02
        assert abs(_weighted_median(*_hough_angles(lines)) + lean) < 0.1


def test_the_whole_page_method_is_chosen_by_the_environment(monkeypatch) -> None:
    from gongkai.readers.ocr import ocr_method

    monkeypatch.delenv(METHOD_ENV, raising=False)
    assert ocr_method() == "cells"
    monkeypatch.setenv(METHOD_ENV, "page")
    assert ocr_method() == "page"
    monkeypatch.setenv(METHOD_ENV, "anything")
    assert ocr_method() == "cells"


@needs_ocr
def test_an_image_that_is_not_a_report_is_a_one_line_error(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "blank.png"
    Image.new("L", (800, 1100), 255).save(path)
    with pytest.raises(InputError, match="未找到年度报告"):
        parse_file(path)


def test_broken_image_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    with pytest.raises(InputError, match=r"scan\.png"):
        parse_file(path)


def test_scan_without_the_ocr_extra_says_how_to_install(tmp_path: Path, monkeypatch) -> None:
    import gongkai.readers.ocr as ocr

    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    path = tmp_path / "page.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(InputError, match=r'pip install "gongkai\[ocr\]"'):
        parse_file(path)


# ── the checks that ask a person to confirm ────────────────────────────────────

def _ocr_report(values: dict[str, int], confidence: float = 0.99):
    from gongkai.serialized import report_from_flat

    report = report_from_flat({"meta.year": 2024, "meta.template": "2021", **values}, "scan.pdf")
    for cell in report.cells.values():
        cell.confidence = confidence
    return report


def _table4(total: int, upheld: int) -> dict[str, int]:
    return {"review.upheld": upheld, "review.corrected": 0, "review.other": 1, "review.pending": 0,
            "review.total": total}


def test_one_digit_misreading_is_flagged_with_the_value_that_fits() -> None:
    report = _ocr_report(_table4(total=10, upheld=6))  # printed 9, read 6
    found = [f for f in run_checks(report) if f.code == "O702"]
    by_cell = {f.cells[0]: f.params["candidates"] for f in found}
    # 6 → 9, 1 → 4 or either 0 → 3 would make 维持 + 纠正 + 其他 + 尚未审结 = 10; 10 → 7 is not one digit
    assert by_cell == {"review.upheld": "9", "review.other": "4", "review.corrected": "3", "review.pending": "3"}


def test_no_one_digit_flag_when_the_cells_were_not_ocrd_or_the_gap_is_not_one_digit() -> None:
    typed = _ocr_report(_table4(total=10, upheld=6))
    for cell in typed.cells.values():
        cell.confidence = None
    assert not [f for f in run_checks(typed) if f.code == "O702"]
    far = _ocr_report(_table4(total=50, upheld=6))  # 49 is two digits away from 6, 7 two from 50
    assert not [f for f in run_checks(far) if f.code == "O702"]


def test_low_confidence_is_flagged_unless_the_arithmetic_confirms_it() -> None:
    holds = _ocr_report(_table4(total=10, upheld=9), confidence=0.5)
    assert not [f for f in run_checks(holds) if f.code == "O701"]
    breaks = _ocr_report(_table4(total=10, upheld=8), confidence=0.5)
    assert {f.cells[0] for f in run_checks(breaks) if f.code == "O701"} >= {"review.upheld", "review.total"}


@given(st.integers(0, 10**7), st.data())
def test_one_digit_apart_is_exactly_one_edit(number: int, data) -> None:
    text = str(number)
    position = data.draw(st.integers(0, len(text) - 1))
    digit = data.draw(st.sampled_from("0123456789").filter(lambda d: d != text[position]))
    replaced = int(text[:position] + digit + text[position + 1:])
    if str(replaced) == text[:position] + digit + text[position + 1:]:  # no leading zero swallowed
        assert _one_digit_apart(number, replaced)
    assert _one_digit_apart(number, int(text + digit))
    assert not _one_digit_apart(number, number)
    assert not _one_digit_apart(number, number + 10 ** (len(text) + 1))


def _edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        before, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            before, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, before + (x != y))
    return row[-1]


@given(st.text("予以公开部分不二三、（）", max_size=8), st.text("予以公开部分不二三、（）", max_size=8))
def test_a_label_one_character_off_is_told_by_edit_distance(a: str, b: str) -> None:
    """S213 stays quiet on an OCR'd label one character off the official one (a likely misreading)."""
    from gongkai.labels import one_edit_apart

    assert one_edit_apart(a, b) == (_edit_distance(a, b) <= 1)
