"""`gongkai compare`: indicators per agency and year beside the region's quartiles, charts in the workbook and on a
standalone page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.cli import main
from gongkai.serialized import report_from_flat
from gongkai.supervision.compare import compare, indicators, quartiles
from gongkai.supervision.digest import digest_of
from gongkai.supervision.results import Checked
from test_checks import BASE


def _checked(agency: str, year: int, **cells) -> Checked:
    report = report_from_flat({**BASE["2021"].flat(), "meta.agency": agency, "meta.year": year, **cells}, agency)
    return Checked.of(report, [], digest_of(report))


def test_indicators_and_quartiles():
    rows = [_checked("甲局", 2024), _checked("乙局", 2024, **{"meta.published": "2025-02-10"}),
            _checked("丙局", 2024, **{"applications.new.total": 40}), _checked("甲局", 2023)]
    result = compare(rows)
    by = {(r.agency, r.year): r.values for r in result.rows}
    first = by[("甲局", 2024)]
    assert first["received"] == 4
    assert first["disclosed"] == pytest.approx(3 / 4)  # 予以公开 2 + 部分公开 1 of 4 handled
    assert first["unable"] == pytest.approx(1 / 4) and first["withheld"] == 0
    assert first["corrected"] == 0 and first["cases"] == 1
    assert first["late"] == 0 and by[("乙局", 2024)]["late"] == 1
    assert result.quartiles[(2024, "received")] == (4, 4, 22)
    assert {i.id for i in indicators()} >= {"received", "disclosed", "withheld", "unable", "cases", "corrected",
                                             "issued", "repealed", "late"}
    assert quartiles([1.0]) == (1.0, 1.0, 1.0) and quartiles([]) is None


def test_the_workbook_has_the_charts_as_images_and_the_page_works_offline(tmp_path: Path):
    from openpyxl import load_workbook

    from support import SEEDS

    out = tmp_path / "对比.xlsx"
    result = CliRunner().invoke(main, ["compare", str(SEEDS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["指标", "分位数", "图表"]
    assert len(book["图表"]._images) == 3
    header = [c.value for c in book["指标"][1]]
    assert header[:4] == ["机关", "年度", "文件", "收到申请数"] and "区域 P25 / P50 / P75" in header[4]
    assert book["指标"].max_row == 6
    page = tmp_path / "对比.html"
    assert CliRunner().invoke(main, ["compare", str(SEEDS), "-o", str(page)]).exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") == 3
    assert not re.search(r"(src|href)=\"(https?:)?//", text)  # nothing fetched from elsewhere
    assert "高安市行政务服务中心管委会" in text



def test_nothing_readable_is_one_line_and_exit_2(tmp_path: Path):
    (tmp_path / "a.txt").write_text("不是报告", encoding="utf-8")
    result = CliRunner().invoke(main, ["compare", str(tmp_path), "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2 and "没有可对比的报告" in result.output
    assert CliRunner().invoke(main, ["compare", str(tmp_path), "-o", str(tmp_path / "x.pdf")]).exit_code == 2
