"""Every code of the catalogue: one registered check, a case that makes it fire, and silence on a consistent report.

In the manner of ruff's fixtures: `CASES` holds, for each code, a minimal change to a consistent report (or to
the text of one) that must raise it. A code added to the catalogue without a check, or a check without a case
here, fails `test_every_code_has_one_check_and_a_case`.
"""

from __future__ import annotations

import copy
import re
import string
from collections.abc import Callable

import pytest

from crawled import glue
from gongkai.checks import all_checks, run_checks
from gongkai.checks.base import REGISTRY, Related
from gongkai.checks.catalogue import message, rules
from gongkai.extract import extract
from gongkai.formats import get_format
from gongkai.model import Report
from gongkai.readers.text import read_text
from gongkai.serialized import report_from_flat
from gongkai.supervision.digest import Digest, Prose, digest_of
from gongkai.totals import fill_totals
from gongkai.writers.markdown import render_markdown

PROSE = {1: "本机关本年度共收到政府信息公开申请4件，均按时答复。", 2: "主动公开情况见下表。",
         3: "依申请公开情况见下表。", 4: "复议诉讼情况见下表。",
         5: "主要问题：公开的及时性有待提高。改进措施：加强培训。", 6: "本年度未收取信息处理费。"}


def consistent(template: str = "2021") -> Report:
    """A small report of one format in which nothing is wrong: every identity holds, prose agrees, dated in time."""
    fmt = get_format(template)
    t3, t4 = fmt.table(3), fmt.table(4)
    year = max(fmt.first_year, 2020) + (1 if template == "2019" else 3)
    year = fmt.last_year or year
    flat: dict[str, object] = {"meta.year": year, "meta.agency": "测试市测试局", "meta.template": template,
                               "meta.published": f"{year + 1}-01-20", **dict.fromkeys(fmt.cell_keys(), 0)}
    for (row, column), value in {("granted", "natural_person"): 2, ("unable.not_held", "natural_person"): 1,
                                 ("carried_forward", "natural_person"): 1, ("new", "natural_person"): 4,
                                 ("partially_granted", "commercial"): 1, ("carried_over", "commercial"): 1}.items():
        flat[t3.key(row, column)] = value
    flat[t4.key("review", "upheld")] = 1
    report = report_from_flat(flat, "consistent.json", PROSE)
    fill_totals(report)
    report.meta.signature = report.meta.agency
    return report


BASE = {template: consistent(template) for template in ("2019", "2021")}
TEXT = render_markdown(BASE["2021"])


def changed(change: Callable[[Report], None], template: str = "2021") -> Callable[[], Report]:
    def build() -> Report:
        report = copy.deepcopy(BASE[template])
        change(report)
        return report
    return build


def edited(old: str, new: str) -> Callable[[], Report]:
    """The consistent report's Markdown with one line changed, read back."""
    def build() -> Report:
        assert old in TEXT, old
        return extract(read_text(TEXT.replace(old, new, 1), "case.md"))
    return build


def crawled(old: str = "", new: str = "") -> Callable[[], Report]:
    """The consistent report as crawled page text (one line, cells glued), with one piece changed."""
    def build() -> Report:
        text = glue(TEXT)
        assert old in text, old
        return extract(read_text(text.replace(old, new, 1), "case.txt"))
    return build


def cell(report: Report, table: int, row: str, column: str):
    return report.cells[get_format("2021").table(table).key(row, column)]


def setting(table: int, row: str, column: str, value, **fields) -> Callable[[Report], None]:
    def change(report: Report) -> None:
        target = cell(report, table, row, column)
        target.value = value
        for name, field_value in fields.items():
            setattr(target, name, field_value)
    return change


def many(*changes: Callable[[Report], None]) -> Callable[[Report], None]:
    def change(report: Report) -> None:
        for one in changes:
            one(report)
    return change


def prose(number: int, text: str) -> Callable[[Report], None]:
    def change(report: Report) -> None:
        report.section(number).text = text  # type: ignore[union-attr]
    return change


def meta(**fields) -> Callable[[Report], None]:
    def change(report: Report) -> None:
        for name, value in fields.items():
            setattr(report.meta, name, value)
    return change


def dropping(table: int, *rows: str) -> Callable[[Report], None]:
    def change(report: Report) -> None:
        spec = get_format("2021").table(table)
        for key in list(report.cells):
            split = spec.split(key)
            if split and (not rows or split[0] in rows):
                del report.cells[key]
    return change


