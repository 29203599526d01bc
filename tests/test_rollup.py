"""The roll-up (汇总): the cell-by-cell sum of a region's reports, only the cells that add up, with the lists of
reports included and excluded; level by level over a region tree."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.checks import run_checks
from gongkai.checks.arithmetic import expanded_identities
from gongkai.cli import main
from gongkai.formats import get_format
from gongkai.serialized import report_from_flat
from gongkai.supervision.digest import digest_of
from gongkai.supervision.regions import read_regions
from gongkai.supervision.results import Checked
from gongkai.supervision.rollup import rollup, rollup_tree
from layouts import render
from strategies import FORMAT_IDS, consistent_reports, flat


def checked(data: dict, file: str = "r.json") -> Checked:
    report = report_from_flat(data, file)
    return Checked.of(report, run_checks(report), digest_of(report))


def independent_sum(reports: list[dict], format_id: str) -> dict:
    """The sum computed apart from the library: every table cell of the format, added as Python numbers."""
    keys = get_format(format_id).cell_keys()
    return {k: round(sum(r[k] for r in reports), 6) for k in keys}


def holds(cells: dict, format_id: str) -> bool:
    return all(abs(sum(cells[k] for k in left) - sum(cells[k] for k in right)) < 1e-6
               for left, right in expanded_identities(get_format(format_id)))


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_the_identities_hold_on_the_sum_whenever_they_hold_on_every_part(format_id: str):
    @settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow])
    @given(parts=st.lists(consistent_reports(template=format_id, prose=False), min_size=1, max_size=6))
    def check(parts: list[dict]) -> None:
        year = parts[0]["meta.year"]
        parts = [{**p, "meta.year": year} for p in parts]
        assert all(holds(p, format_id) for p in parts)
        result = rollup([checked(p) for p in parts], include_errors=True)
        assert result.summed == len(parts) and not result.excluded
        assert holds(result.cells, format_id)
        assert result.cells == pytest.approx(independent_sum(parts, format_id))

    check()


def _write(data: dict, form: str, folder: Path, index: int) -> None:
    from gongkai.writers import write_report

    if form.startswith("text:"):
        (folder / f"r{index:02d}.txt").write_text(render(flat(data), form[5:]), encoding="utf-8")
    else:
        write_report(report_from_flat(data, "generated"), folder / f"r{index:02d}{form}")


def test_thirty_reports_in_mixed_forms_roll_up_to_their_sum(tmp_path: Path):
    """30 random consistent reports written as Word, web pages, text in three layouts and one PDF; the roll-up read
    back from the files is the sum of the data they were written from, and every identity holds on it.

    Hypothesis draws 10 reports (30 would not fit its buffer); the other 20 are sums of two of them, consistent as
    the test above proves, with the agency of the first."""
    from gongkai.office import soffice_path

    forms = [".docx", ".html", "text:cell-per-line", "text:tab", "text:pipe"]
    pdf = soffice_path() is not None

    @settings(deadline=None, max_examples=1, database=None, suppress_health_check=list(HealthCheck))
    @given(drawn=st.lists(consistent_reports(template="2021", prose=False), min_size=10, max_size=10),
           year=st.integers(2021, 2025))
    def check(drawn: list[dict], year: int) -> None:
        folder = tmp_path / "region"
        folder.mkdir()
        reports = [{**r, "meta.year": year} for r in drawn + _pair_sums(drawn)]
        assert len(reports) == 30
        rng = random.Random(year)
        for index, data in enumerate(reports):
            form = ".pdf" if pdf and index == 0 else rng.choice(forms)
            _write(data, form, folder, index)
        out = tmp_path / "汇总.json"
        result = CliRunner().invoke(main, ["rollup", str(folder), "-o", str(out), "--include-errors"],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        summed = json.loads(out.read_text(encoding="utf-8"))
        assert summed["meta.year"] == year and summed["meta.template"] == "2021"
        cells = {k: v for k, v in summed.items() if not k.startswith("meta.")}
        assert cells == pytest.approx(independent_sum(reports, "2021"))
        assert holds(cells, "2021")
        again = report_from_flat(summed, "汇总.json")
        assert not {f.code for f in run_checks(again)} & {i.check for i in get_format("2021").identities}

    check()


def _pair_sums(drawn: list[dict]) -> list[dict]:
    keys = get_format("2021").cell_keys()
    pairs = [(i, (i + step) % len(drawn)) for step in (1, 2) for i in range(len(drawn))]
    return [{**drawn[i], **{k: round(drawn[i][k] + drawn[j][k], 6) for k in keys}} for i, j in pairs]


def _consistent(template: str = "2021", **changes) -> dict:
    from test_checks import BASE

    return {**BASE[template].flat(), **changes}


def test_reports_are_excluded_with_their_reasons():
    base = _consistent()
    year = base["meta.year"]
    unread = _consistent(**{"applications.granted.research": None})
    wrong = _consistent(**{"applications.new.natural_person": 9, "applications.new.total": 9})
    parts = [checked(base, "a.json"), checked(_consistent(**{"meta.year": year - 1}), "b.json"),
             checked(unread, "c.json"), checked(wrong, "d.json"), checked(_consistent("2019"), "e.json"),
             Checked("f.pdf", error="f.pdf: 不是 PDF 文件")]
    parts[4].meta["year"] = year
    result = rollup(parts, year, "2021")
    assert [e.file for e in result.included] == ["a.json"]
    reasons = {e.file: str(e.reason) for e in result.excluded}
    assert "年度不同" in reasons["b.json"]
    assert "未读出数字" in reasons["c.json"] and "科研机构" in reasons["c.json"]
    assert "错误" in reasons["d.json"]
    assert "格式不同" in reasons["e.json"]
    assert "无法读取" in reasons["f.pdf"]
    assert rollup(parts, year, "2021", include_errors=True).summed == 2
    assert result.flat()["applications.new.total"] == base["applications.new.total"]


def test_a_region_tree_rolls_up_level_by_level(tmp_path: Path):
    (tmp_path / "regions.csv").write_text(
        "region,parent,agency,kind\n宜春市,,宜春市人民政府,government\n宜春市,,宜春市财政局,department\n"
        "高安市,宜春市,高安市人民政府,government\n高安市,宜春市,高安市财政局,department\n"
        "高安市,宜春市,高安市教育体育局,department\n", encoding="utf-8")
    regions = read_regions(tmp_path / "regions.csv")
    names = ["宜春市财政局", "高安市财政局", "高安市教育体育局", "高安市人民政府", "别处某局"]
    parts = [checked(_consistent(**{"meta.agency": name}), f"{i}.json") for i, name in enumerate(names)]
    tree = rollup_tree(parts, regions)
    one = _consistent()["applications.new.total"]
    assert tree["高安市"].cells["applications.new.total"] == 2 * one
    assert tree["宜春市"].cells["applications.new.total"] == 3 * one
    assert tree["宜春市"].regions == ["高安市"]
    reasons = {e.file: str(e.reason) for e in tree["宜春市"].excluded}
    assert "本级报告" in reasons["3.json"] and "regions.csv" in reasons["4.json"]


def test_the_command_writes_xlsx_and_docx_and_refuses_bad_input(tmp_path: Path):
    from openpyxl import load_workbook

    from support import SEEDS

    out = tmp_path / "汇总.xlsx"
    result = CliRunner().invoke(main, ["rollup", str(SEEDS), "-o", str(out), "--include-errors"])
    assert result.exit_code == 0, result.output
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["汇总", "纳入汇总的报告", "未纳入汇总的报告"]
    assert len(list(book["纳入汇总的报告"].iter_rows())) == 3  # header + the two 2020 reports of the 2019 format
    docx = tmp_path / "汇总.docx"
    assert CliRunner().invoke(main, ["rollup", str(SEEDS), "-o", str(docx), "--include-errors"]).exit_code == 0
    assert docx.stat().st_size > 10_000
    bad = tmp_path / "regions.csv"
    bad.write_text("区域,上级\n高安市,宜春市\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["rollup", str(SEEDS), "-o", str(out), "--regions", str(bad)])
    assert result.exit_code == 2
    assert result.output.startswith(f"gongkai: {bad}: ") and "机关" in result.output
    assert CliRunner().invoke(main, ["rollup", str(SEEDS), "-o", str(tmp_path / "x.txt")]).exit_code == 2
