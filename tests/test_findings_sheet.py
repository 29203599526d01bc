"""`gongkai check -o 问题清单.xlsx|.csv`: the list an office sends back, one row per finding."""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner

from gongkai.cli import main
from support import SEEDS


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _json_findings() -> list[dict]:
    result = _invoke("check", str(SEEDS), "--format", "json")
    return [f for line in result.output.splitlines() for f in json.loads(line)["findings"]]


def test_the_xlsx_has_a_row_per_finding_of_the_json_output(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "问题清单.xlsx"
    result = _invoke("check", str(SEEDS), "--format", "json", "-o", str(out))
    assert result.exit_code == 1
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["问题清单", "报告", "代码说明"]
    rows = list(book["问题清单"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:5] == ("机关", "年度", "文件", "代码", "严重程度")
    expected = _json_findings()
    assert len(body) == len(expected) > 0
    assert [r[3] for r in body] == [f["code"] for f in expected]
    assert [r[9] for r in body] == [f["message"] for f in expected]  # Chinese, as the default language gives
    cells = {r[8]: r[5:8] for r in body if r[8]}
    assert cells["proactive.normative_docs.made"] == ("表二", "规范性文件", "本年新制作数量")
    reports = list(book["报告"].iter_rows(values_only=True))[1:]
    assert len(reports) == 5
    by_agency = {r[0]: r for r in reports}
    assert by_agency["高安市行政务服务中心管委会"][4:7] == ("2024-01-11", "2024-01-31", "否")
    assert sum(r[7] + r[8] + r[9] for r in reports) == len(expected)
    codes = {r[0]: r[4] for r in list(book["代码说明"].iter_rows(values_only=True))[1:]}
    assert codes["W601"] == sum(f["code"] == "W601" for f in expected)


def test_the_csv_is_the_findings_sheet_in_chinese_even_with_english_messages(tmp_path):
    out = tmp_path / "问题清单.csv"
    _invoke("check", str(SEEDS), "--lang", "en", "-o", str(out))
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "机关"
    assert len(rows) - 1 == len(_json_findings())
    assert any("规范性文件" in r[9] for r in rows[1:])


def test_an_unknown_output_suffix_is_one_line_and_exit_2(tmp_path):
    result = CliRunner().invoke(main, ["check", str(SEEDS), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "x.pdf" in result.output and ".xlsx" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_text_starting_with_an_equals_sign_stays_text(tmp_path):
    from openpyxl import load_workbook

    from gongkai.supervision.xlsx import write_sheets

    out = tmp_path / "x.xlsx"
    write_sheets(out, [("s", ["a"], [["=1+1"], ["plain"]])])
    sheet = load_workbook(out)["s"]
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"


def test_rows_rendered_by_the_workers_are_those_the_library_writes(tmp_path):
    """`check -o` has its workers render the rows; write_findings renders them itself: the same sheets either way."""
    from openpyxl import load_workbook

    from gongkai.commands.check import check_file
    from gongkai.inputs import iter_files
    from gongkai.supervision.findings_sheet import write_findings

    by_cli, by_library = tmp_path / "cli.xlsx", tmp_path / "library.xlsx"
    _invoke("check", str(SEEDS), "--jobs", "2", "-o", str(by_cli))
    write_findings([check_file(path) for path in iter_files([str(SEEDS)])], by_library)
    books = [load_workbook(path, read_only=True) for path in (by_cli, by_library)]
    for name in books[0].sheetnames:
        cli_rows, library_rows = (list(book[name].iter_rows(values_only=True)) for book in books)
        assert cli_rows == library_rows
        assert len(cli_rows) > 1