def previous_year(report: Report) -> Digest:
    """The same agency's report of the year before, consistent with `report`: its 结转下年度 is this year's 上年结转,
    its documents in force this year's less those issued plus those repealed, its prose other sentences."""
    previous = digest_of(report)
    previous.year, previous.file, previous.prose = report.meta.year - 1, "上年.json", Prose()  # type: ignore[operator]
    fmt = get_format(previous.format_id)
    for entry in fmt.across_years:
        for binding in fmt.bindings(entry.for_each):
            terms = [x.format(**binding) for x in entry.this_year]
            this = [(t[1:], -1) if t.startswith("-") else (t, 1) for t in terms]
            last = entry.last_year[0].format(**binding)
            if all(report.value(k) is not None for k, _ in this):
                previous.set(last, sum(sign * report.value(k) for k, sign in this))  # type: ignore[misc]
    return previous


def across(change: Callable[[Digest], None] | None = None, **related) -> Callable[[], tuple[Report, Related]]:
    """The consistent report with what it is checked against across reports: the year before (changed), a region."""
    def build() -> tuple[Report, Related]:
        report = copy.deepcopy(BASE["2021"])
        previous = previous_year(report)
        if change:
            change(previous)
        return report, Related(previous=previous if change else None, **related)
    return build


def setting_previous(key: str, delta: int) -> Callable[[Digest], None]:
    def change(previous: Digest) -> None:
        previous.set(key, previous.value(key) + delta)  # type: ignore[operator]
    return change


def copying_prose(previous: Digest) -> None:
    previous.prose = digest_of(BASE["2021"]).prose


T3_HEADER = "| 自然人 | 法人或其他组织 商业企业 |"
CARRIED_OVER = "| 二、上年结转政府信息公开申请数量 |  |  | 0 | 1 | 0 | 0 | 0 | 0 | 1 |"
TOTAL_ROW = "| 三、本年度办理结果 | （七）总计 |  | 3 | 1 | 0 | 0 | 0 | 0 | 4 |"
LICENSING = "| 行政许可 | 0 |  |  |"

CASES: dict[str, Callable[[], Report]] = {
    "A101": changed(many(setting(3, "new", "natural_person", 5), setting(3, "new", "total", 5))),
    "A102": changed(many(setting(3, "granted", "natural_person", 3), setting(3, "granted", "total", 3))),
    "A103": changed(setting(3, "new", "total", 9)),
    "A104": changed(setting(4, "review", "total", 2)),
    "S201": changed(lambda r: r.sections.pop(4)),
    "S202": changed(lambda r: r.sections.reverse()),
    "S203": changed(lambda r: setattr(r.sections[3], "numbering", "4、")),
    "S204": changed(dropping(4)),
    "S205": changed(lambda r: r.cells.pop(get_format("2021").table(3).key("granted", "research"))),
    "S206": changed(setting(2, "licensing", "decisions", None, note="blank", raw="")),
    "S207": changed(setting(2, "licensing", "decisions", None, note="unreadable", raw="十二")),
    "S208": changed(setting(2, "licensing", "decisions", 0, note="none_word", raw="无")),
    "S209": changed(setting(2, "licensing", "decisions", 2500, note="unit", raw="2500万", unit="万")),
    "S210": edited("| 8.属于行政查询事项 |", "| 9.完全不同的标签文字 |"),
    "S211": edited(TOTAL_ROW, TOTAL_ROW + " 4 |"),
    "S212": edited(LICENSING, LICENSING + "\n" + LICENSING),
    "S213": edited("| 行政复议 结果维持 |", "| 行政复议 结果维护 |"),
    "S214": edited(T3_HEADER, "| 某某人 | 法人或其他组织 商业企业 |"),
    "S215": edited(CARRIED_OVER, "| 二、上年结转政府信息公开申请数量 |  |  | 0 | 1 | 0 |"),
    "S216": edited(CARRIED_OVER, "| 二、上年结转政府信息公开申请数量 |  |  | 5 | 0 | 0 | 0 | 0 | 0 | 0 | 5 |"),
    "S217": edited(LICENSING, LICENSING + "\n| 规章 | 0 |  |  |"),
    "S218": changed(setting(2, "licensing", "decisions", None, note="placeholder", raw="—")),
    "S219": changed(many(setting(4, "review", "upheld", 1.5), setting(4, "review", "total", 1.5))),
    "S230": crawled(),
    "S231": crawled("规章000", "规章3719402"),
    "S232": crawled("申请数量4000004", "申请数量40000041"),
    "F301": changed(meta(year=2024), "2019"),
    "F302": changed(lambda r: r.cells.update(  # 行政许可 in the 2019 wording, the rest in 2021's
        {k: copy.copy(r.cells["proactive.licensing.decisions"]) for k in ("proactive.licensing.previous",
                                                                        "proactive.licensing.change")})),
    "F303": changed(meta(year=None)),
    "D401": changed(meta(published="2025-02-05")),
    "D402": changed(meta(published=None)),
    "D403": changed(meta(published="2024-12-20")),
    "D404": changed(meta(signature="另一个机关")),
    "P501": changed(prose(1, "本年度共收到政府信息公开申请7件。")),
    "P502": changed(many(setting(3, "carried_forward", "total", 3))),
    "P503": changed(prose(1, "本年度共收到政府信息公开申请4件，印发规范性文件5件。")),
    "P504": changed(many(prose(1, "本年度共收到政府信息公开申请4件，收取信息处理费100元。"), prose(6, "无。"))),
    "P505": changed(prose(5, "")),
    "P506": changed(many(prose(1, "本年度共收到政府信息公开申请4件，收取信息处理费100元。"),
                         prose(6, "本年度收取信息处理费200元。"))),
    "W601": changed(lambda r: setattr(r.cells["proactive.normative_docs.made"], "value", 3), "2019"),
    "W602": changed(lambda r: setattr(r.cells["proactive.rules.published"], "value", 3), "2019"),
    "W603": changed(many(setting(4, "review", "upheld", -1), setting(4, "review", "total", -1))),
    "O701": changed(setting(3, "granted", "natural_person", 3, confidence=0.5)),
    "O702": changed(setting(3, "granted", "natural_person", 8, confidence=0.99)),
    "Y801": across(many(setting_previous("applications.carried_forward.natural_person", 2),
                        setting_previous("applications.carried_forward.total", 2))),
    "Y802": across(setting_previous("proactive.rules.in_force", 3)),
    "Y803": across(copying_prose),
    "Y804": across(setting_previous("applications.new.total", 100)),
    "R901": across(region="测试市", region_sum={"applications.new.total": 9}, summed=2),
    "R902": across(region="测试市", missing=["测试市财政局"]),
}


