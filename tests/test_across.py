"""Checks across reports through `gongkai check`: the same agency's consecutive years (among the inputs, or with
--previous), agencies matched through aliases, a region's own report against its agencies' (regions.csv)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from gongkai.cli import main
from gongkai.serialized import report_from_flat
from gongkai.writers import write_report
from test_checks import BASE

AGENCY = "测试市测试局"
SAID = ["本机关坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实政府信息公开条例。",
        "成立了以主要领导为组长的政务公开工作领导小组，明确专人负责日常工作。",
        "进一步完善信息发布审核制度和保密审查制度，确保公开信息准确规范。",
        "依托门户网站及时发布机构职能、政策文件、财政预决算等信息。",
        "严格按照法定程序和时限答复政府信息公开申请，没有超期答复。",
        "本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。",
        "主要问题是政府信息公开的及时性和全面性仍有待提高。",
        "下一步将加强业务培训，完善公开制度，规范公开流程。",
        "本机关本年度未收取信息处理费，没有其他需要报告的事项。",
        "本年度新建政策解读专栏，发布图文解读十二篇，回应社会关切。"]
EARLIER = [f"上一年度，{sentence}" for sentence in SAID]  # last year's own words
NEW = ["本年度组织开展政务公开专题培训三次，参训人员一百余人次。",
       "本年度对门户网站进行集约化改造，栏目设置更加清晰合理。"]


def _prose(sentences: list[str]) -> dict[int, str]:
    """Ten sentences spread over the six sections."""
    groups = [sentences[0:3], sentences[3:4], sentences[4:5], sentences[5:6], sentences[6:8], sentences[8:10]]
    return {n: "".join(group) for n, group in enumerate(groups, start=1)}


def this_year() -> dict:
    return dict(BASE["2021"].flat())


def last_year(**changes) -> dict:
    """The year before, consistent with this_year(): its 结转下年度 is this year's 上年结转."""
    data = this_year()
    year = data["meta.year"] - 1
    data.update({"meta.year": year, "meta.published": f"{year + 1}-01-20",
                 "applications.new.natural_person": 3, "applications.new.commercial": 1,
                 "applications.carried_forward.natural_person": 0, "applications.carried_forward.commercial": 1})
    data.update(changes)
    return data


def write(folder: Path, name: str, data: dict, sentences: list[str]) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    report = report_from_flat(data, str(path), _prose(sentences))
    report.meta.signature = report.meta.agency
    write_report(report, path)
    return path


def check(*args: str) -> tuple[int, dict[str, list[dict]]]:
    result = CliRunner().invoke(main, ["check", "--format", "json", *args], catch_exceptions=False)
    found: dict[str, list[dict]] = {}
    for line in result.stdout.splitlines():  # a report's own findings, then (a second record) those across reports
        record = json.loads(line)
        found.setdefault(Path(record["file"]).name, []).extend(record.get("findings", []))
    return result.exit_code, found


def across(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["code"][0] in "YR"]


def test_consistent_consecutive_years_give_no_finding(tmp_path: Path):
    write(tmp_path, "2023.md", last_year(), SAID[:4] + EARLIER[4:])  # 4 sentences of 10 repeated: not a copy
    write(tmp_path, "2024.md", this_year(), SAID)
    code, found = check(str(tmp_path))
    assert code == 0 and found == {"2023.md": [], "2024.md": []}


def test_a_carry_that_does_not_carry_names_both_reports_cells(tmp_path: Path):
    before = write(tmp_path / "2023", "上年.md", last_year(**{"applications.carried_forward.commercial": 3,
                                                             "applications.carried_forward.total": 3,
                                                             "applications.new.commercial": 3,
                                                             "applications.new.total": 6}),
                   EARLIER)
    now = write(tmp_path / "2024", "本年.md", this_year(), SAID)
    code, found = check(str(now), "--previous", str(before.parent))
    assert code == 1
    carried = [f for f in found["本年.md"] if f["code"] == "Y801"]
    assert {f["cells"][0] for f in carried} == {"applications.carried_over.commercial",
                                                 "applications.carried_over.total"}
    for finding in carried:
        assert finding["cells"][1].startswith("applications.carried_forward.")
        assert {Path(w["file"]).name for w in finding["where"]} == {"本年.md", "上年.md"}
        assert all("line" in w for w in finding["where"])
        assert "上年.md" in finding["message"]


