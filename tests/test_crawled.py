"""Crawled page text: one long line, a crawler's header, tables with no separator between cells.

The rule: a cell is read exactly or reported unread, never guessed. Random consistent reports of both formats
and the five seeds, glued as a crawler leaves them, must never give a wrong cell.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawled import bare_pipes, glue
from gongkai.checks import run_checks
from gongkai.extract import extract
from gongkai.extract.crawled import _equations, _groups
from gongkai.extract.glued import COUNT, MAX_READINGS, Group, readings
from gongkai.formats import all_formats, get_format
from gongkai.readers.text import read_text
from layouts import Quirks, render
from strategies import consistent_reports, flat, fmt_of, table_keys
from support import SEEDS, differences, seed_names, truth

HEADER_DATE = "2024-02-03 09:30"


def read(text: str):
    return extract(read_text(text, "crawled.txt"))


def wrong_cells(got: dict, expected: dict) -> dict:
    return {k: (got.get(k), v) for k, v in expected.items()
            if not k.startswith("meta.") and got.get(k) is not None and got.get(k) != v}


def _true_run(report: dict, keys: tuple[str, ...]) -> str:
    return "".join(str(report[k]) for k in keys)


def _unique_rows(report: dict) -> list[tuple[str, ...]]:
    """The rows of tables 三 and 四 whose own digits split one way only under the row's constraints."""
    fmt = fmt_of(report)
    out = []
    t3, t4 = fmt.table(3), fmt.table(4)
    rows = [tuple(t3.key(r.key, c.key) for c in fmt.table3_columns) for r in fmt.table3_rows]
    rows.append(tuple(t4.key(g.key, c.key) for g in fmt.table4_groups for c in fmt.table4_columns))
    for keys in rows:
        found = readings(_true_run(report, keys), _groups(fmt, keys, (COUNT,) * len(keys)))
        if found is not None and len(found) == 1:
            out.append(keys)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(report=consistent_reports(), lines=st.integers(1, 3), header=st.booleans())
def test_random_reports_glued_never_give_a_wrong_cell(report, lines, header):
    top = {"标题": f"{report['meta.agency']}{report['meta.year']}年政府信息公开工作年度报告",
           "发布时间": HEADER_DATE, "原文链接": "http://www.example.gov.cn/art/1.html"} if header else None
    got = read(glue(render(report, "pipe"), top, lines)).flat()
    assert wrong_cells(got, report) == {}
    for keys in _unique_rows(report):  # every row that splits one way alone is read
        assert all(got.get(k) == report[k] for k in keys), {k: (got.get(k), report[k]) for k in keys}
    assert got["meta.year"] == report["meta.year"]
    assert got["meta.agency"] == report["meta.agency"]
    # the date printed at the end (cell-keys.md); the crawler's 发布时间 only where none is printed
    assert got.get("meta.published") == (report.get("meta.published") or ("2024-02-03" if header else None))
    assert set(got) - {"meta.published"} <= set(report) | {"meta.template", "meta.published"}


quirks = st.builds(Quirks, none_word=st.booleans(), fullwidth_digits=st.booleans(), upheld_typo=st.booleans(),
                   halfwidth_brackets=st.booleans(), broken_headers=st.booleans(), seed=st.integers(0, 2**32 - 1))


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(report=consistent_reports(), quirk=quirks, layout=st.sampled_from(["pipe", "tab", "cell-per-line"]))
def test_glued_with_real_world_quirks_never_gives_a_wrong_cell(report, quirk, layout):
    """无 for zeros, full-width digits, 结果维护, half-width brackets, header words broken by spaces."""
    got = read(glue(render(report, layout, quirk))).flat()
    assert wrong_cells(got, report) == {}
    assert sum(got.get(k) is not None for k in table_keys(report)) > 0.5 * len(table_keys(report))


def test_the_seeds_glued_never_give_a_wrong_cell():
    read_share = []
    for name in seed_names():
        expected = truth(name)
        report = read(glue((SEEDS / f"{name}.txt").read_text(encoding="utf-8")))
        got = report.flat()
        assert wrong_cells(got, expected) == {}, name
        assert {got.get(k) for k in ("meta.year", "meta.agency")} == {expected["meta.year"], expected["meta.agency"]}
        cells = [k for k in expected if not k.startswith("meta.")]
        read_share.append(sum(got.get(k) == expected[k] for k in cells) / len(cells))
    assert min(read_share) > 0.95, read_share


