"""PDF tables printed without ruling lines: rebuilt from where the words stand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gongkai.checks import run_checks
from gongkai.inputs import parse_file
from gongkai.readers.document import Table
from gongkai.readers.pages import document
from gongkai.readers.pdf_layout import page_lines
from support import SEEDS, seed_names, truth
from unruled import unruled_pdf

needs_office = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
SIZE = 10.5


def _word(text: str, x0: float, top: float) -> dict:
    width = SIZE * (0.5 if text.isascii() else 1.0) * len(text)
    return {"text": text, "x0": x0, "x1": x0 + width, "top": top, "bottom": top + SIZE, "size": SIZE}


def _doc(words: list[dict]):
    lines = page_lines(words, 1, 842.0)
    return document("t.pdf", lines, "pdf")


def _rows(doc) -> list[list[str]]:
    tables = doc.tables()
    assert len(tables) == 1
    assert tables[0].layout == "tab"
    return [[c.text for c in row] for row in tables[0].rows]


# A table 三 fragment: heads over seven columns, a label wrapped over three lines around its numbers,
# a group label spanning two rows, a blank cell. Prose above and below.
COLUMNS = [250, 295, 340, 385, 430, 475, 520]


def _numbers(values: list[str], top: float) -> list[dict]:
    return [_word(v, x - SIZE * len(v) / 4, top) for v, x in zip(values, COLUMNS, strict=True) if v]


def _table_words() -> list[dict]:
    words = [{**_word("三、收到和处理政府信息公开申请情况", 90, 100), "size": 16.0}]  # a heading, larger
    heads = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    words += [_word(h, x - SIZE * len(h) / 2, 140) for h, x in zip(heads, COLUMNS, strict=True)]
    words += [_word("一、本年新收政府", 90, 160), *_numbers(["3", "0", "1", "", "0", "0", "4"], 168),
              _word("信息公开申请数量", 90, 176)]
    words += [_word("三、本", 90, 200), _word("（一）予以公开", 140, 200),
              *_numbers(["2", "0", "0", "0", "0", "0", "2"], 200),
              _word("年度办", 90, 217), _word("（二）部分公开", 140, 227),
              *_numbers(["1", "0", "1", "0", "0", "0", "2"], 227)]
    words.append(_word("本机关收到的申请均在法定期限内答复，没有逾期答复的情况，也没有收取任何费用。", 90, 270))
    return words


def test_rows_rebuilt_from_positions() -> None:
    doc = _doc(_table_words())
    rows = _rows(doc)
    assert rows[0] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert rows[1] == ["一、本年新收政府信息公开申请数量", "3", "0", "1", "", "0", "0", "4"]
    assert rows[2] == ["三、本年度办", "（一）予以公开", "2", "0", "0", "0", "0", "0", "2"]
    assert rows[3] == ["（二）部分公开", "1", "0", "1", "0", "0", "0", "2"]
    texts = [b.text for b in doc.blocks if not isinstance(b, Table)]
    assert texts[0].startswith("三、收到和处理") and texts[-1].startswith("本机关收到的申请")


def test_prose_with_numbers_stays_prose() -> None:
    words = [_word("2024", 90, 100), _word("年共收到申请", 120, 100), _word("17", 190, 100), _word("件。", 202, 100),
             _word("2025", 300, 130), _word("年", 322, 130), _word("1", 336, 130), _word("月", 343, 130),
             _word("-", 280, 800), _word("4", 290, 800), _word("-", 300, 800)]
    doc = _doc(words)
    assert not doc.tables()


def test_numbers_set_apart_in_one_line_are_not_a_table_alone() -> None:
    """One line of two numbers is not a table; table 四's one row of fifteen is."""
    lonely = [_word("合计", 90, 100), _word("3", 300, 100), _word("5", 400, 100)]
    assert not _doc(lonely).tables()
    row = [_word("0", 90 + 28 * i, 300) for i in range(15)]
    assert len(_doc(row).tables()) == 1


def _truth(name: str) -> dict:
    return truth(name)


@needs_office
@pytest.mark.parametrize("name", seed_names())
def test_seed_printed_without_lines_reads_back_exact(tmp_path: Path, name: str) -> None:
    """The official layout (cells centred) with every border removed: cell for cell."""
    report = parse_file(SEEDS / f"{name}.txt")
    pdf = unruled_pdf(report, tmp_path / "unruled.pdf")
    assert parse_file(pdf).flat() == _truth(name)


@needs_office
@pytest.mark.parametrize("name", seed_names())
def test_restyled_unruled_table_has_no_unflagged_wrong_cell(tmp_path: Path, name: str) -> None:
    """Labels set left, numbers right, cells to the top: a number the heads cannot place is left
    blank and reported, never put under the wrong column."""
    report = parse_file(SEEDS / f"{name}.txt")
    read = parse_file(unruled_pdf(report, tmp_path / "restyled.pdf", restyled=True))
    flat, truth = read.flat(), _truth(name)
    wrong = {k for k in truth if flat.get(k) != truth[k]}
    assert all(flat.get(k) is None for k in wrong), {k: (truth[k], flat.get(k)) for k in wrong}
    flagged = {key for f in run_checks(read) if f.code in ("S215", "S206") for key in f.cells}
    assert wrong <= flagged
    assert len(wrong) <= len(truth) // 20