def test_prose_eighty_percent_last_years_is_a_defect_naming_the_sentence(tmp_path: Path):
    write(tmp_path, "a-2023.md", last_year(), SAID)
    write(tmp_path, "b-2024.md", this_year(), SAID[:8] + NEW)
    code, found = check(str(tmp_path))
    assert code == 1
    (copied,) = [f for f in found["b-2024.md"] if f["code"] == "Y803"]
    assert "8 句" in copied["message"] and "80%" in copied["message"] and SAID[0] in copied["message"]
    assert [Path(w["file"]).name for w in copied["where"]] == ["b-2024.md", "a-2023.md"]
    assert found["a-2023.md"] == []  # the earlier year is not the one that copied


def test_agencies_are_matched_through_aliases(tmp_path: Path):
    write(tmp_path, "a.md", last_year(**{"meta.agency": "测试市旧名局"}), SAID)
    write(tmp_path, "b.md", this_year(), SAID)
    assert across(check(str(tmp_path))[1]["b.md"]) == []
    aliases = tmp_path.parent / "agencies.csv"
    aliases.write_text(f"机关,别名\n{AGENCY},测试市旧名局\n", encoding="utf-8")
    codes = [f["code"] for f in check(str(tmp_path), "--agencies", str(aliases))[1]["b.md"]]
    assert "Y803" in codes


def test_a_region_report_against_its_agencies_and_those_missing(tmp_path: Path):
    regions = tmp_path / "regions.csv"
    regions.write_text("region,parent,agency,kind\n测试市,,测试市人民政府,government\n"
                       f"测试市,,{AGENCY},department\n测试市,,测试市甲局,department\n测试市,,测试市乙局,department\n",
                       encoding="utf-8")
    folder = tmp_path / "in"
    write(folder, "dept.md", this_year(), SAID)
    write(folder, "dept2.md", {**this_year(), "meta.agency": "测试市甲局"}, NEW)
    government = {**this_year(), "meta.agency": "测试市人民政府", "meta.published": "2025-03-20"}
    government.update({"review.upheld": 1, "review.total": 1})  # the departments' sum is 2
    write(folder, "gov.md", government, SAID[:1] + NEW)
    _, found = check(str(folder), "--regions", str(regions))
    codes = [f["code"] for f in found["gov.md"]]
    assert codes.count("R902") == 1 and "测试市乙局" in next(f for f in found["gov.md"] if f["code"] == "R902")[
        "message"]
    differs = [f for f in found["gov.md"] if f["code"] == "R901"]
    assert {f["cells"][0] for f in differs} >= {"review.upheld", "review.total"}
    assert all("2 份报告" in f["message"] for f in differs)
    assert across(found["dept.md"]) == []


def test_missing_agencies_of_a_region_without_its_own_report_and_the_sheet_has_every_record(tmp_path: Path):
    from openpyxl import load_workbook

    regions = tmp_path / "regions.csv"
    regions.write_text(f"区域,上级,机关,类型\n测试市,,{AGENCY},部门\n测试市,,测试市乙局,部门\n", encoding="utf-8")
    write(tmp_path / "in", "a-2023.md", last_year(), SAID)
    write(tmp_path / "in", "b-2024.md", this_year(), SAID)
    sheet = tmp_path / "问题清单.xlsx"
    _, found = check(str(tmp_path / "in"), "--regions", str(regions), "-o", str(sheet))
    missing = found["regions.csv"]
    assert sorted(f["message"] for f in missing) == sorted(f"「测试市」所辖机关「测试市乙局」未见 {y} 年度报告"
                                                           for y in (2023, 2024))
    assert [f["code"] for f in found["b-2024.md"]] == ["Y803"]
    rows = list(load_workbook(sheet, read_only=True)["问题清单"].iter_rows(values_only=True))[1:]
    assert sorted(r[3] for r in rows) == sorted(f["code"] for fs in found.values() for f in fs)


def test_one_report_alone_is_still_set_against_its_region(tmp_path: Path):
    """One file and --regions: the checks across reports run (without --regions or --previous, one report has
    nothing to be set against, and they are skipped)."""
    regions = tmp_path / "regions.csv"
    regions.write_text(f"region,parent,agency,kind\n测试市,,测试市人民政府,government\n测试市,,{AGENCY},department\n",
                       encoding="utf-8")
    government = {**this_year(), "meta.agency": "测试市人民政府", "meta.published": "2025-03-20"}
    alone = write(tmp_path / "in", "gov.md", government, SAID)
    _, found = check(str(alone), "--regions", str(regions))
    assert [f["code"] for f in found["gov.md"] if f["code"] == "R902"] == ["R902"]
    assert across(check(str(alone))[1]["gov.md"]) == []