def _report_2021(**changes: str) -> str:
    fmt = get_format("2021")
    report = {"meta.year": 2023, "meta.agency": "测试市测试局", "meta.template": "2021",
              **dict.fromkeys(fmt.cell_keys(), 0)}
    text = glue(render(report, "pipe"))
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def test_the_issue_examples():
    t3 = get_format("2021").table(3)
    text = _report_2021(**{
        "规章000": "规章120",
        "行政规范性文件000": "行政规范性文件3719402",
        "行政事业性收费0": "行政事业性收费312.50",
        "一、本年新收政府信息公开申请数量0000000": "一、本年新收政府信息公开申请数量862010089",
        "（四）无法提供": "（四）无法 提供",
        "1.本机关不掌握相关政府信息0000000": "1.本机关不掌握相关政府信息862010089",
        "（七）总计0000000": "（七）总计862010089",
    })
    report = read(text)
    flat = report.flat()
    assert [flat[f"proactive.rules.{c}"] for c in ("issued", "repealed", "in_force")] == [1, 2, 0]
    assert all(flat[f"proactive.normative_docs.{c}"] is None for c in ("issued", "repealed", "in_force"))
    assert flat["proactive.fees.amount"] == 312.5 and report.cells["proactive.fees.amount"].raw == "312.50"
    assert [flat[t3.key("new", c.key)] for c in get_format("2021").table3_columns] == [86, 2, 0, 1, 0, 0, 89]
    assert flat[t3.key("unable.not_held", "total")] == 89
    ambiguous = [f for f in run_checks(report) if f.code == "S231"]
    assert len(ambiguous) == 1 and ambiguous[0].params["count"] == 11
    assert "3 | 719 | 402" in str(ambiguous[0].params["readings"])
    assert any(f.code == "S230" for f in run_checks(report))


def test_a_numbered_label_glued_to_the_digits_before_it():
    text = _report_2021(**{"1.属于国家秘密0000000": "1.属于国家秘密0000022"})
    assert "0000022" + "2.其他法律" in text
    flat = read(text).flat()
    assert flat["applications.withheld.state_secret.other_org"] == 2
    assert flat["applications.withheld.prohibited_by_law.total"] == 0


def test_table_4_as_one_run():
    text = _report_2021(**{"总计000000000000000": "总计100012000240004"})
    flat = read(text).flat()
    assert [flat[f"review.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")] == [1, 0, 0, 0, 1]
    assert flat["litigation_direct.total"] == 2 and flat["litigation_after_review.total"] == 4


def test_a_row_whose_columns_settle_it():
    """一's and （七）'s runs alone split two ways (1|10|… or 11|0|…); the results rows, each split one way, and
    the column identities (（七） = the sum of the results, 一 + 二 = （七） + 四) settle them."""
    fmt = get_format("2021")
    t3 = fmt.table(3)
    report = {"meta.year": 2023, "meta.agency": "测试市测试局", "meta.template": "2021",
              **dict.fromkeys(fmt.cell_keys(), 0)}
    report.update({t3.key("granted", "natural_person"): 1, t3.key("granted", "total"): 1,
                   t3.key("partially_granted", "commercial"): 10, t3.key("partially_granted", "total"): 10})
    for row in ("new", "total"):
        report.update({t3.key(row, "natural_person"): 1, t3.key(row, "commercial"): 10, t3.key(row, "total"): 11})
    keys = tuple(t3.key("new", c.key) for c in fmt.table3_columns)
    assert len(readings(_true_run(report, keys), _groups(fmt, keys, (COUNT,) * 7)) or ()) > 1
    flat = read(glue(render(report, "pipe"))).flat()
    assert [flat[k] for k in keys] == [report[k] for k in keys]
    same = dict(report, **{t3.key("partially_granted", "commercial"): 0, t3.key("partially_granted", "total"): 0,
                           t3.key("granted", "commercial"): 10, t3.key("granted", "total"): 11})
    flat = read(glue(render(same, "pipe"))).flat()  # now every row is 1|10 or 11|0 alike: nothing settles it
    assert all(flat[k] is None for k in keys[:2])


