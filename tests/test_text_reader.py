"""The text reader: encodings, layouts and bad input."""

from __future__ import annotations

import random

import pytest

from gongkai.errors import InputError
from gongkai.extract import extract
from gongkai.inputs import parse_file
from gongkai.readers.document import Table
from gongkai.readers.encoding import decode
from gongkai.readers.text import read_text
from support import SEEDS

SEED_004 = (SEEDS / "004_c82a2c402dd56cf8.txt").read_text(encoding="utf-8")
TRUTH_004 = parse_file(SEEDS / "004_c82a2c402dd56cf8.txt").flat()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_encodings_are_detected(tmp_path, encoding: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(SEED_004.replace("\u2003", " ").encode(encoding, errors="strict"))
    assert parse_file(path).flat() == TRUTH_004


def test_empty_file_is_an_input_error(tmp_path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="文件为空"):
        parse_file(path)


def test_binary_file_is_an_input_error(tmp_path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(random.Random(1).randbytes(5000))
    with pytest.raises(InputError, match="不是文本文件"):
        parse_file(path)


def test_text_without_a_report_is_an_input_error() -> None:
    with pytest.raises(InputError, match="未找到年度报告"):
        extract(read_text("这是一份会议通知。\n请各单位准时参加。\n", "notice.txt"))


def test_report_without_tables_gets_findings() -> None:
    from gongkai.checks import run_checks

    text = "\n".join(line for line in SEED_004.split("\n") if not line.startswith("\t"))
    report = extract(read_text(text, "no-tables.txt"))
    codes = {f.code for f in run_checks(report)}
    assert {"S204"} <= codes and not report.cells


def test_truncated_table_gets_findings_not_a_crash() -> None:
    from gongkai.checks import run_checks

    cut = SEED_004.index("（五）不予处理")
    report = extract(read_text(SEED_004[:cut], "truncated.txt"))
    codes = {f.code for f in run_checks(report)}
    assert "S205" in codes and "S204" in codes  # table 三 incomplete, table 四 missing


def test_shuffled_rows_are_still_matched_by_label() -> None:
    lines = SEED_004.split("\n")
    start = lines.index("\t一、本年新收政府信息公开申请数量")
    end = lines.index("\t四、结转下年度继续办理")
    blocks = "\n".join(lines[start:end]).split("\n\n")
    # keep group labels with their first row: shuffle only rows that stand alone
    alone = [b for b in blocks if not b.startswith("\t\n\t\n") and "（" not in b.split("\n")[1]]
    rest = [b for b in blocks if b not in alone]
    random.Random(7).shuffle(alone)
    text = "\n".join(lines[:start]) + "\n" + "\n\n".join(rest + alone) + "\n\n" + "\n".join(lines[end:])
    assert extract(read_text(text, "shuffled.txt")).flat() == TRUTH_004


def test_pipe_rows_with_empty_cells() -> None:
    text = "\n".join([
        "某县人民政府2023年政府信息公开工作年度报告",
        "三、收到和处理政府信息公开申请情况",
        "| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 | | | | | | |",
        "|---|---|---|---|---|---|---|---|",
        "| | 自然人 | 法人或其他组织 | | | | | 总计 |",
        "| | | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | |",
        "| 一、本年新收政府信息公开申请数量 | 258 | 12 |  |  | 1 | 1 | 272 |",
    ])
    report = extract(read_text(text, "page.txt"))
    flat = report.flat()
    assert flat["applications.new.natural_person"] == 258
    assert flat["applications.new.research"] is None
    assert flat["applications.new.total"] == 272
    assert report.meta.kind == "government"


def test_tab_layout_keeps_column_positions() -> None:
    doc = read_text((SEEDS / "002_8183807e426b0491.txt").read_text(encoding="utf-8"), "002.txt")
    table = next(b for b in doc.blocks if isinstance(b, Table))
    assert table.layout == "tab"
    assert [c.column for c in table.rows[1]] == list(range(len(table.rows[1])))


def test_broken_header_word_is_one_cell() -> None:
    doc = read_text(SEED_004, "004.txt")
    cells = [c.text for t in doc.tables() for row in t.rows for c in row]
    assert "自\n然\n人" in cells and "商业\n企业" in cells


def test_ten_megabyte_file_is_read_without_trouble(tmp_path) -> None:
    path = tmp_path / "big.txt"
    filler = ("本年度我单位持续推进政务公开工作。" * 40 + "\n") * 8000
    path.write_text(SEED_004.replace("一、总体情况\n", "一、总体情况\n" + filler, 1), encoding="utf-8")
    assert path.stat().st_size > 10_000_000
    assert parse_file(path).flat() == TRUTH_004


def test_decode_rejects_nul_heavy_data() -> None:
    with pytest.raises(InputError):
        decode(b"\x00\x01\x02\x03" * 100, "x.bin")