def findings_of(case: Callable[[], Report | tuple[Report, Related]]) -> list:
    """The findings of a case: a report alone, or with what it is checked against across reports."""
    made = case()
    return run_checks(*made) if isinstance(made, tuple) else run_checks(made)


def test_every_code_has_one_check_and_a_case():
    checks = all_checks()
    assert sorted(c.code for c in checks) == sorted(rules())
    assert len({c.code for c in checks}) == len(checks)  # one emitter per code
    assert sorted(CASES) == sorted(rules())


@pytest.mark.parametrize("code", sorted(rules()))
def test_message_parameters_are_the_checks_parameters(code: str):
    """The catalogue's placeholders in both languages are parameters the check declares (it may declare more,
    for the JSON output), and both languages name the same ones."""
    declared = set(REGISTRY[code].Params._fields)
    named = {lang: {name for _, name, _, _ in string.Formatter().parse(text) if name}
             for lang, text in rules()[code].message.items()}
    assert named["zh"] == named["en"], code
    assert named["zh"] <= declared, (code, named["zh"] - declared)


@pytest.mark.parametrize("template", sorted(BASE))
def test_consistent_report_is_silent(template: str):
    assert run_checks(BASE[template]) == []


def test_consistent_report_read_from_text_is_silent():
    assert run_checks(extract(read_text(TEXT, "consistent.md"))) == []


@pytest.mark.parametrize("code", sorted(CASES))
def test_case_fires(code: str):
    findings = findings_of(CASES[code])
    fired = [f for f in findings if f.code == code]
    assert fired, (code, [(f.code, f.params) for f in findings])
    for finding in fired:
        for lang in ("zh", "en"):
            text = message(finding, lang)
            assert not re.search(r"\{\w*\}", text), text  # no placeholder left


@pytest.mark.parametrize("code", sorted(CASES))
def test_case_is_silent_on_the_consistent_report(code: str):
    """The same code on the report the case changed: silent (the change, not the report, fires it)."""
    check = REGISTRY[code]
    template = "2019" if code in ("F301", "W601", "W602") else "2021"
    from gongkai.checks.base import Context

    assert list(check.run(Context.of(BASE[template]))) == []


def test_a_message_missing_a_parameter_raises():
    finding = findings_of(CASES["A104"])[0]
    finding.params.pop("diff")
    with pytest.raises(KeyError):
        message(finding)


def test_registering_a_second_check_for_a_code_is_refused():
    from gongkai.checks.base import add

    with pytest.raises(ValueError, match="A101"):
        add(REGISTRY["A101"])


def test_parameters_of_the_wrong_type_are_refused():
    check = REGISTRY["S201"]
    with pytest.raises(TypeError):
        check.finding(REGISTRY["S202"].Params("1"))