def test_the_split_search_is_bounded():
    assert readings("1" * 400, (Group((COUNT,) * 3),)) == []  # cells longer than any count: no reading
    assert readings("1" * 60, (Group((COUNT,) * 20),)) is None  # too many readings to list: unread
    assert MAX_READINGS < 100


def test_every_identity_is_written_out_from_the_format_data():
    for fmt in all_formats().values():
        keys = set(fmt.cell_keys())
        for left, right in _equations(fmt.id):
            assert set(left) | set(right) <= keys


def test_table_keys_helper_is_consistent():
    fmt = get_format("2019")
    assert table_keys({k: 0 for k in fmt.cell_keys()}) == fmt.cell_keys()


# ── pipe tables without outer pipes ────────────────────────────────────────────────────────────────────────

def test_the_seeds_as_bare_pipe_tables_read_exactly():
    for name in seed_names():
        report = read(bare_pipes((SEEDS / f"{name}.txt").read_text(encoding="utf-8")))
        assert differences(report.flat(), truth(name)) == {}, name


def _without_outer_pipes(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 2:
            line = stripped[1:-1].strip()
        lines.append(line)
    return "\n".join(lines)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(report=consistent_reports())
def test_random_reports_as_bare_pipe_grids_read_exactly(report):
    """Full grids (spanning headers as empty cells, a label only on the first row it spans), no outer pipes."""
    got = read(_without_outer_pipes(render(report, "pipe"))).flat()
    assert differences(got, flat(report)) == {}


def test_a_bare_pipe_row():
    text = _without_outer_pipes(render({"meta.year": 2020, "meta.agency": "测试市测试局", "meta.template": "2019",
                                        **dict.fromkeys(get_format("2019").cell_keys(), 0)}, "pipe"))
    assert "\n规章 | 0 | 0 | 0" in text
    got = read(text.replace("\n规章 | 0 | 0 | 0", "\n规章 | 13 | 13 | 524")).flat()
    assert [got[f"proactive.rules.{c}"] for c in ("made", "published", "total_public")] == [13, 13, 524]


# ── the report's kind: who publishes by 3月31日 ───────────────────────────────────────────────────────────────

@pytest.mark.parametrize(("agency", "kind"), [
    ("高安市人民政府", "government"), ("江西省人民政府办公厅", "government"),
    ("宜春经济技术开发区管委会", "government"), ("赣州高新技术产业开发区管理委员会", "government"),
    ("高安市", "government"), ("上饶市广信区", "government"),  # a region's summary report
    ("高安市行政务服务中心管委会", "department"), ("九江市财政局", "department"),
    ("高安市人民政府办公室", "department"), ("赣州经开区机关事务管理中心", "department"),
])
def test_the_kind_of_report_from_its_title(agency, kind):
    fmt = get_format("2021")
    report = {"meta.year": 2023, "meta.agency": agency, "meta.template": "2021", **dict.fromkeys(fmt.cell_keys(), 0)}
    top = {"标题": f"{agency}2023年政府信息公开工作年度报告", "发布时间": "2024-03-15 09:30",
           "原文链接": "http://www.example.gov.cn/art/1.html"}
    got = read(glue(render(report, "pipe"), top))
    assert (got.meta.kind, got.meta.published) == (kind, "2024-03-15")
    late = [f for f in run_checks(got) if f.code == "D401"]
    assert bool(late) == (kind == "department")  # 1月31日 for a department, 3月31日 for a government


# ── headings with a misprint ───────────────────────────────────────────────────────────────────────────────

MISPRINT = ("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政法复议、行政诉讼情况")


@pytest.mark.parametrize("glued", [False, True])
def test_a_misprinted_heading_is_its_section_with_a_finding(glued: bool):
    name = "001_205d0fb765df4a20"
    text = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
    text = (glue(text) if glued else text).replace(*MISPRINT)
    assert MISPRINT[1] in text
    report = read(text)
    assert [s.number for s in report.sections] == [1, 2, 3, 4, 5, 6]
    findings = [(f.code, f.params) for f in run_checks(report) if f.code in ("S201", "S204", "S213")]
    assert findings == [("S213", {"printed": MISPRINT[1], "official": MISPRINT[0]})]
    assert wrong_cells(report.flat(), truth(name)) == {}


def test_a_different_heading_is_not_taken_for_a_misprint():
    text = (SEEDS / "001_205d0fb765df4a20.txt").read_text(encoding="utf-8")
    report = read(text.replace(MISPRINT[0], "四、其他工作情况"))
    assert 4 not in [s.number for s in report.sections]


def test_a_crawler_header_over_text_laid_out_in_lines():
    """Tables in tab or cell-per-line rows are read as such; the header still gives the title, and the date where
    the report prints none at its end."""
    for name in seed_names():
        expected = truth(name)
        text = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
        title = read(text).meta.title
        top = f"标题: {title}\n发布时间: {HEADER_DATE}\n原文链接: http://www.example.gov.cn/1.html\n{'=' * 20}\n"
        report = read(top + text)
        assert (report.meta.title, report.meta.published) == (title, expected.get("meta.published") or "2024-02-03")
        got = {k: v for k, v in report.flat().items() if k != "meta.published" or k in expected}
        assert differences(got, expected) == {}, name


def test_entities_and_thousands_separators_in_crawled_text():
    text = _report_2021(**{"（四）无法提供": "（四）无法&nbsp;提供", "行政处罚0": "行政处罚1,036",
                           "行政强制0": "行政强制12,3"})
    report = read(text)
    assert report.value("proactive.penalty.decisions") == 1036
    assert report.value("proactive.enforcement.decisions") is None  # 12 and 3: two cells where one is
    assert report.value("applications.unable.not_held.total") == 0


def test_hostile_runs_are_read_in_bounded_time():
    """Runs far longer than any row (random digits, a 200,000-digit run) are left unread, quickly."""
    import random
    import time

    rng = random.Random(0)
    text = _report_2021()
    for label in ("一、本年新收政府信息公开申请数量", "（七）总计", "规章", "复议后起诉 总计"):
        if label + "0" in text:
            text = text.replace(label + "0", label + "".join(rng.choice("0123456789") for _ in range(80)) + "0", 1)
    text = text.replace("四、结转下年度继续办理", "四、结转下年度继续办理" + "1" * 200_000, 1)
    start = time.process_time()
    report = read(text)
    assert time.process_time() - start < 10
    assert report.value("applications.carried_forward.total") is None
    assert wrong_cells(report.flat(), {k: 0 for k in report.cells if not k.startswith("proactive.rules")}) == {}


def test_page_junk_around_the_crawled_report():
    """A breadcrumb before the title, print and share bars after the date."""
    name = "004_c82a2c402dd56cf8"
    text = glue((SEEDS / f"{name}.txt").read_text(encoding="utf-8")).strip()
    report = read("首页 > 政务公开 > 政府信息公开年报 > " + text + "【打印本页】【关闭窗口】分享到：微信 微博\n")
    expected = truth(name)
    assert (report.meta.agency, report.meta.published) == (expected["meta.agency"], expected["meta.published"])
    assert "打印" not in report.section(6).text  # type: ignore[union-attr]


def test_an_article_named_in_the_prose_before_table_2_stays_prose():
    sentence = "本机关依据第二十条第（一）项公开规章和规范性文件，具体如下。"
    text = _report_2021(**{"第二十条第（一）项信息内容": sentence + "第二十条第（一）项信息内容", "规章000": "规章120"})
    report = read(text)
    assert sentence in report.section(2).text  # type: ignore[union-attr]
    assert report.value("proactive.rules.issued") == 1


def test_a_row_printed_with_a_surplus_cell():
    """Seed 002's （六） and （七） rows carry an eighth 0: every placement of it reads the same (S211)."""
    name = "002_8183807e426b0491"
    report = read(glue((SEEDS / f"{name}.txt").read_text(encoding="utf-8")))
    surplus = [f for f in run_checks(report) if f.code == "S211"]
    assert surplus and "applications.total.total" in surplus[0].cells
    assert report.value("applications.total.total") == truth(name)["applications.total.total"] == 0
